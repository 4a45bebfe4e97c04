import { contextWeights, segmentSlice, type AttentionMaps, type HeadChoice } from '../policy/attention';
import { CAMERAS, type CameraName } from '../sim/vocab';

// What the attention views draw, computed from one decision's attention maps and the selectors: a
// query's weights over the context, split into the camera grids and the instruction's tokens.

export function parseHead(value: string, a: Pick<AttentionMaps, 'layers' | 'heads'>): HeadChoice {
  const m = /^L(\d+)H(\d+)$/.exec(value);
  if (!m) return value === 'rollout' ? 'rollout' : 'mean';
  return { layer: Math.min(a.layers - 1, Number(m[1])), head: Math.min(a.heads - 1, Number(m[2])) };
}

export function headOptions(layers: number, heads: number): Array<{ value: string; label: string }> {
  const out = [
    { value: 'mean', label: 'mean' },
    { value: 'rollout', label: 'rollout' },
  ];
  for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) out.push({ value: `L${l}H${h}`, label: `layer ${l + 1} head ${h + 1}` });
  return out;
}

export interface AttentionView {
  images: Record<CameraName, { values: Float32Array; grid: [number, number] } | null>;
  /** Largest weight over both camera grids: both heatmaps share one scale, so they compare. */
  imageMax: number;
  /** Weights over the instruction's token slots. */
  text: Float32Array | null;
  /** Fraction of the query's attention on each context segment (front, wrist, text, proprio, keypoints). */
  share: Record<string, number>;
  /** Per camera, the model's keypoints (u, v in 0..1) with the query's weight on each; null without them. */
  keypoints: Record<CameraName, { uv: Float32Array; weights: Float32Array } | null>;
  /** Largest weight on one keypoint over both cameras: the keypoint markers' common scale. */
  keypointMax: number;
}

export function attentionView(a: AttentionMaps, query: string, head: string): AttentionView | null {
  const q = a.queries.indexOf(query);
  if (q < 0) return null;
  const w = contextWeights(a, q, parseHead(head, a));
  const images = {} as AttentionView['images'];
  let imageMax = 0;
  for (const cam of CAMERAS) {
    const s = segmentSlice(a, w, cam);
    images[cam] = s?.grid ? { values: s.values, grid: s.grid } : null;
    if (s?.grid) for (const v of s.values) imageMax = Math.max(imageMax, v);
  }
  const share: Record<string, number> = {};
  for (const seg of a.segments) {
    let sum = 0;
    for (let i = seg.start; i < seg.start + seg.length; i++) sum += w[i];
    share[seg.name] = sum;
  }
  const keypoints = {} as AttentionView['keypoints'];
  let keypointMax = 0;
  for (const cam of CAMERAS) {
    const s = segmentSlice(a, w, `${cam}_keypoints`);
    const uv = a.keypoints?.[cam];
    keypoints[cam] = s && uv ? { uv, weights: s.values } : null;
    if (s && uv) for (const v of s.values) keypointMax = Math.max(keypointMax, v);
  }
  return { images, imageMax, text: segmentSlice(a, w, 'text')?.values ?? null, share, keypoints, keypointMax };
}

// A perceptual ramp (inferno's upper half): low attention stays see-through so the scene shows, high
// attention glows from red through orange to pale yellow.
const STOPS: Array<[number, number, number]> = [
  [120, 28, 109],
  [188, 55, 84],
  [237, 105, 37],
  [251, 180, 26],
  [252, 255, 164],
];

export function heatColor(v: number): [number, number, number, number] {
  const t = Math.max(0, Math.min(1, v));
  const x = t * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [STOPS[i], STOPS[i + 1]];
  const alpha = Math.round(255 * 0.78 * Math.pow(t, 1.3));
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]), alpha];
}

/**
 * The keypoints the model reads as coordinates, over the heatmap: a ring per keypoint, its size and colour
 * from the query's weight on that keypoint token. Keypoints under 5% of the largest are left out: a
 * keypoint the query ignores says nothing about what it does.
 */
export function drawKeypoints(canvas: HTMLCanvasElement, kp: { uv: Float32Array; weights: Float32Array } | null, max: number): void {
  const g = canvas.getContext('2d');
  if (!g || !kp || max <= 0) return;
  const { width: w, height: h } = canvas;
  const unit = Math.min(w, h) / 64; // one model pixel
  for (let j = 0; j < kp.weights.length; j++) {
    const t = kp.weights[j] / max;
    if (t < 0.05) continue;
    const [r, gg, b] = heatColor(0.35 + 0.65 * t);
    g.beginPath();
    g.arc(kp.uv[2 * j] * w, kp.uv[2 * j + 1] * h, unit * (1.2 + 2.8 * Math.sqrt(t)), 0, 2 * Math.PI);
    g.lineWidth = Math.max(1, unit * 0.6);
    g.strokeStyle = `rgba(${r | 0}, ${gg | 0}, ${b | 0}, ${0.5 + 0.5 * t})`;
    g.stroke();
  }
}

let scratch: HTMLCanvasElement | null = null;

/**
 * Draw an attention grid over a whole canvas: the grid (e.g. 8x8 tokens over a 64x64 image) becomes a
 * tiny image that the browser upsamples with bilinear filtering, so token boundaries do not show as blocks.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, grid: { values: Float32Array; grid: [number, number] } | null, max: number): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(canvas.clientWidth * dpr);
  const h = Math.round(canvas.clientHeight * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const g = canvas.getContext('2d');
  if (!g) return;
  g.clearRect(0, 0, w, h);
  if (!grid || max <= 0) return;
  const [rows, cols] = grid.grid;
  scratch ??= document.createElement('canvas');
  scratch.width = cols;
  scratch.height = rows;
  const sg = scratch.getContext('2d')!;
  const img = sg.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, gg, b, a] = heatColor(grid.values[i] / max);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = gg;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = a;
  }
  sg.putImageData(img, 0, 0);
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = 'high';
  // Token centres land on cell centres: the half-cell border is extrapolated by clamping, as the model saw it.
  g.drawImage(scratch, 0, 0, cols, rows, 0, 0, w, h);
}
