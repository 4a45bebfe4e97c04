import type { Manifest } from './manifest';

/** RGB bytes (row-major, 3 per pixel, row 0 = top) to a normalised float CHW tensor. */
export function imageToCHW(rgb: Uint8Array, width: number, height: number, norm: Manifest['cameras'][number]['normalization']): Float32Array {
  const n = width * height;
  if (rgb.length !== 3 * n) throw new Error(`camera image has ${rgb.length} bytes, expected ${3 * n} (${width}x${height} RGB)`);
  const out = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * norm.std[c]);
    const shift = norm.mean[c] / norm.std[c];
    const base = c * n;
    for (let i = 0; i < n; i++) out[base + i] = rgb[3 * i + c] * scale - shift;
  }
  return out;
}

export function normalize(x: ArrayLike<number>, mean: readonly number[], std: readonly number[]): Float32Array {
  const out = new Float32Array(mean.length);
  for (let i = 0; i < mean.length; i++) out[i] = (x[i] - mean[i]) / std[i];
  return out;
}
