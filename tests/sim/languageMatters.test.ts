import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { planSwitch } from '../../src/engine/interventions';
import { getEpisodeSource } from '../../src/engine/catalog';
import { expertStepPolicy, runEpisode } from '../../src/sim/rollout';
import { getTask } from '../../src/sim/tasks';
import { sharedEnv } from './helpers';

// The two evaluations that ask whether the words steer the policy (docs/language.md): a task swap said
// before the first step on the same layout (--interventions swap), and one program said in its sampled
// and in a fixed canonical wording (--wording canonical).

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

describe('task swap', () => {
  it('is the switch said at step 0: the same other goal on the same seed', () => {
    const spec = getTask('object/red_to_bowl').sample(1_000_004);
    const sw = planSwitch(spec, 1_000_004, 'switch');
    const swap = planSwitch(spec, 1_000_004, 'swap');
    expect(swap.step).toBe(0);
    expect(sw.step).toBeGreaterThanOrEqual(10);
    expect(swap.text).toBe(sw.text);
  });

  it('runs the swapped goal from the first step, and the original goal is not achieved', async () => {
    const plain = await runEpisode(env, 'object/red_to_bowl', 1_000_004, expertStepPolicy());
    const swapped = await runEpisode(env, 'object/red_to_bowl', 1_000_004, expertStepPolicy(), [], 'swap');
    expect(plain.success).toBe(true);
    expect(swapped.intervention).toMatchObject({ step: 0, applied: true, abandoned_achieved: false });
    expect(swapped.success).toBe(true);
    // The layouts are the same; what the robot did is not.
    expect(swapped.steps).not.toBe(plain.steps);
  });
});

describe('canonical wording', () => {
  it('is the same program on the same layout, in other words', () => {
    for (let seed = 1_000_000; seed < 1_000_040; seed++) {
      const sampled = getEpisodeSource('open/heldout').sample(seed);
      const canonical = getEpisodeSource('open/heldout/canonical').sample(seed);
      expect(canonical.init).toEqual(sampled.init);
      expect(canonical.goals.map((g) => g.atom)).toEqual(sampled.goals.map((g) => g.atom));
      expect(canonical.taskId).toBe('open/heldout/canonical');
      if (seed < 1_000_005) expect(canonical.text).not.toBe(sampled.text);
    }
  });
});
