import { describe, expect, it } from 'vitest';
import type { CameraImages } from '../../src/engine/types';
import { CAMERA_RES } from '../../src/sim/env';
import { CAMERAS } from '../../src/sim/vocab';
import { SimSession, type CameraSource } from '../../src/workers/simSession';
import type { SimEvent, StepRecord } from '../../src/workers/protocol';

// Talk-back in the app's host of the loop: a correction while running applies at the current state and the
// run goes on; a branch replays the corrections said before it; a load with them (a link) gives the same
// trajectory as saying them live.

const blankCameras: CameraSource = {
  render: () => Object.fromEntries(CAMERAS.map((c) => [c, new Uint8Array(CAMERA_RES[c].width * CAMERA_RES[c].height * 3)])) as CameraImages,
  dispose() {},
};

async function session() {
  const s = new SimSession({ cameras: () => blankCameras });
  const events: SimEvent[] = [];
  await s.init((e) => events.push(e));
  const records = () => events.filter((e): e is Extract<SimEvent, { type: 'record' }> => e.type === 'record').map((e) => e.record);
  const phases = () => events.filter((e): e is Extract<SimEvent, { type: 'phase' }> => e.type === 'phase').map((e) => e.phase);
  return { s, events, records, phases };
}

/** Step until step `n` or the end of the episode. */
async function stepTo(s: SimSession, records: () => StepRecord[], n: number) {
  for (let guard = 0; guard < 2000; guard++) {
    const last = records().at(-1);
    // The first record comes back from load(), not as an event.
    if (last && (last.step >= n || last.outcome.status === 'success' || last.outcome.status === 'failure')) return;
    if ((await s.step()) === null) return;
  }
}

const until = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('interventions in the sim session', () => {
  it('a correction while running applies at the current state, and the run goes on to the new goal', async () => {
    const { s, records, phases } = await session();
    await s.load({ taskId: 'goal/open_drawer', seed: 4, policy: 'expert' });
    s.play(Infinity);
    await until(() => (records().at(-1)?.step ?? 0) >= 5);
    const r = await s.intervene('then press the button');
    expect(r.kind).toBe('applied');
    if (r.kind !== 'applied') return;
    expect(r.goals.map((g) => g.atom.kind)).toEqual(['open_drawer', 'press_button']);
    expect(phases().at(-1)).toBe('running');
    await until(() => phases().at(-1) === 'done');
    const last = records().at(-1)!;
    expect(last.outcome.status).toBe('success');
    expect(last.outcome.completed).toBe(2);
    s.dispose();
  });

  it('a load with the corrections at their steps replays the live episode exactly; a branch keeps those before it', async () => {
    const live = await session();
    await live.s.load({ taskId: 'object/red_to_bowl', seed: 3, policy: 'expert' });
    await stepTo(live.s, live.records, 10);
    const r = await live.s.intervene('actually put it on the plate');
    expect(r.kind).toBe('applied');
    await stepTo(live.s, live.records, 400);
    const a = live.records();
    expect(a.at(-1)!.outcome.status).toBe('success');

    const replay = await session();
    await replay.s.load({ taskId: 'object/red_to_bowl', seed: 3, policy: 'expert', interventions: [{ step: 10, text: 'actually put it on the plate' }] });
    await stepTo(replay.s, replay.records, 400);
    const b = replay.records();
    // The same states step by step (the last record of each step counts: a correction re-decides there).
    const byStep = (rs: StepRecord[]) => new Map(rs.map((x) => [x.step, Array.from(x.frame.bodies)]));
    const [ma, mb] = [byStep(a), byStep(b)];
    expect(mb.size).toBe(ma.size);
    for (const [k, v] of ma) expect(mb.get(k), `step ${k}`).toEqual(v);

    // Branch from step 20 (after the correction): the continuation is the same episode again.
    await live.s.resumeFrom(20);
    await stepTo(live.s, live.records, 400);
    expect(live.records().at(-1)!.frame.bodies).toEqual(a.at(-1)!.frame.bodies);
    live.s.dispose();
    replay.s.dispose();
  });
});
