import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import contractJson from '../../src/policy/contract.json';
import { CONTRACT, ContractSchema, contractProblem, FIXED_DIMS, INPUT_NAMES, REQUIRED_OUTPUT_NAMES, shapeMismatch, type Contract } from '../../src/policy/contract';
import { parseManifest } from '../../src/policy/manifest';
import { imageToCHW } from '../../src/policy/preprocess';
import { tokenize, words } from '../../src/policy/tokenizer';
import { ACTION_DIM, CONTROL_HZ, MAX_DPOS, MAX_DROT, PROPRIO_DIM } from '../../src/sim/env';
import { CHUNK } from '../../src/sim/expertPolicy';
import { CAMERA_SPECS } from '../../src/sim/scene';
import { CAMERAS, FUTURE_POINTS, FUTURE_STRIDE, MAX_PLAN, MOVES, OBJECTS, VERBS } from '../../src/sim/vocab';

// The model contract (src/policy/contract.json) and the fixtures that pin the TypeScript tokenizer and pixel
// normalisation to the Python ones: training/tests/test_contract.py writes tests/fixtures/*.json from the
// Python implementations and checks them too.

const fixture = (name: string) => JSON.parse(readFileSync(`tests/fixtures/${name}`, 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the raw JSON, edited into bad variants
const shipped: Record<string, any> = JSON.parse(readFileSync('public/models/vla-small/manifest.json', 'utf8'));

describe('the contract', () => {
  it('is consistent with itself', () => {
    expect(contractProblem(CONTRACT)).toBeNull();
    expect(INPUT_NAMES).toEqual(['image_front', 'image_wrist', 'tokens', 'proprio']);
    expect(REQUIRED_OUTPUT_NAMES).not.toContain('keypoints');
    expect(FIXED_DIMS.plan_slots).toBeUndefined();
  });

  it('names each contradiction (the same list as training/vla/contract.py)', () => {
    const edits: [(c: Contract) => void, string][] = [
      [(c) => (c.dims.action = 6), 'dims.action'],
      [(c) => c.proprio.layout.pop(), 'dims.proprio'],
      [(c) => c.labels.moves.push('wave'), 'dims.moves'],
      [(c) => (c.tokenizer.max_length = 32), 'dims.tokens'],
      [(c) => (c.cameras[1].width = 128), 'dims.width'],
      [(c) => c.outputs[0].shape.push('time'), 'dim "time"'],
      [(c) => c.inputs.reverse(), 'inputs'],
    ];
    for (const [edit, msg] of edits) {
      const bad = ContractSchema.parse(structuredClone(contractJson));
      edit(bad);
      expect(contractProblem(bad)).toContain(msg);
    }
  });

  it('is what the simulator, the expert and the app constants use', () => {
    expect([OBJECTS, VERBS, MOVES]).toEqual([CONTRACT.labels.objects, CONTRACT.labels.verbs, CONTRACT.labels.moves]);
    expect(CAMERAS).toEqual(CONTRACT.cameras.map((c) => c.name));
    expect([MAX_PLAN, FUTURE_POINTS, FUTURE_STRIDE]).toEqual([CONTRACT.reasoning.min_plan_slots, CONTRACT.reasoning.future_points, CONTRACT.reasoning.future_stride]);
    // Constants still written out in files the contract does not own yet: they must agree with it.
    expect([ACTION_DIM, PROPRIO_DIM, CHUNK, CONTROL_HZ]).toEqual([FIXED_DIMS.action, FIXED_DIMS.proprio, FIXED_DIMS.chunk, CONTRACT.action.control_hz]);
    expect(CONTRACT.action.clip).toEqual([MAX_DPOS, MAX_DPOS, MAX_DPOS, MAX_DROT, MAX_DROT, MAX_DROT, 1]);
    expect(CAMERA_SPECS.map((c) => [c.name, c.width, c.height])).toEqual(CONTRACT.cameras.map((c) => [c.name, c.width, c.height]));
  });

  it('checks shapes by their fixed dims only', () => {
    expect(shapeMismatch(['batch', 'chunk', 'action'], [1, 8, 7])).toBeNull();
    expect(shapeMismatch(['batch', 'plan_slots'], [1, 17])).toBeNull();
    expect(shapeMismatch(['batch', 'chunk', 'action'], [1, 16, 7])).toMatch(/dim 1 \(chunk\) is 16, the contract says 8/);
    expect(shapeMismatch(['batch', 'moves'], [1, 10, 1])).toMatch(/has 3 dims/);
  });
});

describe('manifests against the contract', () => {
  it('accepts the shipped manifest', () => {
    expect(() => parseManifest(shipped)).not.toThrow();
  });

  const edited = (edit: (m: typeof shipped) => void) => {
    const m = structuredClone(shipped);
    edit(m);
    return () => parseManifest(m);
  };
  it.each([
    ['another tokenizer split', (m: typeof shipped) => (m.tokenizer.split = '\\s+'), /tokenizer\.split .* the contract says/],
    ['another first word id', (m: typeof shipped) => (m.tokenizer.first_word_id = 3), /tokenizer\.first_word_id/],
    ['a longer token input', (m: typeof shipped) => (m.tokenizer.max_length = 32), /tokenizer\.max_length/],
    ['another chunk length', (m: typeof shipped) => (m.action.chunk_length = 16), /chunk_length is 16/],
    ['a proprio field the simulator lacks', (m: typeof shipped) => (m.proprio.layout[0] = 'elbow_torque'), /proprio field 'elbow_torque' which this simulator does not provide/],
    ['a camera the simulator lacks', (m: typeof shipped) => (m.cameras[0].name = 'top'), /the model wants camera 'top' which this simulator does not have/],
    ['part of the reasoning outputs', (m: typeof shipped) => (m.outputs = m.outputs.filter((o: { name: string }) => o.name !== 'move_logits')), /move_logits: the reasoning outputs come together/],
    ['another action layout', (m: typeof shipped) => m.action.names.reverse(), /action\.names/],
    ['another camera size', (m: typeof shipped) => (m.cameras[0].width = 96), /camera "front" is 96x64/],
    ['an output of the wrong shape', (m: typeof shipped) => (m.outputs[0].shape = [1, 8, 6]), /output "actions" .* dim 2 \(action\) is 6/],
    ['an input of the wrong shape', (m: typeof shipped) => (m.inputs[2].shape = [1, 32]), /input "tokens" .* dim 1 \(tokens\) is 32/],
  ])('refuses %s', (_name, edit, message) => {
    expect(edited(edit)).toThrow(message);
  });
});

interface TokenizerCase { text: string; words: string[]; ids: number[]; unknown: string[]; truncated: string[] }

describe('one tokenizer rule in both languages (tests/fixtures/tokenizer_cases.json)', () => {
  const fx = fixture('tokenizer_cases.json') as { rule: Record<string, unknown>; vocab: string[]; cases: TokenizerCase[] };

  it('was written under the contract rule', () => {
    for (const [k, v] of Object.entries(fx.rule)) expect(CONTRACT.tokenizer[k as keyof Contract['tokenizer']], k).toEqual(v);
  });

  it('gives the Python ids, words, unknown and truncated words for every case', () => {
    expect(fx.cases.length).toBeGreaterThan(20);
    for (const c of fx.cases) {
      const t = tokenize(c.text, { vocab: fx.vocab });
      expect(Array.from(t.ids), JSON.stringify(c.text)).toEqual(c.ids);
      expect(t.words, JSON.stringify(c.text)).toEqual(c.words);
      expect(words(c.text)).toEqual(c.words);
      expect(t.unknown, JSON.stringify(c.text)).toEqual(c.unknown);
      expect(t.truncated, JSON.stringify(c.text)).toEqual(c.truncated);
    }
  });
});

describe('one pixel normalisation in both languages (tests/fixtures/pixel_cases.json)', () => {
  const fx = fixture('pixel_cases.json') as {
    width: number; height: number; pixels: number[];
    cases: { name: string; mean: number[]; std: number[]; expected: number[] }[];
  };

  it('gives the Python float32 values exactly', () => {
    const rgb = Uint8Array.from(fx.pixels);
    for (const c of fx.cases) {
      const got = imageToCHW(rgb, fx.width, fx.height, { mean: c.mean, std: c.std });
      const want = Float32Array.from(c.expected);
      expect(got.length, c.name).toBe(want.length);
      let mismatches = 0;
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) mismatches++;
      expect(mismatches, c.name).toBe(0);
    }
  });

  it('covers every byte value in every channel', () => {
    for (let c = 0; c < 3; c++) expect(new Set(fx.pixels.filter((_, i) => i % 3 === c)).size).toBe(256);
  });
});
