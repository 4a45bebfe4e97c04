import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { OnnxPolicy, type OrtModule } from '../../src/policy/onnxPolicy';
import { tokenize } from '../../src/policy/tokenizer';

// The shipped model in onnxruntime-web (WASM, in Node) against the PyTorch outputs saved at export.
// PARITY_MODEL_DIR checks another export (e.g. a candidate before it replaces the shipped one).
const DIR = process.env.PARITY_MODEL_DIR ?? 'public/models/vla-small';
// The model is committed; its absence is a failure, not a skip.

interface Sample {
  instruction: string;
  tokens: number[];
  pixels: Record<string, number[]>;
  proprio_raw: number[];
  outputs: Record<string, { dims: number[]; data: number[] }>;
}

describe('shipped model parity (onnxruntime-web WASM vs PyTorch)', () => {
  // The model is committed: a missing file is a failure, not a skip.
  const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8'));
  const parity = JSON.parse(readFileSync(`${DIR}/parity.json`, 'utf8'));
  const samples: Sample[] = parity.samples;

  it('tokenizes exactly like the Python tokenizer', () => {
    for (const s of samples) {
      expect(Array.from(tokenize(s.instruction, manifest.tokenizer).ids)).toEqual(s.tokens);
    }
  });

  it('matches every output within 1e-4', async () => {
    ort.env.wasm.numThreads = 1;
    const policy = await OnnxPolicy.load(ort as unknown as OrtModule, new Uint8Array(readFileSync(`${DIR}/${manifest.model}`)), manifest);
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      const images = Object.fromEntries(Object.entries(s.pixels).map(([k, v]) => [k, Uint8Array.from(v)]));
      const out = await policy.forward({ images, proprio: Float32Array.from(s.proprio_raw), instruction: s.instruction });
      for (const [name, ref] of Object.entries(s.outputs)) {
        expect(out[name].dims).toEqual(ref.dims);
        let maxDiff = 0;
        ref.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - out[name].data[i]))));
        expect(maxDiff, `${name} max abs diff`).toBeLessThanOrEqual(1e-4);
      }
    }
    await policy.release();
  });
});
