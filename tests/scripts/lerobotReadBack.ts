import { spawnSync } from 'node:child_process';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

// Readers of an exported LeRobot dataset that share nothing with the writer: DuckDB for the Parquet files,
// ffprobe/ffmpeg (Debian's) for the videos. The CLI's test (lerobotExport.test.ts) and the app's export
// test (e2e/lerobotExport.e2e.ts) read their outputs back with these. They throw rather than assert, so
// either test runner can use them.

export type Row = Record<string, unknown>;

export class ParquetReader {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly con: DuckDBConnection,
  ) {}

  static async open(): Promise<ParquetReader> {
    const db = await DuckDBInstance.create(':memory:');
    return new ParquetReader(db, await db.connect());
  }

  /** A query's rows as JSON-like objects (BIGINT as strings, lists as arrays). */
  async rows(sql: string): Promise<Row[]> {
    return (await this.con.runAndReadAll(sql)).getRowObjectsJson() as Row[];
  }

  close(): void {
    this.con.closeSync();
    this.db.closeSync();
  }
}

export interface VideoProbe extends Row {
  codec_name: string;
  pix_fmt: string;
  width: number;
  height: number;
  r_frame_rate: string;
  nb_read_frames: string;
  /** Every decoded frame's presentation time, seconds. */
  pts: number[];
}

/** The first video stream's codec, format, rate and decoded frame count, by ffprobe. */
export function probeVideo(file: string): VideoProbe {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames:frame=pts_time', '-of', 'json', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe ${file} exited with ${r.status}: ${r.stderr}`);
  const p = JSON.parse(r.stdout) as { streams: VideoProbe[]; frames: Array<{ pts_time: string }> };
  return { ...p.streams[0], pts: p.frames.map((f) => Number(f.pts_time)) };
}

/** Every frame of a video decoded to RGB by ffmpeg. */
export function decodeFrames(file: string): Buffer {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${r.stderr?.toString()}`);
  return r.stdout as Buffer;
}

/** Every frame of a video decoded to RGB, each reduced to its mean colour. */
export function meanColours(file: string, w: number, h: number): Array<[number, number, number]> {
  const px = decodeFrames(file);
  const n = px.length / (w * h * 3);
  return Array.from({ length: n }, (_, f) => {
    const s = [0, 0, 0];
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) s[c] += px[(f * w * h + i) * 3 + c];
    return s.map((v) => v / (w * h)) as [number, number, number];
  });
}
