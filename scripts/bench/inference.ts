import { readFileSync, existsSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { OnnxPolicy, type OrtModule, type PolicyObservation } from '../../src/policy/onnxPolicy';
import { timeCalls } from '../../src/policy/timing';
import { round, type BenchSection } from './section';

// The shipped model's inference in onnxruntime-web's WASM backend (batch 1, one thread), and what this
// project adds to it: OnnxPolicy.decide (preprocessing, the run, decoding the reasoning and attention)
// against a bare session.run on tensors made once, interleaved in the same process so load from other
// processes hits both alike. The runtime's own kernels are onnxruntime-web's; the overhead is ours.

const DIR = 'public/models/vla-small';
const OPTIONS = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const };

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** Times the two calls in 4 alternating rounds. */
async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, runs: number): Promise<{ a: number[]; b: number[] }> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < 4; r++) {
    ta.push(...(await timeCalls(a, runs / 4, 5)));
    tb.push(...(await timeCalls(b, runs / 4, 5)));
  }
  return { a: ta, b: tb };
}

interface Manifest {
  model: string;
  cameras: Array<{ name: string; width: number; height: number }>;
  tokenizer: { max_length: number };
  proprio: { mean: number[] };
}

const section: BenchSection = {
  name: 'inference',
  order: 50,
  async run(ctx) {
    if (!existsSync(`${DIR}/model.onnx`)) return { skipped: `no model at ${DIR}` };
    const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as Manifest;
    const bytes = new Uint8Array(readFileSync(`${DIR}/${manifest.model}`));
    const sample = JSON.parse(readFileSync(`${DIR}/parity.json`, 'utf8')).samples[0];
    const obs: PolicyObservation = {
      images: Object.fromEntries(Object.entries(sample.pixels as Record<string, number[]>).map(([k, v]) => [k, Uint8Array.from(v)])),
      proprio: Float32Array.from(sample.proprio_raw as number[]),
      instruction: sample.instruction,
    };
    const n = ctx.quick ? 30 : 200;
    ort.env.wasm.numThreads = 1;
    const policy = await OnnxPolicy.load(ort as unknown as OrtModule, bytes, manifest, OPTIONS);
    const bare = await ort.InferenceSession.create(bytes, OPTIONS);
    const feeds: Record<string, ort.Tensor> = {};
    for (const c of manifest.cameras) feeds[`image_${c.name}`] = new ort.Tensor('float32', new Float32Array(3 * c.height * c.width).fill(0.1), [1, 3, c.height, c.width]);
    feeds.tokens = new ort.Tensor('int32', new Int32Array(manifest.tokenizer.max_length).fill(1), [1, manifest.tokenizer.max_length]);
    feeds.proprio = new ort.Tensor('float32', new Float32Array(manifest.proprio.mean.length), [1, manifest.proprio.mean.length]);
    const t = await interleaved(() => policy.decide(obs), () => bare.run(feeds), n);
    await policy.release();
    await bare.release();
    const stats = (xs: number[]) => ({ median_ms: round(percentile(xs, 0.5)), p95_ms: round(percentile(xs, 0.95)) });
    const decide = stats(t.a);
    const run = stats(t.b);
    const overhead = round(decide.median_ms - run.median_ms);
    ctx.log(`inference: decide ${decide.median_ms} ms, bare session.run ${run.median_ms} ms, overhead ${overhead} ms (median of ${n})`);
    return {
      model: DIR,
      runs: n,
      decide_wasm_1_thread: decide,
      session_run_wasm_1_thread: run,
      overhead_median_ms: overhead,
      overhead_share: round(overhead / decide.median_ms),
      note: 'Node process, onnxruntime-web WASM; decide = preprocess + run + decode (what the policy worker does per prediction); in-browser worker figures are in the app section',
    };
  },
};

export default section;
