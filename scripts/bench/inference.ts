import { readFileSync, existsSync } from 'node:fs';
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import { OnnxPolicy, type OrtModule, type PolicyObservation } from '../../src/policy/onnxPolicy';
import { timeCalls } from '../../src/policy/timing';
import { convStack, dispatchChain, encodeGraph, matmulChain, type FloatGraph } from '../lib/onnxGraph';
import { round, type BenchSection } from './section';

// The shipped model's inference time, batch 1, one thread, in onnxruntime-web's WASM backend and in native
// onnxruntime-node on the same machine in the same run (issue target: <= 30 ms, ratio <= 1.5). Both go
// through OnnxPolicy, so preprocessing and decoding are included, as in the app.

const DIR = 'public/models/vla-small';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

type Ort = typeof ortWeb | typeof ortNode;
const WEB_OPTIONS = { executionProviders: ['wasm'] };
const NODE_OPTIONS = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 };

/** Times `run` in each runtime, 4 rounds alternating, so load from other processes hits both alike. */
async function interleaved(webRun: () => Promise<unknown>, nodeRun: () => Promise<unknown>, runs: number): Promise<{ web: number[]; node: number[] }> {
  const web: number[] = [];
  const node: number[] = [];
  for (let r = 0; r < 4; r++) {
    web.push(...(await timeCalls(webRun, runs / 4, 5)));
    node.push(...(await timeCalls(nodeRun, runs / 4, 5)));
  }
  return { web, node };
}

/** Median ms of one graph's session.run in each runtime, interleaved like the model's figures. */
async function timeGraph(g: FloatGraph, runs: number): Promise<{ web_ms: number; node_ms: number; ratio: number }> {
  const bytes = encodeGraph(g);
  const open = async (ort: Ort, options: object) => {
    const o = ort as unknown as typeof ortNode;
    const session = await o.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', ...options });
    const x = new o.Tensor('float32', new Float32Array(g.input.dims.reduce((a, b) => a * b, 1)).fill(0.1), g.input.dims);
    return { session, run: () => session.run({ [g.input.name]: x }) };
  };
  const web = await open(ortWeb, WEB_OPTIONS);
  const node = await open(ortNode, NODE_OPTIONS);
  const t = await interleaved(web.run, node.run, runs);
  await web.session.release();
  await node.session.release();
  const webMs = percentile(t.web, 0.5);
  const nodeMs = percentile(t.node, 0.5);
  return { web_ms: round(webMs), node_ms: round(nodeMs), ratio: round(webMs / nodeMs) };
}

/**
 * The runtimes' own ratio on three model-free graphs: per-op dispatch, the vision stem's convolutions and a
 * transformer's projections. A model's run time is roughly a sum of such parts, so its web/node ratio
 * cannot fall much below the smallest of these, whatever the architecture.
 */
async function runtimeFloor(runs: number) {
  return {
    dispatch_256_adds: await timeGraph(dispatchChain(256), runs),
    conv_stem_64px: await timeGraph(convStack(64, [32, 48, 64, 64], [2, 2, 2, 1]), runs),
    matmul_16x_185x64x64: await timeGraph(matmulChain(16, 185, 64), runs),
  };
}

const section: BenchSection = {
  name: 'inference',
  order: 50,
  async run(ctx) {
    if (!existsSync(`${DIR}/model.onnx`)) return { skipped: `no model at ${DIR}` };
    const manifest = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8'));
    const bytes = new Uint8Array(readFileSync(`${DIR}/${manifest.model}`));
    const sample = JSON.parse(readFileSync(`${DIR}/parity.json`, 'utf8')).samples[0];
    const obs: PolicyObservation = {
      images: Object.fromEntries(Object.entries(sample.pixels as Record<string, number[]>).map(([k, v]) => [k, Uint8Array.from(v)])),
      proprio: Float32Array.from(sample.proprio_raw as number[]),
      instruction: sample.instruction,
    };
    const n = ctx.quick ? 30 : 200;
    ortWeb.env.wasm.numThreads = 1;
    const web = await OnnxPolicy.load(ortWeb as unknown as OrtModule, bytes, manifest, WEB_OPTIONS);
    const node = await OnnxPolicy.load(ortNode as unknown as OrtModule, bytes, manifest, NODE_OPTIONS);
    const t = await interleaved(() => web.decide(obs), () => node.decide(obs), n);
    await web.release();
    await node.release();
    const stats = (xs: number[]) => ({ median_ms: round(percentile(xs, 0.5)), p95_ms: round(percentile(xs, 0.95)) });
    const webStats = stats(t.web);
    const nodeStats = stats(t.node);
    ctx.log(`inference: ort-web wasm ${webStats.median_ms} ms, ort-node ${nodeStats.median_ms} ms (median of ${n})`);
    const floor = await runtimeFloor(n);
    ctx.log(`runtime floor (web/node): ${Object.entries(floor).map(([k, v]) => `${k} ${v.ratio}`).join(', ')}`);
    return {
      model: DIR,
      runs: n,
      onnxruntime_web_wasm_1_thread: webStats,
      onnxruntime_node_1_thread: nodeStats,
      ratio_web_over_node_median: round(webStats.median_ms / nodeStats.median_ms),
      runtime_floor: floor,
      note:
        'Node process, OnnxPolicy.decide (preprocess + run + decode); in-browser worker figures are in the app section. ' +
        'runtime_floor: session.run of model-free graphs built in scripts/lib/onnxGraph.ts, the same options, interleaved',
    };
  },
};

export default section;
