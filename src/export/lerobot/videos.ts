import { packEpisodes, type FileSlot } from './layout';
import type { VideoSegment } from './tables';

// v3.0 keeps many episodes in one video file per camera and finds each by its time span in that file
// (videos/<key>/from_timestamp .. to_timestamp). An episode of T frames lasts T / fps seconds, so in a file
// made by concatenating whole episodes at a constant rate each span starts where the previous one ended,
// and frame t of an episode is at from_timestamp + t / fps.

export interface VideoFilePlan {
  /** The files of one camera, in order, with the episodes (by position) each holds. */
  files: Array<FileSlot & { episodes: number[] }>;
  /** Per episode, in order: its file and time span. */
  segments: VideoSegment[];
}

/** Pack episodes of `lengths` frames, whose encoded videos take `sizes` bytes, into files of one camera. */
export function planVideoFiles(lengths: readonly number[], sizes: readonly number[], fps: number, limitBytes: number, chunksSize: number): VideoFilePlan {
  if (lengths.length !== sizes.length) throw new Error(`${lengths.length} episode lengths but ${sizes.length} video sizes`);
  const files = packEpisodes(sizes, limitBytes, chunksSize);
  const segments: VideoSegment[] = new Array(lengths.length);
  for (const f of files) {
    let frames = 0;
    for (const e of f.episodes) {
      segments[e] = { slot: { chunk: f.chunk, file: f.file }, fromTimestamp: frames / fps, toTimestamp: (frames + lengths[e]) / fps };
      frames += lengths[e];
    }
  }
  return { files, segments };
}
