import type { CameraImages } from '../engine/types';
import type { PerturbationPlan } from '../sim/perturbations';
import { Rng } from '../sim/rng';

// The `sensor_noise` axis (src/sim/axes.ts) on the policy's pixels: exposure, then blur, then Gaussian
// noise, as a camera's pipeline would add them. Plain arithmetic on RGB bytes, no three.js: the sim worker
// and the runner page apply it to what the renderer returned. Each step draws its own noise from the
// plan's seed and the step, so the same episode always sees the same pixels.

type Sensor = NonNullable<PerturbationPlan['sensor']>;

/** A standard normal from two uniforms (Box-Muller). */
function gauss(rng: Rng): number {
  const u = Math.max(1e-12, rng.next());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** 3x3 box blur mixed with the original by `amount` (0 none, 1 full), per channel, edges clamped. */
function blur(src: Uint8Array, w: number, h: number, amount: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          for (let dx = -1; dx <= 1; dx++) {
            const xx = Math.min(w - 1, Math.max(0, x + dx));
            sum += src[(yy * w + xx) * 3 + c];
          }
        }
        const i = (y * w + x) * 3 + c;
        out[i] = (1 - amount) * src[i] + (amount * sum) / 9;
      }
    }
  }
  return out;
}

/** New images with the sensor's exposure, blur and noise at `step`; the input is not changed. */
export function applySensorNoise(images: CameraImages, sensor: Sensor, step: number, sizes: Record<keyof CameraImages, { width: number; height: number }>): CameraImages {
  const out = {} as CameraImages;
  (Object.keys(images) as Array<keyof CameraImages>).forEach((name, k) => {
    const src = images[name];
    const { width, height } = sizes[name];
    const rng = new Rng(sensor.seed).fork(step * 8 + k + 1);
    const base = sensor.blur > 0 ? blur(src, width, height, sensor.blur) : src;
    const px = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = base[i] * sensor.exposure + sensor.sigma * gauss(rng);
      px[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
    out[name] = px;
  });
  return out;
}
