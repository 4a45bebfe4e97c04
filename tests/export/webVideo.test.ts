import { describe, expect, it } from 'vitest';
import { rgbToI420 } from '../../src/export/lerobot/browser/webVideo';

// The browser export's colour conversion (src/export/lerobot/browser/webVideo.ts): limited-range BT.601,
// what ffmpeg makes of the CLI's frames (yuv420p), chroma the mean of each 2x2 block. Reference values are
// the standard ones for 8-bit studio-swing BT.601; a rounding difference of 1 is allowed. Only even sizes:
// the encoder refuses odd ones before converting (4:2:0 has no half chroma sample).

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

/** `rows` of pixels (row 0 = top) as I420 planes. */
function convert(rows: Rgb[][]): { y: number[]; u: number[]; v: number[] } {
  const h = rows.length;
  const w = rows[0].length;
  const out = new Uint8Array((w * h * 3) / 2);
  rgbToI420(Uint8Array.from(rows.flat(2)), w, h, out);
  const c = (w / 2) * (h / 2);
  return { y: [...out.subarray(0, w * h)], u: [...out.subarray(w * h, w * h + c)], v: [...out.subarray(w * h + c)] };
}

function near(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]), `sample ${i}: ${a}, expected ${expected[i]}`).toBeLessThanOrEqual(1));
}

describe('rgbToI420', () => {
  it('gives the BT.601 limited-range values of black, white and the primaries', () => {
    const cases: Array<[Rgb, number, number, number]> = [
      [BLACK, 16, 128, 128],
      [WHITE, 235, 128, 128],
      [RED, 81, 90, 240],
      [GREEN, 145, 54, 34],
      [BLUE, 41, 240, 110],
    ];
    for (const [rgb, y, u, v] of cases) {
      const p = convert([
        [rgb, rgb],
        [rgb, rgb],
      ]);
      near(p.y, [y, y, y, y]);
      near(p.u, [u]);
      near(p.v, [v]);
    }
  });

  it('keeps luma per pixel and takes chroma from its own 2x2 block, in a wide and a tall frame', () => {
    // 4x2: a red block left of a blue one.
    const wide = convert([
      [RED, RED, BLUE, BLUE],
      [RED, RED, BLUE, BLUE],
    ]);
    near(wide.y, [81, 81, 41, 41, 81, 81, 41, 41]);
    near(wide.u, [90, 240]);
    near(wide.v, [240, 110]);

    // 2x4: a green block above a black-and-white checker, whose chroma is the mean's (grey, no colour).
    const tall = convert([
      [GREEN, GREEN],
      [GREEN, GREEN],
      [BLACK, WHITE],
      [WHITE, BLACK],
    ]);
    near(tall.y, [145, 145, 145, 145, 16, 235, 235, 16]);
    near(tall.u, [54, 128]);
    near(tall.v, [34, 128]);
  });
});
