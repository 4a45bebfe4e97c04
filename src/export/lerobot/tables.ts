import { ACTION, REASONING, STATE } from './info';
import type { FileSlot } from './layout';
import { writeTable, type Column } from './parquet';
import type { SourceDataset, SourceEpisode } from './source';
import { STAT_NAMES, type FeatureStats } from './stats';

// The three kinds of Parquet file of a LeRobot v3.0 dataset: data/ (one row per frame), meta/episodes/
// (one row per episode: where its frames and video segments are, its stats) and meta/tasks.parquet.
// Column names follow LeRobot's writer and its v2.1 -> v3.0 converter.

const rowsOf = (flat: Float32Array, dims: number, t0: number, t1: number) => {
  const out: number[][] = [];
  for (let t = t0; t < t1; t++) out.push(Array.from(flat.subarray(t * dims, (t + 1) * dims)));
  return out;
};

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** Where an episode's frames sit in the dataset: its indices and its task. */
export interface EpisodePlacement {
  episodeIndex: number;
  taskIndex: number;
  /** Global index of its first frame (dataset_from_index). */
  firstIndex: number;
}

/** Bytes an episode adds to a data file before compression (what the file size limit is checked on). */
export function dataBytes(ds: SourceDataset, ep: SourceEpisode, reasoning: readonly string[]): number {
  const perFrame = 4 * (ds.actionNames.length + ds.stateNames.length) + 4 + 4 * 8;
  return ep.length * perFrame + reasoning.reduce((s, r) => s + utf8Bytes(r), 0);
}

/** One data/chunk-XXX/file-YYY.parquet, filled episode by episode. */
export class DataFile {
  private action: number[][] = [];
  private state: number[][] = [];
  private reasoning: string[] = [];
  private timestamp: number[] = [];
  private frameIndex: number[] = [];
  private episodeIndex: number[] = [];
  private index: number[] = [];
  private taskIndex: number[] = [];
  private groups: number[] = [];

  constructor(private readonly ds: SourceDataset) {}

  get rows(): number {
    return this.index.length;
  }

  addEpisode(ep: SourceEpisode, at: EpisodePlacement, reasoning: readonly string[]): void {
    const T = ep.length;
    if (reasoning.length !== T) throw new Error(`${ep.name}: ${reasoning.length} reasoning rows for ${T} frames`);
    this.action.push(...rowsOf(ep.action, this.ds.actionNames.length, 0, T));
    this.state.push(...rowsOf(ep.state, this.ds.stateNames.length, 0, T));
    this.reasoning.push(...reasoning);
    for (let t = 0; t < T; t++) {
      // float32 in the file, as LeRobot's timestamp feature; t / fps is exact for its float32 reading.
      this.timestamp.push(t / this.ds.fps);
      this.frameIndex.push(t);
      this.episodeIndex.push(at.episodeIndex);
      this.index.push(at.firstIndex + t);
      this.taskIndex.push(at.taskIndex);
    }
    this.groups.push(T);
  }

  toParquet(): Uint8Array {
    const columns: Column[] = [
      { name: ACTION, leaf: 'FLOAT', depth: 1, data: this.action },
      { name: STATE, leaf: 'FLOAT', depth: 1, data: this.state },
      { name: REASONING, leaf: 'STRING', depth: 0, data: this.reasoning },
      { name: 'timestamp', leaf: 'FLOAT', depth: 0, data: Float32Array.from(this.timestamp) },
      { name: 'frame_index', leaf: 'INT64', depth: 0, data: this.frameIndex },
      { name: 'episode_index', leaf: 'INT64', depth: 0, data: this.episodeIndex },
      { name: 'index', leaf: 'INT64', depth: 0, data: this.index },
      { name: 'task_index', leaf: 'INT64', depth: 0, data: this.taskIndex },
    ];
    return writeTable(columns, { rowGroups: this.groups });
  }
}

/** An episode's video segment in one camera's file. */
export interface VideoSegment {
  slot: FileSlot;
  fromTimestamp: number;
  toTimestamp: number;
}

