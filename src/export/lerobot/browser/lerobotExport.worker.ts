import * as Comlink from 'comlink';
import { zipSync, type Zippable } from 'fflate';
import { LeRobotBuilder, type ExportSettings, type OutputFile } from '../builder';
import { H264_VIDEO, ROBOT_TYPE } from '../info';
import { cameraKey, DEFAULT_CHUNKS_SIZE, DEFAULT_DATA_FILE_SIZE_MB, DEFAULT_VIDEO_FILE_SIZE_MB, MB, videoPath } from '../layout';
import type { SourceDataset, SourceEpisode } from '../source';
import type { VideoSegment } from '../tables';
import { planVideoFiles } from '../videos';
import { H264Encoder, muxEpisodes, type EncodedEpisode } from './webVideo';

// The browser's LeRobot export, off the main thread: the shared builder (tables, stats, metadata), the
// H.264 encoders, the MP4 muxer and the zip. The page reads the stored episodes and renders their camera
// frames (src/state/history/lerobotExport.ts) and hands each episode over, its arrays transferred; what
// comes back is the zip. A dataset is built in memory: an app history holds at most 50 episodes, whose
// encoded videos and tables take a few MB.

/** Where an exported episode came from (meta/source.json; LeRobot ignores files it does not know in meta/). */
export interface EpisodeProvenance {
  id: string;
  taskId: string;
  seed: number;
  instruction: string;
  policy: string;
  outcome: string;
  savedAt: string;
  records: number;
}

export interface ExportWorkerApi {
  /** Open the encoders; rejects with a VideoUnsupportedError's message when the browser cannot encode H.264. */
  start(ds: SourceDataset): Promise<void>;
  addEpisode(ep: SourceEpisode, source: EpisodeProvenance): Promise<void>;
  /** The dataset as a zip whose entries are under `root/`. */
  finish(root: string): Promise<Uint8Array>;
}

const SETTINGS: ExportSettings = {
  robotType: ROBOT_TYPE,
  chunksSize: DEFAULT_CHUNKS_SIZE,
  dataFilesSizeMb: DEFAULT_DATA_FILE_SIZE_MB,
  videoFilesSizeMb: DEFAULT_VIDEO_FILE_SIZE_MB,
  video: H264_VIDEO,
};

interface Job {
  ds: SourceDataset;
  builder: LeRobotBuilder;
  encoders: H264Encoder[];
  files: OutputFile[];
  lengths: number[];
  /** Per camera (ds.cameras order), per episode. */
  encoded: EncodedEpisode[][];
  sources: EpisodeProvenance[];
}

let job: Job | null = null;

function close(): void {
  for (const e of job?.encoders ?? []) e.close();
  job = null;
}

const api: ExportWorkerApi = {
  async start(ds) {
    close();
    const encoders: H264Encoder[] = [];
    try {
      for (const c of ds.cameras) encoders.push(await H264Encoder.open({ width: c.width, height: c.height, fps: ds.fps }));
    } catch (e) {
      for (const x of encoders) x.close();
      throw e;
    }
    job = { ds, builder: new LeRobotBuilder(ds, SETTINGS), encoders, files: [], lengths: [], encoded: ds.cameras.map(() => []), sources: [] };
  },

  async addEpisode(ep, source) {
    if (!job) throw new Error('the export was not started');
    const j = job;
    j.files.push(...j.builder.addEpisode(ep));
    for (const [c, cam] of j.ds.cameras.entries()) j.encoded[c].push(await j.encoders[c].encode(ep.pixels[cam.name], ep.length));
    j.lengths.push(ep.length);
    j.sources.push(source);
  },

  async finish(root) {
    if (!job) throw new Error('the export was not started');
    const j = job;
    try {
      const { ds } = j;
      const segments: Record<string, VideoSegment[]> = {};
      for (const [c, cam] of ds.cameras.entries()) {
        const key = cameraKey(cam.name);
        const config = j.encoders[c].decoderConfig;
        if (!config) throw new Error(`the H.264 encoder gave no decoder configuration for camera ${cam.name}`);
        const plan = planVideoFiles(j.lengths, j.encoded[c].map((e) => e.bytes), ds.fps, SETTINGS.videoFilesSizeMb * MB, SETTINGS.chunksSize);
        segments[key] = plan.segments;
        for (const f of plan.files) j.files.push({ path: videoPath(key, f), bytes: await muxEpisodes(f.episodes.map((e) => j.encoded[c][e]), ds.fps, config) });
      }
      j.files.push(...j.builder.finish(segments).files);
      const source = { format: 'vla-playground-history', episodes: j.sources.map((s, i) => ({ episode_index: i, ...s })) };
      j.files.push({ path: 'meta/source.json', bytes: new TextEncoder().encode(JSON.stringify(source, null, 1) + '\n') });
      // Videos are compressed already: stored as they are; the tables and JSON deflate well.
      const zippable: Zippable = {};
      for (const f of j.files) zippable[`${root}/${f.path}`] = [f.bytes, { level: f.path.endsWith('.mp4') ? 0 : 6 }];
      const zip = zipSync(zippable);
      return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
    } finally {
      close();
    }
  },
};

Comlink.expose(api);
