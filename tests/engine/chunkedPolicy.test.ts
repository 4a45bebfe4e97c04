import { describe, expect, it } from 'vitest';
import { ChunkedPolicy, type Predictor } from '../../src/engine/chunkedPolicy';
import type { Observation } from '../../src/engine/types';
import type { Episode } from '../../src/sim/episode';
import { modelExtras, toPolicyDecision } from '../../src/policy/modelDecision';
import type { ModelDecision } from '../../src/policy/decode';

// The one chunked-policy adapter: which steps ask the model, what executes in between, and when the
// approval hook is asked.

/** Chunk i holds actions whose first value says (chunk, row): chunk 1 row 0 = 10, row 3 = 13. */
function counting(fault: string | null = null) {
  const calls: Array<{ step: number; instruction: string }> = [];
  const predictor: Predictor = {
    async predict(obs) {
      calls.push({ step: obs.step, instruction: obs.instruction });
      const c = calls.length;
      const decoded = {
        actions: Array.from({ length: 8 }, (_, i) => [c * 10 + i, 0, 0, 0, 0, 0, -1]),
        path: Array.from({ length: 8 }, (): [number, number, number] => [0, 0, 0]),
        reasoning: {} as ModelDecision['reasoning'],
        attention: {} as ModelDecision['attention'],
        tokens: { words: [], unknown: [], truncated: [] },
        fault,
      } satisfies ModelDecision;
      return { decision: toPolicyDecision(decoded, { backend: 'wasm', ms: 1, step: obs.step }, obs.instruction), fault };
    },
  };
  return { calls, predictor };
}

const obs = (step: number, instruction = 'put the red cube in the bowl'): Observation => ({
  step,
  instruction,
  images: { front: new Uint8Array(3), wrist: new Uint8Array(3) },
  proprio: new Float32Array(13),
  episode: null as unknown as Episode,
});

describe('ChunkedPolicy', () => {
  it('chunk:k asks the model every k steps and executes the chunk rows in between, showing the remainder', async () => {
    const { calls, predictor } = counting();
    const p = new ChunkedPolicy(predictor, { kind: 'chunk', k: 4 });
    const firsts: number[] = [];
    const remain: number[] = [];
    for (let s = 0; s < 10; s++) {
      const r = await p.act(obs(s));
      firsts.push(r.action[0]);
      remain.push(r.decision!.actions.length);
    }
    expect(calls.map((c) => c.step)).toEqual([0, 4, 8]);
    expect(firsts).toEqual([10, 11, 12, 13, 20, 21, 22, 23, 30, 31]);
    expect(remain).toEqual([8, 7, 6, 5, 8, 7, 6, 5, 8, 7]);
    expect(modelExtras((await p.act(obs(10))).decision)!.offset).toBe(2);
  });

  it('ensembling asks every step and averages the chunks covering it', async () => {
    const { calls, predictor } = counting();
    const p = new ChunkedPolicy(predictor, { kind: 'ensemble', m: 0 });
    await p.act(obs(0));
    const r = await p.act(obs(1));
    expect(calls.map((c) => c.step)).toEqual([0, 1]);
    // Step 1: chunk 1 row 1 (11) and chunk 2 row 0 (20), equal weights at m = 0.
    expect(r.action[0]).toBeCloseTo(15.5, 10);
  });

  it('a new instruction invalidates the chunk in hand', async () => {
    const { calls, predictor } = counting();
    const p = new ChunkedPolicy(predictor, { kind: 'chunk', k: 8 });
    await p.act(obs(0, 'a'));
    await p.act(obs(1, 'a'));
    const r = await p.act(obs(2, 'b'));
    expect(calls.map((c) => `${c.step}:${c.instruction}`)).toEqual(['0:a', '2:b']);
    expect(r.action[0]).toBe(20);
    expect(r.fresh).toBe(true);
  });

  it('a refused output is a fault with the reason; nothing is scheduled', async () => {
    const { predictor } = counting('model action out of range');
    const p = new ChunkedPolicy(predictor, { kind: 'chunk', k: 4 });
    const r = await p.act(obs(0));
    expect(r.fault).toMatch(/^model output refused, nothing was sent to the simulator: model action out of range/);
    expect(r.action).toHaveLength(0);
  });

  it('approval is asked for fresh predictions only; without images the model is not asked', async () => {
    const { calls, predictor } = counting();
    const p = new ChunkedPolicy(predictor, { kind: 'chunk', k: 2 });
    const asked: number[] = [];
    p.approval = async (step) => {
      asked.push(step);
      return true;
    };
    for (let s = 0; s < 4; s++) await p.gate(s, await p.act(obs(s)));
    expect(asked).toEqual([0, 2]);
    const blind = await p.act({ ...obs(4), images: null });
    expect(blind.fault).toMatch(/camera images/);
    expect(calls).toHaveLength(2);
  });
});
