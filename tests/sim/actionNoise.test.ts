import { describe, expect, it } from 'vitest';
import { ActionNoise, ACTION_NOISE_RHO } from '../../src/sim/actionNoise';
import { MAX_DPOS, MAX_DROT } from '../../src/sim/env';
import { Rng } from '../../src/sim/rng';

const OPEN = [0.01, -0.01, 0.005, 0, 0, 0.02, -1];
const CLOSED = [0.01, -0.01, 0.005, 0, 0, 0.02, 1];

describe('ActionNoise (DART)', () => {
  it('is fixed by its seed and leaves the clean action untouched', () => {
    const a = new ActionNoise(new Rng(7), 0.3);
    const b = new ActionNoise(new Rng(7), 0.3);
    const clean = OPEN.slice();
    const xs = Array.from({ length: 50 }, () => a.perturb(clean));
    const ys = Array.from({ length: 50 }, () => b.perturb(clean));
    expect(xs).toEqual(ys);
    expect(clean).toEqual(OPEN);
    expect(new ActionNoise(new Rng(8), 0.3).perturb(OPEN)).not.toEqual(xs[0]);
  });

  it('perturbs translation and yaw by scale x the limits, with step-to-step correlation RHO', () => {
    const n = new ActionNoise(new Rng(1), 0.5);
    const d: number[][] = [];
    for (let t = 0; t < 20000; t++) d.push(n.perturb(OPEN).map((v, i) => v - OPEN[i]));
    const std = (i: number) => Math.sqrt(d.reduce((s, r) => s + r[i] * r[i], 0) / d.length);
    for (const i of [0, 1, 2]) expect(std(i) / (0.5 * MAX_DPOS)).toBeCloseTo(1, 1);
    expect(std(5) / (0.5 * MAX_DROT)).toBeCloseTo(1, 1);
    for (const i of [3, 4, 6]) expect(std(i)).toBe(0);
    const lag1 = d.slice(1).reduce((s, r, t) => s + r[0] * d[t][0], 0) / (d.length - 1) / std(0) ** 2;
    expect(lag1).toBeCloseTo(ACTION_NOISE_RHO, 1);
  });

  it('never shakes a closed gripper, and the stream does not depend on the gripper', () => {
    const a = new ActionNoise(new Rng(3), 0.3);
    const b = new ActionNoise(new Rng(3), 0.3);
    for (let t = 0; t < 5; t++) {
      expect(a.perturb(CLOSED)).toEqual(CLOSED);
      b.perturb(OPEN);
    }
    expect(a.perturb(OPEN)).toEqual(b.perturb(OPEN));
  });

  it('rejects a scale outside 0..1', () => {
    expect(() => new ActionNoise(new Rng(1), 1.5)).toThrow(/0\.\.1/);
    expect(() => new ActionNoise(new Rng(1), Number.NaN)).toThrow(/0\.\.1/);
  });
});
