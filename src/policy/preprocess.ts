import type { Manifest } from './manifest';

/**
 * RGB bytes (row-major, 3 per pixel, row 0 = top) to a normalised float CHW tensor, by the contract's
 * pixel rule: (pixel / 255 - mean[c]) / std[c] in float64 with mean and std as float32 values, rounded once
 * to float32. training/vla/dataset.py `normalize_images` computes the same numbers, bit for bit
 * (tests/fixtures/pixel_cases.json).
 */
export function imageToCHW(rgb: Uint8Array, width: number, height: number, norm: Manifest['cameras'][number]['normalization']): Float32Array {
  const n = width * height;
  if (rgb.length !== 3 * n) throw new Error(`camera image has ${rgb.length} bytes, expected ${3 * n} (${width}x${height} RGB)`);
  const out = new Float32Array(3 * n);
  // A byte has 256 values: one table per channel does every pixel's arithmetic once.
  const lut = new Float32Array(256);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(norm.mean[c]);
    const std = Math.fround(norm.std[c]);
    for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean) / std;
    const base = c * n;
    for (let i = 0; i < n; i++) out[base + i] = lut[rgb[3 * i + c]];
  }
  return out;
}

export function normalize(x: ArrayLike<number>, mean: readonly number[], std: readonly number[]): Float32Array {
  const out = new Float32Array(mean.length);
  for (let i = 0; i < mean.length; i++) out[i] = (x[i] - mean[i]) / std[i];
  return out;
}
