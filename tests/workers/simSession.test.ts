import { describe, expect, it, vi } from 'vitest';
import type { Predictor } from '../../src/engine/chunkedPolicy';
import type { PolicyDecision } from '../../src/engine/types';
import type { CameraImages } from '../../src/engine/types';
import { CAMERA_RES } from '../../src/sim/env';
import { CAMERAS } from '../../src/sim/vocab';
import { SimSession, type CameraSource } from '../../src/workers/simSession';
import { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import type { SimEvent, StepRecord } from '../../src/workers/protocol';

/** Blank pixels of the right size: the model tests here use a predictor that does not look at them. */
const blankCameras: CameraSource = {
  render: () => Object.fromEntries(CAMERAS.map((c) => [c, new Uint8Array(CAMERA_RES[c].width * CAMERA_RES[c].height * 3)])) as CameraImages,
  dispose() {},
};

async function session(): Promise<{ s: SimSession; events: SimEvent[]; records: () => StepRecord[] }> {
  const s = new SimSession({ cameras: () => blankCameras });
  const events: SimEvent[] = [];
  await s.init((e) => events.push(e));
  const records = () => events.filter((e): e is Extract<SimEvent, { type: 'record' }> => e.type === 'record').map((e) => e.record);
  return { s, events, records };
}

/** Step to the end; the records published on the way, in order. */
async function runToEnd(s: SimSession, events: SimEvent[]): Promise<StepRecord[]> {
  const from = events.length;
  let guard = 0;
  while ((await s.step()) !== null && guard++ < 2000) {
    const last = events.at(-1);
    if (last?.type === 'phase' && last.phase === 'done') break;
  }
  return events.slice(from).filter((e): e is Extract<SimEvent, { type: 'record' }> => e.type === 'record').map((e) => e.record);
}

describe('SimSession', () => {
  it('publishes the plan for a state before that state executes, and runs the expert to success', async () => {
    const { s, events } = await session();
    const { record: r0, info } = await s.load({ taskId: 'object/red_to_bowl', seed: 3, policy: 'expert' });
    expect(r0.step).toBe(0);
    expect(r0.outcome.status).toBe('running');
    expect(r0.decision?.source).toBe('expert');
    expect(r0.decision?.path.length).toBeGreaterThan(0);
    expect(info.goals).toHaveLength(1);
    expect(info.draggable.map((d) => d.name)).toContain('red_cube');
    const recs = await runToEnd(s, events);
    const last = recs[recs.length - 1];
    expect(last.outcome.status).toBe('success');
    expect(last.decision).toBeNull();
    // Record k+1 executed exactly the first action of the plan published with record k.
    const all = [r0, ...recs];
    for (let k = 0; k + 1 < all.length; k++) expect(all[k + 1].action).toEqual(all[k].decision!.actions[0]);
    s.dispose();
  });

  it('gives the same episode as driving Episode + ExpertPolicy directly', async () => {
    const { s, events } = await session();
    await s.load({ taskId: 'goal/press_button', seed: 11, policy: 'expert' });
    const recs = await runToEnd(s, events);
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
    const { s, events } = await session();
    await s.load({ taskId: 'object/blue_to_bowl', seed: 5, policy: 'expert' });
    const first = await runToEnd(s, events);
    const k = 17;
    await s.resumeFrom(k);
    const second = await runToEnd(s, events);
    expect(second.length).toBe(first.length - k);
    const a = first[first.length - 1];
    const b = second[second.length - 1];
    expect(b.step).toBe(a.step);
    expect(b.outcome).toEqual(a.outcome);
    expect(Array.from(b.frame.bodies)).toEqual(Array.from(a.frame.bodies));
    s.dispose();
  });

  it('moves a dragged object towards the pointer with a spring force', async () => {
    const { s, records } = await session();
    const { info, record } = await s.load({ taskId: 'goal/open_drawer', seed: 2, policy: 'expert' });
    const body = info.draggable.find((d) => d.name === 'green_cube')!.body;
    const start: [number, number, number] = [record.frame.bodies[7 * body], record.frame.bodies[7 * body + 1], record.frame.bodies[7 * body + 2]];
    const target: [number, number, number] = [start[0], start[1] + 0.08, start[2]];
    s.dragStart({ body, anchor: [0, 0, 0], target });
    for (let i = 0; i < 8; i++) await s.step();
    const last = records().at(-1);
    s.dragEnd();
    expect(last!.perturbed).toBe(true);
    const y = last!.frame.bodies[7 * body + 1];
    expect(y - start[1]).toBeGreaterThan(0.05);
    expect(Math.abs(last!.frame.bodies[7 * body] - start[0])).toBeLessThan(0.03);
    await s.step();
    expect(records().at(-1)!.perturbed).toBe(false);
    s.dispose();
  });

  it('plays at the control rate in its own loop and stops at the end of the episode', async () => {
    const { s, events } = await session();
    const { epoch } = await s.load({ taskId: 'goal/press_button', seed: 4, policy: 'expert' });
    const t0 = performance.now();
    s.play(4);
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.type === 'phase' && e.phase === 'done')) {
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
    const { info } = await s.load({ taskId: 'object/red_to_bowl', seed: 1, instruction: 'drop the red block into the bowl', policy: 'expert' });
    expect(info.goals[0].instruction).toBe('drop the red block into the bowl');
    s.dispose();
  });
});

