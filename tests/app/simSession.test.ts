import { describe, expect, it } from 'vitest';
import { SimSession } from '../../src/workers/simSession';
import { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import type { SimEvent, StepRecord } from '../../src/workers/protocol';

async function session(): Promise<{ s: SimSession; events: SimEvent[] }> {
  const s = new SimSession();
  const events: SimEvent[] = [];
  await s.init((e) => events.push(e));
  return { s, events };
}

function runToEnd(s: SimSession): StepRecord[] {
  const out: StepRecord[] = [];
  for (let r = s.step(); r; r = s.step()) out.push(r);
  return out;
}

describe('SimSession', () => {
  it('publishes the plan for a state before that state executes, and runs the expert to success', async () => {
    const { s } = await session();
    const { record: r0, info } = s.load({ taskId: 'object/red_to_bowl', seed: 3, policy: 'expert' });
    expect(r0.step).toBe(0);
    expect(r0.outcome.status).toBe('running');
    expect(r0.decision?.source).toBe('expert');
    expect(r0.decision?.path.length).toBeGreaterThan(0);
    expect(info.goals).toHaveLength(1);
    expect(info.draggable.map((d) => d.name)).toContain('red_cube');
    const recs = runToEnd(s);
    const last = recs[recs.length - 1];
    expect(last.outcome.status).toBe('success');
    expect(last.decision).toBeNull();
    // Record k+1 executed exactly the first action of the plan published with record k.
    const all = [r0, ...recs];
    for (let k = 0; k + 1 < all.length; k++) expect(all[k + 1].action).toEqual(all[k].decision!.actions[0]);
    s.dispose();
  });

  it('gives the same episode as driving Episode + ExpertPolicy directly', async () => {
    const { s } = await session();
    s.load({ taskId: 'goal/press_button', seed: 11, policy: 'expert' });
    const recs = runToEnd(s);
    const env = await TabletopEnv.create();
    const ep = Episode.fromTask(env, 'goal/press_button', 11);
    const pol = new ExpertPolicy();
    while (!ep.done) ep.apply(pol.decide(ep).actions[0]);
    expect(recs[recs.length - 1].outcome).toEqual(ep.outcome());
    const bodies = recs[recs.length - 1].frame.bodies;
    expect(Array.from(bodies)).toEqual(Array.from(env.bodyPoses()));
    env.dispose();
    s.dispose();
  });

  it('resumes bit for bit from any recorded step', async () => {
    const { s } = await session();
    s.load({ taskId: 'object/blue_to_bowl', seed: 5, policy: 'expert' });
    const first = runToEnd(s);
    const k = 17;
    s.resumeFrom(k);
    const second = runToEnd(s);
    expect(second.length).toBe(first.length - k);
    const a = first[first.length - 1];
    const b = second[second.length - 1];
    expect(b.step).toBe(a.step);
    expect(b.outcome).toEqual(a.outcome);
    expect(Array.from(b.frame.bodies)).toEqual(Array.from(a.frame.bodies));
    s.dispose();
  });

  it('moves a dragged object towards the pointer with a spring force', async () => {
    const { s } = await session();
    const { info, record } = s.load({ taskId: 'goal/open_drawer', seed: 2, policy: 'expert' });
    const body = info.draggable.find((d) => d.name === 'green_cube')!.body;
    const start: [number, number, number] = [record.frame.bodies[7 * body], record.frame.bodies[7 * body + 1], record.frame.bodies[7 * body + 2]];
    const target: [number, number, number] = [start[0], start[1] + 0.08, start[2]];
    s.dragStart({ body, anchor: [0, 0, 0], target });
    let last: StepRecord | null = null;
    for (let i = 0; i < 8; i++) last = s.step();
    s.dragEnd();
    expect(last!.perturbed).toBe(true);
    const y = last!.frame.bodies[7 * body + 1];
    expect(y - start[1]).toBeGreaterThan(0.05);
    expect(Math.abs(last!.frame.bodies[7 * body] - start[0])).toBeLessThan(0.03);
    const next = s.step()!;
    expect(next.perturbed).toBe(false);
    s.dispose();
  });

  it('plays at the control rate in its own loop and stops at the end of the episode', async () => {
    const { s, events } = await session();
    const { epoch } = s.load({ taskId: 'goal/press_button', seed: 4, policy: 'expert' });
    const t0 = performance.now();
    s.play(4);
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.type === 'playing' && !e.playing)) {
          clearInterval(poll);
          done();
        }
      }, 20);
    });
    const elapsed = performance.now() - t0;
    const records = events.filter((e): e is Extract<SimEvent, { type: 'record' }> => e.type === 'record');
    expect(records.every((e) => e.epoch === epoch)).toBe(true);
    expect(records[records.length - 1].record.outcome.status).toBe('success');
    // 40 steps per second at speed 4: the loop must not run much faster than asked.
    expect(elapsed).toBeGreaterThan(((records.length - 1) / 40) * 1000 * 0.9);
    s.dispose();
  });

  it('uses a typed instruction in place of the sampled one', async () => {
    const { s } = await session();
    const { info } = s.load({ taskId: 'object/red_to_bowl', seed: 1, instruction: 'drop the red block into the bowl', policy: 'expert' });
    expect(info.goals[0].instruction).toBe('drop the red block into the bowl');
    s.dispose();
  });
});

