import { beforeAll, describe, expect, it } from 'vitest';
import { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import { TASKS, getTask } from '../../src/sim/tasks';
import { qposOf, runExpert, sameBits, sharedEnv } from './helpers';

// A seed fixes an episode exactly: same task and seed give the same trajectory bit for bit, in any env
// instance and whatever ran before; snapshots restore an episode so that it continues identically.

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

/** Run the expert for `steps` control steps; returns every step's qpos. */
function trajectory(e: TabletopEnv, taskId: string, seed: number, steps: number): Float64Array[] {
  const ep = Episode.fromTask(e, taskId, seed);
  const pol = new ExpertPolicy();
  const out: Float64Array[] = [];
  for (let k = 0; k < steps && !ep.done; k++) {
    ep.apply(pol.decide(ep).actions[0]);
    out.push(qposOf(e));
  }
  return out;
}

describe('determinism', () => {
  it('same task and seed give the same trajectory bit for bit', () => {
    const a = trajectory(env, 'long/stack_then_plate', 1_000_007, 60);
    const b = trajectory(env, 'long/stack_then_plate', 1_000_007, 60);
    expect(a.length).toBe(60);
    a.forEach((q, k) => expect(sameBits(q, b[k]), `step ${k}`).toBe(true));
  });

  it('does not depend on what ran before or on which env instance runs it', async () => {
    const fresh = await TabletopEnv.create();
    try {
      const a = trajectory(fresh, 'object/green_to_bowl', 5, 50);
      runExpert(env, 'goal/open_drawer', 2); // leave a different history in the shared env
      const b = trajectory(env, 'object/green_to_bowl', 5, 50);
      a.forEach((q, k) => expect(sameBits(q, b[k]), `step ${k}`).toBe(true));
    } finally {
      fresh.dispose();
    }
  });

  it('a whole expert episode is reproducible (outcome, steps, final state)', () => {
    const a = runExpert(env, 'chains/five', 1_000_003);
    const qa = qposOf(env);
    const b = runExpert(env, 'chains/five', 1_000_003);
    expect(b.status).toBe(a.status);
    expect(b.step).toBe(a.step);
    expect(b.completed).toBe(a.completed);
    expect(sameBits(qposOf(env), qa)).toBe(true);
  });

  it('the sampled spec (layout, instruction, goals) is a pure function of the seed', () => {
    for (const t of TASKS) {
      expect(JSON.stringify(t.sample(42))).toBe(JSON.stringify(getTask(t.id).sample(42)));
    }
  });

  it('different seeds give different layouts', () => {
    for (const t of TASKS) {
      const layouts = new Set([0, 1, 2, 3, 4, 1_000_000, 1_000_001].map((s) => JSON.stringify(t.sample(s).init.objects)));
      expect(layouts.size, t.id).toBe(7);
    }
  });

  it('an EpisodeSnapshot restore continues identically', () => {
    const ep = Episode.fromTask(env, 'spatial/far_cube_to_plate', 1_000_011);
    const pol = new ExpertPolicy();
    for (let k = 0; k < 25; k++) ep.apply(pol.decide(ep).actions[0]);
    const snap = ep.snapshot();
    const actions: number[][] = [];
    const states: Float64Array[] = [];
    for (let k = 0; k < 30 && !ep.done; k++) {
      const a = pol.decide(ep).actions[0];
      actions.push(a);
      ep.apply(a);
      states.push(qposOf(env));
    }
    const outcome = ep.outcome();
    // Wander off to another episode entirely, then come back.
    runExpert(env, 'goal/press_button', 9);
    const again = new Episode(env, getTask('spatial/far_cube_to_plate').sample(1_000_011));
    again.restore(snap);
    actions.forEach((a, k) => {
      again.apply(a);
      expect(sameBits(qposOf(env), states[k]), `step ${k} after restore`).toBe(true);
    });
    expect(again.outcome()).toEqual(outcome);
  });

  it('a snapshot taken mid-chain restores the goal bookkeeping', () => {
    const ep = Episode.fromTask(env, 'chains/five', 1_000_005);
    const pol = new ExpertPolicy();
    while (!ep.done && ep.goalIndex < 1) ep.apply(pol.decide(ep).actions[0]);
    expect(ep.goalIndex).toBe(1);
    const snap = ep.snapshot();
    ep.fail('interrupted');
    ep.restore(snap);
    expect(ep.status).toBe('running');
    expect(ep.goalIndex).toBe(1);
    expect(ep.completed).toBe(1);
  });
});
