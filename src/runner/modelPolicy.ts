import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { OnnxPolicy, type OrtModule } from '../policy/onnxPolicy';
import { ActionScheduler, DEFAULT_EXECUTION, type ExecutionMode } from '../policy/execution';
import type { ModelDecision } from '../policy/decode';
import { registerPolicy } from './policies';

// The learned VLA as a runner policy: the same OnnxPolicy, preprocessing and chunk execution as the app,
// on onnxruntime-web's WASM backend in the headless page, so `npm run eval -- --policy model` measures
// exactly what a person sees in the browser.

ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
ort.env.wasm.numThreads = 1;

const loaded = new Map<string, Promise<OnnxPolicy>>();

async function loadModel(dir: string): Promise<OnnxPolicy> {
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  const res = await fetch(`${base}manifest.json`);
  if (!res.ok) throw new Error(`no model manifest at ${base}manifest.json (${res.status})`);
  const manifest = await res.json();
  const bin = await fetch(`${base}${manifest.model ?? 'model.onnx'}`);
  if (!bin.ok) throw new Error(`model file missing: ${base}${manifest.model} (${bin.status})`);
  return OnnxPolicy.load(ort as unknown as OrtModule, new Uint8Array(await bin.arrayBuffer()), manifest, { executionProviders: ['wasm'] });
}

registerPolicy('model', async (options) => {
  // `model` is the URL path of a model directory under public/ (e.g. models/vla-small), as eval passes it.
  const given = String(options.model ?? options.modelDir ?? 'models/vla-small');
  const dir = given.startsWith('/') || /^https?:/.test(given) ? given : `/${given}`;
  if (!loaded.has(dir)) loaded.set(dir, loadModel(dir));
  const policy = await loaded.get(dir)!;
  const mode = (options.execution as ExecutionMode | undefined) ?? DEFAULT_EXECUTION;
  const scheduler = new ActionScheduler(mode);
  let last: ModelDecision | null = null;
  let instruction = '';
  return {
    needsImages: true,
    reset() {
      scheduler.reset();
      last = null;
      instruction = '';
    },
    async act(obs) {
      // A new instruction (the next goal of a chain) invalidates the chunk planned for the old one.
      if (obs.instruction !== instruction) {
        scheduler.reset();
        instruction = obs.instruction;
      }
      if (scheduler.needsInference(obs.step)) {
        if (!obs.images) throw new Error('the model policy needs camera images');
        last = await policy.decide({ images: obs.images, proprio: obs.proprio, instruction: obs.instruction });
        if (last.fault) return { action: last.actions[0], decision: last, fault: last.fault };
        scheduler.push(obs.step, last.actions);
      }
      const action = scheduler.actionAt(obs.step);
      if (!action) return { action: [0, 0, 0, 0, 0, 0, -1], decision: last ?? undefined, fault: 'no action planned for this step' };
      return { action, decision: last ?? undefined };
    },
  };
});