describe('SimSession with another policy driving', () => {
  it('executes given actions and labels every state with the expert as ground truth', async () => {
    const { s } = await session();
    const { record: r0 } = s.load({ taskId: 'object/red_to_bowl', seed: 2, policy: 'model' });
    expect(r0.decision).toBeNull();
    expect(r0.expert?.source).toBe('expert');
    expect(r0.proprio).toHaveLength(13);
    // The expert itself does not step in this mode.
    expect(s.step()).toBeNull();
    const up = [0, 0, 0.01, 0, 0, 0, -1];
    const r1 = s.execute(up)!;
    expect(r1.step).toBe(1);
    expect(r1.action).toEqual(up);
    expect(r1.decision).toBeNull();
    expect(r1.expert?.path.length).toBeGreaterThan(0);
    expect(r1.tcp[2]).toBeGreaterThan(r0.tcp[2]);
    s.dispose();
  });

  it('executes a batch of actions one per control period, publishing each step as it runs', async () => {
    const { s, events } = await session();
    const { epoch } = s.load({ taskId: 'object/red_to_bowl', seed: 2, policy: 'model' });
    const chunk = [0.01, 0.005, -0.005].map((dz) => [0, 0, dz, 0, 0, 0, -1]);
    const t0 = performance.now();
    const n = await s.executeMany(chunk, 4); // 40 Hz: three steps take at least two periods of 25 ms
    const wall = performance.now() - t0;
    expect(n).toBe(3);
    expect(wall).toBeGreaterThanOrEqual(45);
    const recs = events.filter((e) => e.type === 'record').map((e) => (e as { record: StepRecord; epoch: number }).record);
    expect(recs.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(recs.map((r) => r.action)).toEqual(chunk);
    expect(events.every((e) => e.epoch === epoch)).toBe(true);
    s.dispose();
  });

  it('stops a batch on pause and on a new load, resolving with the steps that ran', async () => {
    const { s } = await session();
    s.load({ taskId: 'object/red_to_bowl', seed: 2, policy: 'model' });
    const hold = Array.from({ length: 8 }, () => [0, 0, 0, 0, 0, 0, -1]);
    const running = s.executeMany(hold, 1); // 10 Hz: 800 ms if nothing stops it
    setTimeout(() => s.pause(), 150);
    const n = await running;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(8);
    const again = s.executeMany(hold, 1);
    s.load({ taskId: 'object/red_to_bowl', seed: 3, policy: 'model' });
    expect(await again).toBeLessThan(8);
    s.dispose();
  });
});
