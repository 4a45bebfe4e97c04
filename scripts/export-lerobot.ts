// Convert a datagen dataset (docs/dataset.md) to a LeRobot dataset v3.0 (docs/lerobot.md).
//
//   npm run export-lerobot -- --in data/demos --out exports/demos-lerobot
//
// Exit codes: 0 written, 1 crashed or ffmpeg missing, 2 refused (bad arguments, a missing or incomplete
// dataset, an output folder that is not empty; the message says which).

import { parseFlags, runCli, UsageError } from './lib/cli';
import { checkOutputDir, exportLeRobot } from './lib/lerobotExport';
import { openDatagenDataset } from './lib/lerobotSource';
import { DEFAULT_CRF, ffmpegProblem } from './lib/lerobotVideo';
import { DEFAULT_CHUNKS_SIZE, DEFAULT_DATA_FILE_SIZE_MB, DEFAULT_VIDEO_FILE_SIZE_MB } from '../src/export/lerobot/layout';

const USAGE = `usage: npm run export-lerobot -- --in DIR --out DIR [options]

  Writes the datagen dataset DIR as a LeRobot dataset v3.0 in --out (new or empty): meta/info.json,
  meta/stats.json, meta/tasks.parquet, meta/episodes/, data/ (actions, state, per-frame reasoning text)
  and one H.264 video per camera in videos/. Needs ffmpeg (Debian: apt-get install -y ffmpeg).

  --chunks-size N           files per chunk folder (default ${DEFAULT_CHUNKS_SIZE})
  --data-file-size-mb X     start a new data file before one reaches X MB (default ${DEFAULT_DATA_FILE_SIZE_MB})
  --video-file-size-mb X    start a new video file before one reaches X MB (default ${DEFAULT_VIDEO_FILE_SIZE_MB})
  --crf N                   x264 quality, 0 (lossless) .. 51 (default ${DEFAULT_CRF})
`;

function positive(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  return n;
}

async function main(): Promise<number> {
  const v = parseFlags(process.argv.slice(2), {
    in: { type: 'string' },
    out: { type: 'string' },
    'chunks-size': { type: 'string' },
    'data-file-size-mb': { type: 'string' },
    'video-file-size-mb': { type: 'string' },
    crf: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!v.in) throw new UsageError('--in DIR is required (a folder written by npm run datagen)');
  if (!v.out) throw new UsageError('--out DIR is required (a new or empty folder)');
  const crf = v.crf === undefined ? undefined : Number(v.crf);
  if (crf !== undefined && !(Number.isInteger(crf) && crf >= 0 && crf <= 51)) throw new UsageError(`--crf must be an integer 0..51, got ${v.crf}`);
  const options = {
    input: v.in,
    output: v.out,
    chunksSize: positive('--chunks-size', v['chunks-size'], true),
    dataFilesSizeMb: positive('--data-file-size-mb', v['data-file-size-mb'], false),
    videoFilesSizeMb: positive('--video-file-size-mb', v['video-file-size-mb'], false),
    crf,
  };
  // Everything the request can be refused for, before ffmpeg is looked for and before anything is written.
  const total = openDatagenDataset(options.input).episodes.length;
  checkOutputDir(options.input, options.output);
  const missing = ffmpegProblem();
  if (missing) {
    process.stderr.write(`export-lerobot: ${missing}\n`);
    return 1;
  }

  const tty = process.stderr.isTTY;
  const t0 = Date.now();
  const summary = await exportLeRobot({
    ...options,
    progress: (done) => {
      if (tty) process.stderr.write(`\rexporting episode ${done}/${total}`);
      else if (done % 100 === 0 || done === total) process.stderr.write(`exported ${done}/${total} episodes\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  const videos = summary.files.filter((f) => f.startsWith('videos/')).length;
  const dataFiles = summary.files.filter((f) => f.startsWith('data/')).length;
  process.stdout.write(
    `wrote ${options.output}: LeRobot ${summary.info.codebase_version}, ${summary.episodes} episodes, ${summary.frames} frames, ` +
      `${summary.tasks} tasks, ${summary.info.fps} fps; ${dataFiles} data file(s), ${videos} video file(s) ` +
      `in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

runCli('export-lerobot', USAGE, main);
