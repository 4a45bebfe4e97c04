import { ACTION, buildFeatures, buildInfo, statsKeys, STATE, videoKeys, type Feature, type LeRobotInfo, type VideoEncoding } from './info';
import { cameraKey, dataPath, episodesPath, FilePacker, MB, STATS_PATH, TASKS_PATH, INFO_PATH, type FileSlot } from './layout';
import { episodeReasoning } from './reasoning';
import type { SourceDataset, SourceEpisode } from './source';
import { ImageStats, VectorStats, type FeatureStats } from './stats';
import { DataFile, dataBytes, episodesTable, tasksTable, type EpisodeRecord, type VideoSegment } from './tables';

// Builds every file of a LeRobot v3.0 dataset except the videos, episode by episode, so an exporter never
// holds more than one data file and one episode in memory: data files come out as they fill up, the
// metadata at the end, once the caller (who encodes the videos) says where each episode's video segments
// are. Pure: the Node CLI writes what comes out to disk, a browser could put it in a zip.

export interface ExportSettings {
  robotType: string | null;
  chunksSize: number;
  dataFilesSizeMb: number;
  videoFilesSizeMb: number;
  video: VideoEncoding;
}

/** A finished file: its path inside the dataset and its bytes. */
export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 4) + '\n');

class FeatureAccumulators {
  readonly vectors = new Map<string, VectorStats>();
  readonly images = new Map<string, ImageStats>();

  constructor(features: Record<string, Feature>) {
    for (const k of statsKeys(features)) {
      if (features[k].dtype === 'video') this.images.set(k, new ImageStats());
      else this.vectors.set(k, new VectorStats(features[k].shape[0]));
    }
  }

  result(): Record<string, FeatureStats> {
    const out: Record<string, FeatureStats> = {};
    for (const [k, s] of this.vectors) out[k] = s.result();
    for (const [k, s] of this.images) out[k] = s.result();
    return out;
  }
}

export class LeRobotBuilder {
  readonly features: Record<string, Feature>;
  private readonly tasks = new Map<string, number>();
  private readonly records: Omit<EpisodeRecord, 'videos' | 'meta'>[] = [];
  private readonly global: FeatureAccumulators;
  private readonly packer: FilePacker;
  private open: { slot: FileSlot; file: DataFile } | null = null;
  private frames = 0;

  constructor(
    private readonly ds: SourceDataset,
    private readonly settings: ExportSettings,
  ) {
    this.features = buildFeatures(ds, settings.video);
    this.global = new FeatureAccumulators(this.features);
    this.packer = new FilePacker(settings.dataFilesSizeMb * MB, settings.chunksSize);
  }

  get episodes(): number {
    return this.records.length;
  }

  /** Add the next episode; returns the data file it closed, if adding it opened a new one. */
  addEpisode(ep: SourceEpisode): OutputFile[] {
    const episodeIndex = this.records.length;
    if (!this.tasks.has(ep.instruction)) this.tasks.set(ep.instruction, this.tasks.size);
    const taskIndex = this.tasks.get(ep.instruction)!;
    const reasoning = episodeReasoning(this.ds, ep);

    const out: OutputFile[] = [];
    const place = this.packer.place(dataBytes(this.ds, ep, reasoning));
    if (place.opensFile) {
      if (this.open) out.push(this.closeDataFile());
      this.open = { slot: { chunk: place.chunk, file: place.file }, file: new DataFile(this.ds) };
    }
    const firstIndex = this.frames;
    this.open!.file.addEpisode(ep, { episodeIndex, taskIndex, firstIndex }, reasoning);
    this.frames += ep.length;

    this.records.push({
      episodeIndex,
      tasks: [ep.instruction],
      length: ep.length,
      data: this.open!.slot,
      fromIndex: firstIndex,
      toIndex: firstIndex + ep.length,
      stats: this.episodeStats(ep, episodeIndex, taskIndex, firstIndex),
    });
    return out;
  }

  private episodeStats(ep: SourceEpisode, episodeIndex: number, taskIndex: number, firstIndex: number): Record<string, FeatureStats> {
    const T = ep.length;
    const acc = new FeatureAccumulators(this.features);
    const columns: Record<string, ArrayLike<number>> = {
      [ACTION]: ep.action,
      [STATE]: ep.state,
      timestamp: Array.from({ length: T }, (_, t) => Math.fround(t / this.ds.fps)),
      frame_index: Array.from({ length: T }, (_, t) => t),
      episode_index: new Array<number>(T).fill(episodeIndex),
      index: Array.from({ length: T }, (_, t) => firstIndex + t),
      task_index: new Array<number>(T).fill(taskIndex),
    };
    for (const [k, s] of acc.vectors) {
      if (!columns[k]) throw new Error(`no values for feature ${k}`);
      s.add(columns[k]);
      this.global.vectors.get(k)!.add(columns[k]);
    }
    for (const cam of this.ds.cameras) {
      const k = cameraKey(cam.name);
      acc.images.get(k)!.add(ep.pixels[cam.name], T);
      this.global.images.get(k)!.merge(acc.images.get(k)!);
    }
    return acc.result();
  }

  private closeDataFile(): OutputFile {
    const { slot, file } = this.open!;
    this.open = null;
    return { path: dataPath(slot), bytes: file.toParquet() };
  }

  /**
   * The remaining data file and the metadata, given each camera's segments (feature key -> one segment
   * per episode, in order).
   */
  finish(segments: Record<string, VideoSegment[]>): { files: OutputFile[]; info: LeRobotInfo } {
    if (!this.records.length) throw new Error('no episodes to export');
    const vKeys = videoKeys(this.features);
    for (const k of vKeys) {
      if (segments[k]?.length !== this.records.length) throw new Error(`${k}: ${segments[k]?.length ?? 0} video segments for ${this.records.length} episodes`);
    }
    const files: OutputFile[] = [];
    if (this.open) files.push(this.closeDataFile());

    // One episodes file: LeRobot itself writes its episode metadata to a single file when converting.
    const meta: FileSlot = { chunk: 0, file: 0 };
    const records: EpisodeRecord[] = this.records.map((r, i) => ({ ...r, videos: Object.fromEntries(vKeys.map((k) => [k, segments[k][i]])), meta }));
    files.push({ path: episodesPath(meta), bytes: episodesTable(records, vKeys, statsKeys(this.features)) });

    const tasks = [...this.tasks.keys()];
    files.push({ path: TASKS_PATH, bytes: tasksTable(tasks) });
    files.push({ path: STATS_PATH, bytes: json(this.global.result()) });
    const info = buildInfo(this.ds, this.features, { episodes: this.records.length, frames: this.frames, tasks: tasks.length }, this.settings);
    files.push({ path: INFO_PATH, bytes: json(info) });
    return { files, info };
  }
}
