import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import { goalOf, PRESS_BUTTON } from '../../src/sim/goals';
import { getTask } from '../../src/sim/tasks';
import { sharedEnv } from './helpers';

// "Press the button twice" is two presses: a goal whose press began before it (the button still held down
// from the previous goal) is not met until the button comes up and goes down again.

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

describe('button latch', () => {
  it('counts each press once: three press goals need three presses, and the expert makes them', () => {
    const base = getTask('goal/press_button').sample(1_000_090);
    const ep = new Episode(env, { ...base, goals: [goalOf(PRESS_BUTTON), goalOf(PRESS_BUTTON), goalOf(PRESS_BUTTON)] });
    const expert = new ExpertPolicy();
    const doneAt: number[] = [];
    let presses = 0;
    let wasDown = false;
    while (!ep.done) {
      const before = ep.completed;
      ep.apply(expert.decide(ep).actions[0]);
      const down = env.buttonPos() < -0.008;
      if (down && !wasDown) presses += 1;
      wasDown = down;
      if (ep.completed > before) doneAt.push(ep.step);
    }
    expect(ep.status, ep.reason ?? '').toBe('success');
    expect(doneAt.length).toBe(3);
    // Each goal was met by a press of its own, not by the previous one still held.
    expect(presses).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < doneAt.length; i++) expect(doneAt[i] - doneAt[i - 1]).toBeGreaterThan(5);
  });
});
