import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { ChunkedPolicy, type Predictor } from '../engine/chunkedPolicy';
import { OnnxPolicy, type OrtModule } from '../policy/onnxPolicy';
import { DEFAULT_EXECUTION, type ExecutionMode } from '../policy/execution';
import { toPolicyDecision } from '../policy/modelDecision';
import { fetchManifestJson } from '../policy/modelLoader';
import { registerPolicy } from './policies';

// The learned VLA as a runner policy: the same OnnxPolicy, preprocessing and chunked adapter as the app,
// on onnxruntime-web's WASM backend in the headless page, so `npm run eval -- --policy model` measures
// exactly what a person sees in the browser.

ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
ort.env.wasm.numThreads = 1;

const loaded = new Map<string, Promise<OnnxPolicy>>();

async function loadModel(dir: string): Promise<OnnxPolicy> {
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  const manifest = (await fetchManifestJson(base)) as { model?: string };
  const bin = await fetch(`${base}${manifest.model ?? 'model.onnx'}`);
  if (!bin.ok) throw new Error(`model file missing: ${base}${manifest.model} (${bin.status})`);
  return OnnxPolicy.load(ort as unknown as OrtModule, new Uint8Array(await bin.arrayBuffer()), manifest, { executionProviders: ['wasm'] });
}

/** The ONNX session as the chunked adapter's predictor, in this thread. */
function onnxPredictor(model: OnnxPolicy): Predictor {
  return {
    async predict(obs) {
      const t0 = performance.now();
      const decoded = await model.decide({ images: obs.images!, proprio: obs.proprio, instruction: obs.instruction });
      const decision = toPolicyDecision(decoded, { backend: 'wasm', ms: performance.now() - t0, step: obs.step }, obs.instruction);
      return { decision, fault: decoded.fault };
    },
  };
}

registerPolicy('model', async (options) => {
  // `model` is the URL path of a model directory under public/ (e.g. models/vla-small), as eval passes it.
  const given = String(options.model ?? options.modelDir ?? 'models/vla-small');
  const dir = given.startsWith('/') || /^https?:/.test(given) ? given : `/${given}`;
  if (!loaded.has(dir)) loaded.set(dir, loadModel(dir));
  const model = await loaded.get(dir)!;
  const mode = (options.execution as ExecutionMode | undefined) ?? DEFAULT_EXECUTION;
  return new ChunkedPolicy(onnxPredictor(model), mode);
});
