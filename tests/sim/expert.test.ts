import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { holds } from '../../src/sim/predicates';
import { TASKS } from '../../src/sim/tasks';
import { runExpert, sharedEnv } from './helpers';

// The scripted expert solves every task from training and evaluation seeds (the 50-seed figure per task is
// measured by `npm run eval -- --suite all --trials 50`; this is the quick regression guard).

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

const SEEDS = [17, 1_000_017];

describe('scripted expert', () => {
  for (const t of TASKS) {
    it(`solves ${t.id} (seeds ${SEEDS.join(', ')})`, () => {
      for (const seed of SEEDS) {
        const ep = runExpert(env, t.id, seed);
        expect(ep.reason, `${t.id} seed ${seed}`).toBeNull();
        expect(ep.status).toBe('success');
        expect(ep.completed).toBe(ep.spec.goals.length);
        // Success is declared on the real state: the last goal's relations hold when the episode ends.
        for (const r of ep.goal.relations) if (r.kind !== 'button_pressed') expect(holds(env, r, ep.latches)).toBe(true);
        expect(ep.step).toBeLessThanOrEqual(ep.spec.goals.reduce((s, g) => s + g.stepLimit, 0));
      }
    });
  }

  it('completes all five instructions of several chains', () => {
    for (const seed of [3, 1_000_021, 1_000_022]) {
      const ep = runExpert(env, 'chains/five', seed);
      expect(ep.completed, `chain seed ${seed}: ${ep.reason}`).toBe(5);
    }
  });
});
