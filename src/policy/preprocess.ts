import type { Normalization } from './manifest';

/**
 * RGB bytes (row-major, 3 per pixel, row 0 = top) to a normalised float CHW tensor, by the contract's
 * pixel rule: (pixel / 255 - mean[c]) / std[c] in float64 with mean and std as float32 values, rounded once
 * to float32. training/vla/dataset.py `normalize_images` computes the same numbers, bit for bit
 * (tests/fixtures/pixel_cases.json).
 */
export function imageToCHW(rgb: Uint8Array, width: number, height: number, norm: Normalization): Float32Array {
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

/**
 * RGB bytes resized with bilinear interpolation (pixel centres aligned, as OpenCV's INTER_LINEAR), for a
 * model that wants another resolution than the simulator renders. The same size is returned as is, so the
 * shipped model's input stays bit-exact.
 */
export function resizeRGB(rgb: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return rgb;
  const out = new Uint8Array(dw * dh * 3);
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * sw + x0) * 3 + c] * (1 - wx) + rgb[(y0 * sw + x1) * 3 + c] * wx;
        const b = rgb[(y1 * sw + x0) * 3 + c] * (1 - wx) + rgb[(y1 * sw + x1) * 3 + c] * wx;
        out[(y * dw + x) * 3 + c] = Math.round(a * (1 - wy) + b * wy);
      }
    }
  }
  return out;
}

/** The proprio fields a model reads, in its order, from the simulator's full vector (contract layout). */
export function selectProprio(full: ArrayLike<number>, layout: readonly string[], contractLayout: readonly string[]): Float32Array {
  return Float32Array.from(layout, (f) => full[contractLayout.indexOf(f)]);
}