/** One row of meta/episodes. */
export interface EpisodeRecord {
  episodeIndex: number;
  tasks: string[];
  length: number;
  data: FileSlot;
  /** dataset_from_index .. dataset_to_index (exclusive): the episode's rows by global index. */
  fromIndex: number;
  toIndex: number;
  /** Video feature key -> its segment. */
  videos: Record<string, VideoSegment>;
  /** Feature key -> its stats over this episode. */
  stats: Record<string, FeatureStats>;
  /** Which meta/episodes file holds this row. */
  meta: FileSlot;
}

/** meta/episodes/chunk-XXX/file-YYY.parquet for `records`; `videoKeys` and `statsKeys` fix the columns. */
export function episodesTable(records: EpisodeRecord[], videoKeys: string[], statsKeys: string[]): Uint8Array {
  const col = (name: string, leaf: Column['leaf'], depth: number, get: (r: EpisodeRecord) => unknown): Column => ({ name, leaf, depth, data: records.map(get) });
  const columns: Column[] = [
    col('episode_index', 'INT64', 0, (r) => r.episodeIndex),
    col('tasks', 'STRING', 1, (r) => r.tasks),
    col('length', 'INT64', 0, (r) => r.length),
    col('data/chunk_index', 'INT64', 0, (r) => r.data.chunk),
    col('data/file_index', 'INT64', 0, (r) => r.data.file),
    col('dataset_from_index', 'INT64', 0, (r) => r.fromIndex),
    col('dataset_to_index', 'INT64', 0, (r) => r.toIndex),
  ];
  for (const k of videoKeys) {
    columns.push(
      col(`videos/${k}/chunk_index`, 'INT64', 0, (r) => r.videos[k].slot.chunk),
      col(`videos/${k}/file_index`, 'INT64', 0, (r) => r.videos[k].slot.file),
      col(`videos/${k}/from_timestamp`, 'DOUBLE', 0, (r) => r.videos[k].fromTimestamp),
      col(`videos/${k}/to_timestamp`, 'DOUBLE', 0, (r) => r.videos[k].toTimestamp),
    );
  }
  for (const k of statsKeys) {
    const image = videoKeys.includes(k);
    for (const s of STAT_NAMES) {
      const count = s === 'count';
      columns.push(col(`stats/${k}/${s}`, count ? 'INT64' : 'DOUBLE', count || !image ? 1 : 3, (r) => r.stats[k][s]));
    }
  }
  columns.push(
    col('meta/episodes/chunk_index', 'INT64', 0, (r) => r.meta.chunk),
    col('meta/episodes/file_index', 'INT64', 0, (r) => r.meta.file),
  );
  return writeTable(columns);
}

/**
 * meta/tasks.parquet: task_index per task string. LeRobot reads it with pandas and looks tasks up by the
 * frame's task_index through the frame's index (tasks.iloc[i].name), so the task column must come back as
 * the index: the footer carries pandas' metadata saying so, as pandas' own to_parquet writes it.
 */
export function tasksTable(tasks: string[]): Uint8Array {
  const pandas = {
    index_columns: ['task'],
    column_indexes: [{ name: null, field_name: null, pandas_type: 'unicode', numpy_type: 'object', metadata: { encoding: 'UTF-8' } }],
    columns: [
      { name: 'task_index', field_name: 'task_index', pandas_type: 'int64', numpy_type: 'int64', metadata: null },
      { name: 'task', field_name: 'task', pandas_type: 'unicode', numpy_type: 'object', metadata: null },
    ],
    creator: { library: 'vla-playground export-lerobot', version: '1' },
    pandas_version: '2.2.3',
  };
  return writeTable(
    [
      { name: 'task_index', leaf: 'INT64', depth: 0, data: tasks.map((_, i) => i) },
      { name: 'task', leaf: 'STRING', depth: 0, data: tasks },
    ],
    { metadata: [{ key: 'pandas', value: JSON.stringify(pandas) }] },
  );
}
