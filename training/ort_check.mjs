// Runs an exported VLA model in onnxruntime-web's WASM backend under Node: the very kernels the app runs
// when WebGPU is missing, without a browser. Used by training/tests and by export.py to verify what was
// exported.
//
//   node training/ort_check.mjs run MODEL.onnx INPUTS.json    -> JSON {output: {dims, data}} on stdout
//        INPUTS.json: {name: {dims: [...], dtype: "float32"|"int32", data: [...flat]}}
//   node training/ort_check.mjs parity MODEL_DIR               -> JSON report; exit 1 if a check fails
//        Re-does the browser-side preprocessing from manifest.json (tokenizer rule, pixel and proprio
//        normalisation) on the raw inputs in parity.json, runs the model, compares with PyTorch's outputs.
//   node training/ort_check.mjs bench MODEL_DIR [runs]         -> JSON timing, 1 thread, batch 1
//
// Run it from the repository root so `onnxruntime-web` resolves from node_modules.
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

ort.env.wasm.numThreads = 1;
const sessionOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };

function toTensor({ dims, dtype, data }) {
  const arr = dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
  return new ort.Tensor(dtype, arr, dims);
}

function fromTensor(t) {
  return { dims: Array.from(t.dims), data: Array.from(t.data) };
}

/** The manifest's tokenizer rule, written independently of the Python implementation on purpose. */
export function tokenize(text, tok) {
  const index = new Map(tok.vocab.map((w, i) => [w, i + tok.first_word_id]));
  const words = text.toLowerCase().replace(/[^a-z0-9]/g, ' ').split(/\s+/).filter((w) => w.length > 0);
  const ids = new Int32Array(tok.max_length).fill(tok.pad_id);
  words.slice(0, tok.max_length).forEach((w, i) => { ids[i] = index.get(w) ?? tok.unk_id; });
  return ids;
}

/** uint8 HWC RGB pixels -> float32 CHW: (p / 255 - mean[c]) / std[c]. */
export function normalizeImage(pixels, cam) {
  const { width: W, height: H } = cam;
  const { mean, std } = cam.normalization;
  const out = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < H * W; i++) out[c * H * W + i] = (pixels[i * 3 + c] / 255 - mean[c]) / std[c];
  return out;
}

function feeds(manifest, sample) {
  const f = {};
  for (const cam of manifest.cameras) {
    f[cam.input] = new ort.Tensor('float32', normalizeImage(sample.pixels[cam.name], cam), [1, 3, cam.height, cam.width]);
  }
  f.tokens = new ort.Tensor('int32', tokenize(sample.instruction, manifest.tokenizer), [1, manifest.tokenizer.max_length]);
  const { mean, std } = manifest.proprio;
  f.proprio = new ort.Tensor('float32', Float32Array.from(sample.proprio_raw, (x, i) => (x - mean[i]) / std[i]), [1, mean.length]);
  return f;
}

async function run(modelPath, inputsPath) {
  const session = await ort.InferenceSession.create(readFileSync(modelPath), sessionOptions);
  const spec = JSON.parse(readFileSync(inputsPath, 'utf8'));
  const f = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, toTensor(v)]));
  const out = await session.run(f);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, fromTensor(v)]));
}

async function parity(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const fixtures = JSON.parse(readFileSync(join(dir, manifest.parity.file), 'utf8'));
  const session = await ort.InferenceSession.create(readFileSync(join(dir, manifest.model)), sessionOptions);
  const report = { ok: true, atol: fixtures.atol, samples: [] };
  for (const sample of fixtures.samples) {
    const f = feeds(manifest, sample);
    const tokensMatch = Array.from(f.tokens.data).every((v, i) => v === sample.tokens[i]);
    const out = await session.run(f);
    const diffs = {};
    for (const [name, expected] of Object.entries(sample.outputs)) {
      const got = out[name];
      if (!got || got.data.length !== expected.data.length) { diffs[name] = null; report.ok = false; continue; }
      let m = 0;
      for (let i = 0; i < got.data.length; i++) m = Math.max(m, Math.abs(got.data[i] - expected.data[i]));
      diffs[name] = m;
      if (!(m <= fixtures.atol)) report.ok = false;
    }
    if (!tokensMatch) report.ok = false;
    report.samples.push({ instruction: sample.instruction, tokens_match: tokensMatch, max_abs_diff: diffs });
  }
  return report;
}

async function bench(dir, runs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const fixtures = JSON.parse(readFileSync(join(dir, manifest.parity.file), 'utf8'));
  let t = performance.now();
  const session = await ort.InferenceSession.create(readFileSync(join(dir, manifest.model)), sessionOptions);
  const loadMs = performance.now() - t;
  const f = feeds(manifest, fixtures.samples[0]);
  t = performance.now();
  await session.run(f);
  const firstMs = performance.now() - t;
  const times = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await session.run(f);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { backend: 'onnxruntime-web wasm (node)', threads: 1, batch: 1, runs, load_ms: loadMs, first_run_ms: firstMs,
    median_ms: q(0.5), p10_ms: q(0.1), p90_ms: q(0.9), min_ms: times[0] };
}

const [mode, a, b] = process.argv.slice(2);
let result;
if (mode === 'run') result = await run(a, b);
else if (mode === 'parity') result = await parity(a);
else if (mode === 'bench') result = await bench(a, Number(b ?? 200));
else {
  console.error('usage: ort_check.mjs run MODEL INPUTS.json | parity MODEL_DIR | bench MODEL_DIR [runs]');
  process.exit(2);
}
process.stdout.write(JSON.stringify(result) + '\n');
if (mode === 'parity' && !result.ok) process.exit(1);