describe('SimSession with the learned model driving', () => {
  /** A stand-in predictor with the model's contract: a chunk of 8 small upward moves, counted. */
  function upwards() {
    const calls: number[] = [];
    const predictor: Predictor = {
      async predict(obs) {
        calls.push(obs.step);
        const actions = Array.from({ length: 8 }, () => [0, 0, 0.005, 0, 0, 0, -1]);
        const path = actions.map((): [number, number, number] => [0, 0, 0]);
        const decision: PolicyDecision = { actions, path, reasoning: { plan: [], subtaskIndex: 0, move: 'move up' } as unknown as PolicyDecision['reasoning'], source: 'model' };
        return { decision, fault: null };
      },
    };
    return { calls, predictor };
  }

  it('waits for the model, then records its first plan at step 0 and executes chunks of k', async () => {
    const { s, records } = await session();
    const { record: bare } = await s.load({ taskId: 'object/red_to_bowl', seed: 2, policy: 'model', execution: { mode: { kind: 'chunk', k: 4 }, approval: false } });
    expect(bare.decision).toBeNull();
    const { calls, predictor } = upwards();
    s.setPredictor(predictor);
    for (let i = 0; i < 6; i++) await s.step();
    const recs = records();
    expect(recs[0].step).toBe(0);
    expect(recs[0].decision?.source).toBe('model');
    expect(recs[0].expert?.source).toBe('expert');
    expect(recs.at(-1)!.step).toBe(6);
    // k = 4: predictions at steps 0 and 4 only, the steps between show the chunk's remainder.
    expect(calls).toEqual([0, 4]);
    expect(recs.find((r) => r.step === 2)!.decision!.actions).toHaveLength(6);
    expect(recs.find((r) => r.step === 1)!.action).toEqual([0, 0, 0.005, 0, 0, 0, -1]);
    s.dispose();
  });

  it('holds each new prediction for approval while playing, and Step accepts it', async () => {
    const { s, events } = await session();
    await s.load({ taskId: 'object/red_to_bowl', seed: 2, policy: 'model', execution: { mode: { kind: 'chunk', k: 2 }, approval: true } });
    s.setPredictor(upwards().predictor);
    s.play(Infinity);
    const phase = (p: string, step: number) => events.some((e) => e.type === 'phase' && e.phase === p && e.step === step);
    await vi.waitFor(() => expect(phase('awaiting', 0)).toBe(true));
    expect(s.approve()).toBe(true);
    await vi.waitFor(() => expect(phase('awaiting', 2)).toBe(true));
    s.pause();
    await vi.waitFor(() => expect(events.at(-1)).toMatchObject({ type: 'phase', phase: 'idle' }));
    expect(await s.step()).toBe(3);
    s.dispose();
  });

  it('a new execution mode while paused re-plans at the step on screen', async () => {
    const { s, records } = await session();
    await s.load({ taskId: 'object/red_to_bowl', seed: 2, policy: 'model', execution: { mode: { kind: 'chunk', k: 2 }, approval: false } });
    const { calls, predictor } = upwards();
    s.setPredictor(predictor);
    for (let i = 0; i < 3; i++) await s.step();
    // At step 3 the chunk predicted at 2 is in hand; ensembling predicts every step, so step 3 is decided anew.
    expect(calls).toEqual([0, 2]);
    s.setExecution({ mode: { kind: 'ensemble', m: 0.5 }, approval: false });
    await vi.waitFor(() => expect(records().filter((r) => r.step === 3)).toHaveLength(2));
    expect(calls).toEqual([0, 2, 3]);
    const at3 = records().filter((r) => r.step === 3);
    expect(at3[1].action).toEqual(at3[0].action);
    await s.step();
    expect(calls).toEqual([0, 2, 3, 4]);
    s.dispose();
  });

  it('fails the episode with the reason when the model output is refused, and nothing executes', async () => {
    const { s, records } = await session();
    await s.load({ taskId: 'object/red_to_bowl', seed: 2, policy: 'model' });
    s.setPredictor({
      async predict() {
        const actions = Array.from({ length: 8 }, () => [NaN, 0, 0, 0, 0, 0, -1]);
        return { decision: { actions, path: [], reasoning: {} as PolicyDecision['reasoning'], source: 'model' }, fault: 'model produced a non-finite action' };
      },
    });
    await s.step();
    const last = records().at(-1)!;
    expect(last.step).toBe(0);
    expect(last.outcome.status).toBe('failure');
    expect(last.outcome.reason).toMatch(/model output refused.*non-finite/);
    s.dispose();
  });
});
