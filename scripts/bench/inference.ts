import { readFileSync, existsSync } from 'node:fs';
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import { OnnxPolicy, type OrtModule, type PolicyObservation } from '../../src/policy/onnxPolicy';
import { timeDecisions } from '../../src/policy/timing';
import { round, type BenchSection } from './section';

// The shipped model's inference time, batch 1, one thread, in onnxruntime-web's WASM backend and in native
// onnxruntime-node on the same machine in the same run (issue target: <= 30 ms, ratio <= 1.5). Both go
// through OnnxPolicy, so preprocessing and decoding are included, as in the app.

const DIR = 'public/models/vla-small';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
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
    const web = await OnnxPolicy.load(ortWeb as unknown as OrtModule, bytes, manifest, { executionProviders: ['wasm'] });
    const node = await OnnxPolicy.load(ortNode as unknown as OrtModule, bytes, manifest, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
    // Interleave the two so load from other processes hits both alike.
    const w: number[] = [];
    const c: number[] = [];
    for (let r = 0; r < 4; r++) {
      w.push(...(await timeDecisions(web, obs, n / 4, 5)));
      c.push(...(await timeDecisions(node, obs, n / 4, 5)));
    }
    await web.release();
    await node.release();
    const stats = (xs: number[]) => ({ median_ms: round(percentile(xs, 0.5)), p95_ms: round(percentile(xs, 0.95)) });
    const webStats = stats(w);
    const nodeStats = stats(c);
    ctx.log(`inference: ort-web wasm ${webStats.median_ms} ms, ort-node ${nodeStats.median_ms} ms (median of ${n})`);
    return {
      model: DIR,
      runs: n,
      onnxruntime_web_wasm_1_thread: webStats,
      onnxruntime_node_1_thread: nodeStats,
      ratio_web_over_node_median: round(webStats.median_ms / nodeStats.median_ms),
      note: 'Node process, OnnxPolicy.decide (preprocess + run + decode); in-browser worker figures are in the app section',
    };
  },
};

export default section;
