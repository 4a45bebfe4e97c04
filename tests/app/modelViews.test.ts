import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { attentionView, headOptions, parseHead } from '../../src/components/attentionView';
import { compareDecisions } from '../../src/components/disagreement';
import type { ModelDecision } from '../../src/policy/decode';
import { OnnxPolicy, type OrtModule } from '../../src/policy/onnxPolicy';
import { continuation, modelExtras, toPolicyDecision } from '../../src/policy/modelDecision';
import type { PolicyDecision } from '../../src/workers/protocol';

// What the overlays compute from a real prediction of the shipped model: the attention views, the stored
// decision and its chunk remainders, and the comparison with the expert.

// The shipped model has every output: attention is there.
let decision: ModelDecision & { attention: NonNullable<ModelDecision['attention']> };

beforeAll(async () => {
  const dir = process.env.PARITY_MODEL_DIR ?? 'public/models/vla-small';
  const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));
  ort.env.wasm.numThreads = 1;
  const policy = await OnnxPolicy.load(ort as unknown as OrtModule, new Uint8Array(readFileSync(`${dir}/${manifest.model}`)), manifest);
  const sample = JSON.parse(readFileSync(`${dir}/parity.json`, 'utf8')).samples[0];
  const images = Object.fromEntries(Object.entries(sample.pixels as Record<string, number[]>).map(([k, v]) => [k, Uint8Array.from(v)]));
  decision = (await policy.decide({ images, proprio: Float32Array.from(sample.proprio_raw), instruction: sample.instruction })) as typeof decision;
});

describe('attention views', () => {
  it('splits a query over cameras, words and proprioception; shares sum to one for every choice', () => {
    const a = decision.attention;
    const choices = headOptions(a.layers, a.heads).map((o) => o.value);
    expect(choices).toHaveLength(2 + a.layers * a.heads);
    for (const q of a.queries) {
      for (const c of choices) {
        const v = attentionView(a, q, c)!;
        const total = Object.values(v.share).reduce((s, x) => s + x, 0);
        expect(total).toBeCloseTo(1, 4);
        expect(v.images.front!.grid).toEqual([8, 8]);
        expect(v.imageMax).toBeGreaterThan(0);
        expect(v.text).toHaveLength(24);
      }
    }
    expect(attentionView(a, 'no-such-query', 'mean')).toBeNull();
  });

  it('reads head choices, clamping out-of-range ones', () => {
    expect(parseHead('L1H2', decision.attention)).toEqual({ layer: 1, head: 2 });
    expect(parseHead('L9H9', decision.attention)).toEqual({ layer: decision.attention.layers - 1, head: decision.attention.heads - 1 });
    expect(parseHead('rollout', decision.attention)).toBe('rollout');
    expect(parseHead('nonsense', decision.attention)).toBe('mean');
  });

  it("places the model's keypoints in each camera image, weighted by the query's attention on them", () => {
    const a = decision.attention;
    const v = attentionView(a, 'action', 'mean')!;
    for (const cam of ['front', 'wrist'] as const) {
      const kp = v.keypoints[cam]!;
      const seg = a.segments.find((s) => s.name === `${cam}_keypoints`)!;
      expect(kp.uv).toHaveLength(2 * seg.length);
      expect(kp.weights).toHaveLength(seg.length);
      for (const x of kp.uv) expect(x > 0 && x < 1).toBe(true);
      expect(kp.weights.reduce((s, x) => s + x, 0)).toBeCloseTo(v.share[`${cam}_keypoints`], 5);
    }
    expect(v.keypointMax).toBeGreaterThan(0);
  });

  it('one head differs from the mean of all heads', () => {
    const a = decision.attention;
    const mean = attentionView(a, 'action', 'mean')!.images.front!.values;
    const one = attentionView(a, 'action', 'L0H0')!.images.front!.values;
    expect(mean.some((v, i) => Math.abs(v - one[i]) > 1e-6)).toBe(true);
  });
});

describe('stored decisions', () => {
  const stored = () => toPolicyDecision(decision, { step: 12, backend: 'wasm', ms: 20 }, 'put it there');

  it('keeps the model-only outputs under extras.model', () => {
    const d = stored();
    const m = modelExtras(d)!;
    expect(m).toMatchObject({ predictedAt: 12, offset: 0, backend: 'wasm', instruction: 'put it there', fault: null });
    expect(m.attention!.data).toBe(decision.attention.data);
    expect(modelExtras({ ...d, source: 'expert' })).toBeNull();
  });

  it('a remainder shows the rest of the chunk, counted from the prediction', () => {
    const d = stored();
    const r = continuation(continuation(d, 1), 2);
    expect(r.actions).toEqual(d.actions.slice(3));
    expect(r.path).toEqual(d.path.slice(3));
    expect(modelExtras(r)).toMatchObject({ predictedAt: 12, offset: 3 });
  });

  it('compares with the expert field by field', () => {
    const d = stored();
    const same = compareDecisions(d, d);
    expect(same.count).toBe(0);
    const expert: PolicyDecision = {
      ...d,
      source: 'expert',
      actions: d.actions.map((a) => [...a.slice(0, 6), -a[6]]),
      reasoning: { ...d.reasoning, move: d.reasoning.move === 'stop' ? 'move up' : 'stop', plan: [...d.reasoning.plan, { verb: 'press', object: 'button' }] },
    };
    const diff = compareDecisions(d, expert);
    expect(diff.move).toBe(true);
    expect(diff.gripper).toBe(true);
    expect(diff.plan.at(-1)).toBe(true);
    expect(diff.count).toBeGreaterThanOrEqual(3);
  });
});
