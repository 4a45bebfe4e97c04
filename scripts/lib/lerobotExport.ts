import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LeRobotBuilder, type OutputFile } from '../../src/export/lerobot/builder';
import { ROBOT_TYPE, type LeRobotInfo } from '../../src/export/lerobot/info';
import { cameraKey, DEFAULT_CHUNKS_SIZE, DEFAULT_DATA_FILE_SIZE_MB, DEFAULT_VIDEO_FILE_SIZE_MB, MB, videoPath } from '../../src/export/lerobot/layout';
import type { VideoSegment } from '../../src/export/lerobot/tables';
import { planVideoFiles } from '../../src/export/lerobot/videos';
import { UsageError } from './cli';
import { openDatagenDataset, readEpisode } from './lerobotSource';
import { concatVideos, DEFAULT_CRF, encodeFrames, VIDEO_ENCODING } from './lerobotVideo';

// npm run export-lerobot: a datagen dataset -> a LeRobot v3.0 dataset (docs/lerobot.md). The tables and
// metadata come from src/export/lerobot (shared with a future browser export); this module reads the
// episodes, writes the files and makes the videos with ffmpeg.

export interface ExportOptions {
  input: string;
  output: string;
  chunksSize?: number;
  dataFilesSizeMb?: number;
  videoFilesSizeMb?: number;
  crf?: number;
  robotType?: string | null;
  /** Called after each episode with (done, total). */
  progress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  episodes: number;
  frames: number;
  tasks: number;
  files: string[];
  info: LeRobotInfo;
}

/** Refuses an output folder that exists and is not empty, or that lies inside the input. */
export function checkOutputDir(input: string, output: string): void {
  const out = resolve(output);
  const rel = relative(resolve(input), out);
  if (rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))) throw new UsageError(`--out ${output} is inside --in ${input}: the export must not change its input`);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new UsageError(`--out ${output} is a file, not a folder`);
    if (readdirSync(out).length) throw new UsageError(`--out ${output} is not empty: give a new or empty folder (the export never overwrites)`);
  }
}

function writeOut(root: string, f: OutputFile): string {
  const path = join(root, f.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, f.bytes);
  return f.path;
}

export async function exportLeRobot(o: ExportOptions): Promise<ExportSummary> {
  const data = openDatagenDataset(o.input);
  checkOutputDir(o.input, o.output);
  const out = resolve(o.output);
  const settings = {
    robotType: o.robotType === undefined ? ROBOT_TYPE : o.robotType,
    chunksSize: o.chunksSize ?? DEFAULT_CHUNKS_SIZE,
    dataFilesSizeMb: o.dataFilesSizeMb ?? DEFAULT_DATA_FILE_SIZE_MB,
    videoFilesSizeMb: o.videoFilesSizeMb ?? DEFAULT_VIDEO_FILE_SIZE_MB,
    video: VIDEO_ENCODING,
  };
  const builder = new LeRobotBuilder(data.ds, settings);
  const work = mkdtempSync(join(tmpdir(), 'vla-lerobot-export-'));
  const written: string[] = [];
  const outExisted = existsSync(out);
  try {
    mkdirSync(out, { recursive: true });
    const cams = data.ds.cameras;
    const lengths: number[] = [];
    const parts: Record<string, string[]> = Object.fromEntries(cams.map((c) => [c.name, []]));
    const provenance: Array<{ episode_index: number; folder: string; task: string; seed: number; instruction: string }> = [];

    for (const [i, name] of data.episodes.entries()) {
      const { episode, meta } = readEpisode(data, name);
      for (const f of builder.addEpisode(episode)) written.push(writeOut(out, f));
      lengths.push(episode.length);
      provenance.push({ episode_index: i, folder: name, task: meta.task, seed: meta.seed, instruction: meta.instruction });
      await Promise.all(
        cams.map(async (c) => {
          const file = join(work, `${c.name}-${String(i).padStart(6, '0')}.mp4`);
          await encodeFrames(episode.pixels[c.name], { width: c.width, height: c.height, fps: data.ds.fps }, file, o.crf ?? DEFAULT_CRF);
          parts[c.name].push(file);
        }),
      );
      o.progress?.(i + 1, data.episodes.length);
    }

    const segments: Record<string, VideoSegment[]> = {};
    for (const c of cams) {
      const key = cameraKey(c.name);
      const sizes = parts[c.name].map((p) => statSync(p).size);
      const plan = planVideoFiles(lengths, sizes, data.ds.fps, settings.videoFilesSizeMb * MB, settings.chunksSize);
      segments[key] = plan.segments;
      for (const f of plan.files) {
        const rel = videoPath(key, f);
        mkdirSync(dirname(join(out, rel)), { recursive: true });
        await concatVideos(f.episodes.map((e) => parts[c.name][e]), join(work, 'concat.txt'), join(out, rel));
        written.push(rel);
      }
    }

    const { files, info } = builder.finish(segments);
    for (const f of files) written.push(writeOut(out, f));
    // Which datagen folder each episode came from; LeRobot ignores files it does not know in meta/.
    const source = { format: 'vla-playground-demos', input: data.dir, generator: data.generator, episodes: provenance };
    written.push(writeOut(out, { path: 'meta/source.json', bytes: new TextEncoder().encode(JSON.stringify(source, null, 1) + '\n') }));
    return { episodes: info.total_episodes, frames: info.total_frames, tasks: info.total_tasks, files: written.sort(), info };
  } catch (e) {
    // A half-written dataset would load as a smaller one: leave the output folder as it was (new or empty).
    if (outExisted) for (const entry of readdirSync(out)) rmSync(join(out, entry), { recursive: true, force: true });
    else rmSync(out, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
