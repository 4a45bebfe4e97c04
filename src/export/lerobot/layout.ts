// Where things live in a LeRobot dataset v3.0 (LeRobot's lerobot/datasets/utils.py: DEFAULT_DATA_PATH,
// DEFAULT_VIDEO_PATH, DEFAULT_EPISODES_PATH, DEFAULT_TASKS_PATH, DEFAULT_CHUNK_SIZE and the file size
// limits), and how episodes are packed into files. No Node or DOM imports: the CLI and, later, the
// browser export share this module.

export const CODEBASE_VERSION = 'v3.0';

/** Files per chunk folder before the chunk index moves on (LeRobot's DEFAULT_CHUNK_SIZE). */
export const DEFAULT_CHUNKS_SIZE = 1000;
/** A data file is closed before it would reach this many MB (DEFAULT_DATA_FILE_SIZE_IN_MB). */
export const DEFAULT_DATA_FILE_SIZE_MB = 100;
/** A video file is closed before it would reach this many MB (DEFAULT_VIDEO_FILE_SIZE_IN_MB). */
export const DEFAULT_VIDEO_FILE_SIZE_MB = 200;

// The templates info.json carries; LeRobot formats them with Python's str.format.
export const DATA_PATH_TEMPLATE = 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet';
export const VIDEO_PATH_TEMPLATE = 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4';
export const TASKS_PATH = 'meta/tasks.parquet';
export const INFO_PATH = 'meta/info.json';
export const STATS_PATH = 'meta/stats.json';

export interface FileSlot {
  chunk: number;
  file: number;
}

const pad3 = (n: number) => String(n).padStart(3, '0');
const chunkFile = (s: FileSlot) => `chunk-${pad3(s.chunk)}/file-${pad3(s.file)}`;

export const dataPath = (s: FileSlot) => `data/${chunkFile(s)}.parquet`;
export const videoPath = (videoKey: string, s: FileSlot) => `videos/${videoKey}/${chunkFile(s)}.mp4`;
export const episodesPath = (s: FileSlot) => `meta/episodes/${chunkFile(s)}.parquet`;

/** The feature key of a camera's video ("front" -> "observation.images.front"), as LeRobot robots name them. */
export const cameraKey = (camera: string) => `observation.images.${camera}`;

/** The slot after `s`: the file index runs to chunksSize - 1, then the chunk index moves on. */
export function nextSlot(s: FileSlot, chunksSize: number): FileSlot {
  return s.file >= chunksSize - 1 ? { chunk: s.chunk + 1, file: 0 } : { chunk: s.chunk, file: s.file + 1 };
}

/**
 * Packs episodes into files in order, the way LeRobot's writer and its v2.1 -> v3.0 converter do: an
 * episode goes into the open file unless its size would take the file to the limit or past it, and the
 * open file is never left empty (an episode larger than the limit gets a file of its own).
 */
export class FilePacker {
  private slot: FileSlot = { chunk: 0, file: 0 };
  private used = 0;
  private count = 0;

  constructor(
    private readonly limitBytes: number,
    private readonly chunksSize: number,
  ) {
    if (!(limitBytes > 0)) throw new Error(`file size limit must be positive, got ${limitBytes}`);
    if (!(chunksSize >= 1)) throw new Error(`chunks size must be at least 1, got ${chunksSize}`);
  }

  /** Where an episode of `bytes` goes; `opensFile` is true when it starts a new file. */
  place(bytes: number): FileSlot & { opensFile: boolean } {
    let opensFile = this.count === 0;
    if (this.count > 0 && this.used + bytes >= this.limitBytes) {
      this.slot = nextSlot(this.slot, this.chunksSize);
      this.used = 0;
      this.count = 0;
      opensFile = true;
    }
    this.used += bytes;
    this.count++;
    return { ...this.slot, opensFile };
  }
}

/** One group per file, in order: which episodes (by position) each file holds. */
export function packEpisodes(sizes: readonly number[], limitBytes: number, chunksSize: number): Array<FileSlot & { episodes: number[] }> {
  const packer = new FilePacker(limitBytes, chunksSize);
  const files: Array<FileSlot & { episodes: number[] }> = [];
  sizes.forEach((bytes, i) => {
    const p = packer.place(bytes);
    if (p.opensFile) files.push({ chunk: p.chunk, file: p.file, episodes: [] });
    files[files.length - 1].episodes.push(i);
  });
  return files;
}

export const MB = 1024 * 1024;
