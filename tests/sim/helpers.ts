import { TabletopEnv, type InitialState } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import type { Vec3 } from '../../src/sim/math';
import { wrapAngle } from '../../src/sim/math';
import { MAX_DPOS, MAX_DROT } from '../../src/sim/env';

// Shared by the sim tests: one MuJoCo env per test file (loading one costs ~100 ms, and vitest runs each
// file in its own process).

let shared: Promise<TabletopEnv> | null = null;
export function sharedEnv(): Promise<TabletopEnv> {
  shared ??= TabletopEnv.create();
  return shared;
}

/** Run the expert on a task episode to the end; returns the episode. */
export function runExpert(env: TabletopEnv, taskId: string, seed: number, onStep?: (ep: Episode, pol: ExpertPolicy) => void): Episode {
  const ep = Episode.fromTask(env, taskId, seed);
  const pol = new ExpertPolicy();
  while (!ep.done) {
    const d = pol.decide(ep);
    ep.apply(d.actions[0]);
    onStep?.(ep, pol);
  }
  return ep;
}

/** An empty table: every free object parked under it, drawer closed, arm at home. */
export const EMPTY: InitialState = { objects: {}, drawer: 0 };

export const ZERO = [0, 0, 0, 0, 0, 0, -1];

/** The action that moves the commanded pose towards (pos, yaw) at the controller's speed limits. */
export function actionToward(env: TabletopEnv, pos: Vec3, yaw: number | null, grip: number, fromCommand = true): number[] {
  const from = fromCommand ? env.target().pos : env.tcpPos();
  const d = [0, 1, 2].map((i) => pos[i] - from[i]);
  const m = Math.max(...d.map(Math.abs));
  const k = m > MAX_DPOS ? MAX_DPOS / m : 1;
  const drz = yaw === null ? 0 : Math.max(-MAX_DROT, Math.min(MAX_DROT, wrapAngle(yaw - env.tcpYaw())));
  return [d[0] * k, d[1] * k, d[2] * k, 0, 0, drz, grip];
}

export const qposOf = (env: TabletopEnv) => Float64Array.from(env.data.qpos as Float64Array);

/** Bitwise equality of two float arrays (NaN-safe, -0 vs 0 distinguished). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}
