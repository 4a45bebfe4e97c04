import type { Manifest } from './manifest';

/** The model's cross-attention weights [layers, heads, queries, context] with their token layout. */
export interface AttentionMaps {
  layers: number;
  heads: number;
  queries: string[];
  context: number;
  segments: NonNullable<Manifest['attention']>['segments'];
  data: Float32Array;
  /**
   * Models with spatial-softmax keypoints: per camera, K (u, v) pairs in 0..1 image coordinates. Keypoint j
   * of camera c is the context token at segment `${c}_keypoints` start + j.
   */
  keypoints?: Record<string, Float32Array>;
}

export type HeadChoice = { layer: number; head: number } | 'mean' | 'rollout';

function row(a: AttentionMaps, layer: number, head: number, query: number): Float32Array {
  const off = ((layer * a.heads + head) * a.queries.length + query) * a.context;
  return a.data.subarray(off, off + a.context);
}

/**
 * One query's attention over the whole context for a layer/head, the mean over all layers and heads, or
 * a rollout. In this decoder the context tokens are not updated between layers and every layer adds its
 * cross-attention read into the query's residual stream, so the rollout is the head-averaged attention
 * accumulated over layers, each later layer re-weighted by how much the query kept of its own stream.
 */
export function contextWeights(a: AttentionMaps, query: number, choice: HeadChoice): Float32Array {
  const out = new Float32Array(a.context);
  if (choice !== 'mean' && choice !== 'rollout') {
    out.set(row(a, choice.layer, choice.head, query));
    return out;
  }
  let total = 0;
  for (let l = 0; l < a.layers; l++) {
    const w = choice === 'rollout' ? 0.5 ** (a.layers - 1 - l) : 1;
    for (let h = 0; h < a.heads; h++) {
      const r = row(a, l, h, query);
      for (let i = 0; i < a.context; i++) out[i] += w * r[i];
    }
    total += w * a.heads;
  }
  for (let i = 0; i < a.context; i++) out[i] /= total;
  return out;
}

/** The part of a context weight vector that belongs to one segment (camera grid, text, proprio). */
export function segmentSlice(a: AttentionMaps, weights: Float32Array, name: string): { values: Float32Array; grid?: [number, number] } | null {
  const s = a.segments.find((g) => g.name === name);
  if (!s) return null;
  return { values: weights.slice(s.start, s.start + s.length), grid: s.grid };
}
