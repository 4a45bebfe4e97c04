import { beforeAll, describe, expect, it } from 'vitest';
import { EpisodeLoop, type LoopRecord } from '../../src/engine/episodeLoop';
import type { PolicyStep, StepPolicy } from '../../src/engine/types';
import type { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { expertStepPolicy } from '../../src/sim/rollout';
import { sharedEnv, ZERO } from '../sim/helpers';

// The one episode loop: the order of its stages, its records, the guard, the gate and the fault stop.

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

function fixed(action: number[], extra: Partial<StepPolicy> = {}): StepPolicy & { acts: number[] } {
  const acts: number[] = [];
  return {
    acts,
    needsImages: false,
    reset() {},
    act: (obs) => {
      acts.push(obs.step);
      return { action, decision: null };
    },
    ...extra,
  };
}

describe('EpisodeLoop', () => {
  it('records state k with the decision made at it, and step k+1 executes exactly that action', async () => {
    const recs: LoopRecord[] = [];
    const loop = new EpisodeLoop(Episode.fromTask(env, 'object/red_to_bowl', 3), expertStepPolicy(), null, { onRecord: (r) => recs.push(r) });
    await loop.begin();
    for (let i = 0; i < 5; i++) expect(await loop.step()).toBe('stepped');
    expect(recs.map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let k = 0; k < 5; k++) expect(recs[k + 1].action).toEqual(Array.from(recs[k].decided!.action));
    expect(recs[0].action).toBeNull();
  });

  it('runs an expert episode to success and records the final state without a decision', async () => {
    const recs: LoopRecord[] = [];
    const loop = new EpisodeLoop(Episode.fromTask(env, 'goal/press_button', 2), expertStepPolicy(), null, { onRecord: (r) => recs.push(r) });
    await loop.begin();
    let r;
    while ((r = await loop.step()) === 'stepped');
    expect(r).toBe('done');
    expect(loop.episode.status).toBe('success');
    expect(recs.at(-1)!.decided).toBeNull();
    expect(recs.at(-1)!.step).toBe(loop.episode.step);
    expect(await loop.step()).toBe('done');
  });

  it('guards: a non-finite or malformed action fails the episode at the step it was decided, nothing moves', async () => {
    for (const bad of [[NaN, 0, 0, 0, 0, 0, -1], [0, 0, 0]]) {
      const ep = Episode.fromTask(env, 'object/red_to_bowl', 3);
      const q = Float64Array.from(env.data.qpos as Float64Array);
      const loop = new EpisodeLoop(ep, fixed(bad));
      const rec = await loop.begin();
      expect(rec.decided!.fault).toMatch(/non-finite|refused an action of 3/);
      expect(ep.status).toBe('failure');
      expect(ep.step).toBe(0);
      expect(await loop.step()).toBe('done');
      expect(Array.from(env.data.qpos as Float64Array)).toEqual(Array.from(q));
    }
  });

  it('a policy fault or a thrown error ends the episode with the reason', async () => {
    const faulty = fixed(ZERO, { act: (): PolicyStep => ({ action: ZERO, decision: null, fault: 'model output refused' }) });
    const a = new EpisodeLoop(Episode.fromTask(env, 'object/red_to_bowl', 3), faulty);
    await a.begin();
    expect(a.episode.reason).toBe('model output refused');
    const throwing = fixed(ZERO, {
      act: () => {
        throw new Error('boom');
      },
    });
    const b = new EpisodeLoop(Episode.fromTask(env, 'object/red_to_bowl', 3), throwing);
    await b.begin();
    expect(b.episode.reason).toBe('policy error: boom');
  });

  it('the gate holds a step: nothing executes until it opens', async () => {
    let open = false;
    const gated = fixed(ZERO, { gate: async () => open });
    const loop = new EpisodeLoop(Episode.fromTask(env, 'object/red_to_bowl', 3), gated);
    await loop.begin();
    expect(await loop.step()).toBe('held');
    expect(loop.episode.step).toBe(0);
    open = true;
    expect(await loop.step()).toBe('stepped');
    expect(loop.episode.step).toBe(1);
  });

  it('hooks: pixels when the policy reads them, DART-style executed actions, forces once per step', async () => {
    const order: string[] = [];
    let forces = 0;
    const policy = fixed([0, 0, 0.01, 0, 0, 0, -1], {
      needsImages: true,
      act: (obs) => {
        order.push(`act:${obs.images ? 'img' : 'none'}`);
        return { action: [0, 0, 0.01, 0, 0, 0, -1], decision: null };
      },
    });
    const recs: LoopRecord[] = [];
    const loop = new EpisodeLoop(Episode.fromTask(env, 'object/red_to_bowl', 3), policy, null, {
      images: () => {
        order.push('images');
        return null;
      },
      executed: (a) => [a[0], a[1], 0, a[3], a[4], a[5], a[6]],
      forces: () => {
        forces += 1;
        return undefined;
      },
      onRecord: (r) => recs.push(r),
    });
    const z0 = env.tcpPos()[2];
    await loop.begin();
    await loop.step();
    expect(order.slice(0, 2)).toEqual(['images', 'act:none']);
    expect(forces).toBe(1);
    // The record keeps the clean action; what executed had no dz, so the hand did not rise 1 cm.
    expect(recs[1].action).toEqual([0, 0, 0.01, 0, 0, 0, -1]);
    expect(env.tcpPos()[2] - z0).toBeLessThan(0.005);
  });
});
