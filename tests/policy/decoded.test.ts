import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeOutputs, type ModelDecision } from '../../src/policy/decode';
import { parseManifest, type Manifest } from '../../src/policy/manifest';
import { tokenize } from '../../src/policy/tokenizer';
import { CAMERAS } from '../../src/sim/vocab';

// The TypeScript decoder against the Python reference decoder (training/vla/export.py `decode`): on the raw
// PyTorch outputs export.py stored in parity.json next to their `decoded` reference, and on edits of them
// (tests/fixtures/decode_cases.json) that reach the branches a parity sample does not.

// PARITY_MODEL_DIR checks another export's parity.json (as tests/policy/parity.test.ts does).
const SHIPPED = 'public/models/vla-small';
const DIR = process.env.PARITY_MODEL_DIR ?? SHIPPED;
const manifestJson = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8'));
const manifest = parseManifest(manifestJson);

type RawJson = Record<string, { dims: number[]; data: number[] }>;
interface Decoded {
  actions: number[][];
  gripper: ('open' | 'close')[];
  plan: [string, string][];
  subtask: number;
  move: string;
  visible_objects: Record<string, string[]>;
}

function toRaw(outputs: RawJson, m: Manifest) {
  const raw = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { data: Float32Array.from(v.data), dims: v.dims }]));
  // The decode fixtures leave attention out (it is passed through, not decoded): a uniform one stands in.
  if (!raw.attention) {
    const dims = m.outputs.find((o) => o.name === 'attention')!.shape;
    raw.attention = { data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(1 / dims[dims.length - 1]), dims };
  }
  return raw;
}

/** Everything the Python reference decodes, compared field by field. */
function expectMatches(d: ModelDecision, ref: Decoded, m: Manifest, label: string) {
  const gi = m.action.gripper_dim ?? m.action.mean.length - 1;
  expect(d.actions.length, label).toBe(ref.actions.length);
  d.actions.forEach((a, k) => {
    a.forEach((v, i) => {
      // float64 here, float32 in numpy: the two differ by float32 rounding, far below any action's meaning.
      if (i !== gi) expect(Math.abs(v - ref.actions[k][i]), `${label} action[${k}][${i}]`).toBeLessThanOrEqual(1e-7);
    });
    // The reference keeps the de-normalised gripper value and names the command; the app executes ±1.
    expect(a[gi], `${label} gripper[${k}]`).toBe(ref.gripper[k] === 'close' ? 1 : -1);
    expect(ref.gripper[k] === 'close', `${label} gripper[${k}] sign`).toBe(ref.actions[k][gi] > 0);
  });
  expect(d.reasoning.plan.map((s) => [s.verb, s.object]), label).toEqual(ref.plan);
  expect(d.reasoning.subtaskIndex, label).toBe(ref.subtask);
  expect(d.reasoning.move, label).toBe(ref.move);
  for (const cam of CAMERAS) expect(d.reasoning.boxes[cam].map((b) => b.object), `${label} ${cam} boxes`).toEqual(ref.visible_objects[cam]);
  expect(d.fault, label).toBeNull();
}

describe('TypeScript decoding against the Python reference', () => {
  const parity = JSON.parse(readFileSync(`${DIR}/${manifestJson.parity.file}`, 'utf8'));

  it("decodes parity.json's raw outputs to its decoded reference", () => {
    const samples = parity.samples as { instruction: string; proprio_raw: number[]; outputs: RawJson; decoded: Decoded }[];
    expect(samples.length).toBeGreaterThan(0);
    for (const [i, s] of samples.entries()) {
      expect(s.decoded, `sample ${i} has a decoded reference`).toBeDefined();
      const d = decodeOutputs(manifest, toRaw(s.outputs, manifest), Float32Array.from(s.proprio_raw), tokenize(s.instruction, manifest.tokenizer!));
      expectMatches(d, s.decoded, manifest, `sample ${i}`);
    }
  });

  it('decodes the edge cases of tests/fixtures/decode_cases.json like the Python reference', () => {
    const fx = JSON.parse(readFileSync('tests/fixtures/decode_cases.json', 'utf8')) as {
      action_mean: number[]; action_std: number[]; cases: { name: string; outputs: RawJson; decoded: Decoded }[];
    };
    // The fixture edits the shipped model's outputs, so it is read with the shipped manifest's shapes.
    const shipped = JSON.parse(readFileSync(`${SHIPPED}/manifest.json`, 'utf8'));
    const m = parseManifest({ ...shipped, action: { ...shipped.action, mean: fx.action_mean, std: fx.action_std } });
    const proprio = Float32Array.from(m.proprio.mean);
    for (const c of fx.cases) {
      const d = decodeOutputs(m, toRaw(c.outputs, m), proprio, tokenize('', m.tokenizer!));
      expectMatches(d, c.decoded, m, c.name);
    }
  });
});
