import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { decodeOutputs } from '../../src/policy/decode';
import { parseManifest, type Manifest } from '../../src/policy/manifest';
import { expectedBytes } from '../../src/policy/modelLoader';
import { OnnxPolicy, type OrtModule } from '../../src/policy/onnxPolicy';
import { MAX_DPOS } from '../../src/sim/env';

// Decoding the shipped model's real outputs (onnxruntime-web WASM in Node) the way the app does, and the
// checks that keep bad outputs and bad files away from the simulator.

const DIR = 'public/models/vla-small';
type Raw = Record<string, { data: Float32Array; dims: number[] }>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the raw JSON, edited to make bad manifests
const manifestJson: Record<string, any> = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8'));
let manifest: Manifest;
let policy: OnnxPolicy;
let raw: Raw;
let proprio: Float32Array;
const instruction = 'put the red cube in the blue bowl please zorblax';

beforeAll(async () => {
  manifest = parseManifest(manifestJson);
  ort.env.wasm.numThreads = 1;
  policy = await OnnxPolicy.load(ort as unknown as OrtModule, new Uint8Array(readFileSync(`${DIR}/${manifest.model}`)), manifestJson);
  const sample = JSON.parse(readFileSync(`${DIR}/parity.json`, 'utf8')).samples[0];
  const images = Object.fromEntries(Object.entries(sample.pixels as Record<string, number[]>).map(([k, v]) => [k, Uint8Array.from(v)]));
  proprio = Float32Array.from(sample.proprio_raw);
  raw = await policy.forward({ images, proprio, instruction });
});

const copy = (r: Raw): Raw => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { data: v.data.slice(), dims: [...v.dims] }]));

describe('decoding the model outputs', () => {
  it('gives a binary gripper, a path integrated from the measured TCP, and normalised attention', () => {
    const d = decodeOutputs(manifest, copy(raw), proprio, policy.tokenize(instruction));
    expect(d.fault).toBeNull();
    expect(d.actions).toHaveLength(manifest.action.chunk_length);
    for (const a of d.actions) expect([-1, 1]).toContain(a[manifest.action.gripper_dim ?? 6]);
    // The first path point is one clamped step from the TCP the model was told about.
    for (let i = 0; i < 3; i++) {
      const step = d.path[0][i] - proprio[i];
      expect(Math.abs(step)).toBeLessThanOrEqual(MAX_DPOS + 1e-7);
      expect(step).toBeCloseTo(Math.max(-MAX_DPOS, Math.min(MAX_DPOS, d.actions[0][i])), 6);
    }
    expect(d.reasoning.plan.length).toBeLessThanOrEqual(manifestJson.reasoning.max_plan);
    for (const c of Object.values(d.reasoning.confidence!)) expect(c).toBeGreaterThanOrEqual(0);
    const { layers, heads, queries, context, data } = d.attention!;
    expect(data.length).toBe(layers * heads * queries.length * context);
    for (let r = 0; r < layers * heads * queries.length; r++) {
      let sum = 0;
      for (let i = 0; i < context; i++) sum += data[r * context + i];
      expect(sum).toBeCloseTo(1, 4);
    }
    expect(d.tokens.unknown).toContain('zorblax');
  });

  it('flags a non-finite action instead of passing it on', () => {
    const bad = copy(raw);
    bad.actions.data[3 * 7 + 1] = Number.NaN;
    const d = decodeOutputs(manifest, bad, proprio, policy.tokenize(instruction));
    expect(d.fault).toMatch(/non-finite action \(step 3/);
  });

  it('flags actions far outside the controller limits (an absurd normalisation)', () => {
    const m = parseManifest({ ...manifestJson, action: { ...manifestJson.action, std: manifestJson.action.std.map(() => 1e6) } });
    const d = decodeOutputs(m, copy(raw), proprio, policy.tokenize(instruction));
    expect(d.fault).toMatch(/out of range/);
  });
});

describe('model file checks', () => {
  const bytes = new Uint8Array(readFileSync(`${DIR}/${manifestJson.model}`));

  it('accepts the file the manifest describes', async () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifestJson.model_sha256);
    expect(await expectedBytes('model.onnx', manifestJson.model_bytes, manifestJson.model_sha256)(bytes)).toBeNull();
  });

  it('names a truncated file and a swapped one', async () => {
    const check = expectedBytes('model.onnx', manifestJson.model_bytes, manifestJson.model_sha256);
    expect(await check(bytes.subarray(0, 1000))).toMatch(/has 1000 bytes but the manifest says/);
    const swapped = bytes.slice();
    swapped[123] ^= 0xff;
    expect(await check(swapped)).toMatch(/SHA-256 .* but the manifest says/);
  });
});
