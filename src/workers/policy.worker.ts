/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { OnnxPolicy, type OrtModule } from '../policy/onnxPolicy';
import { parseManifest, ManifestError, type Manifest } from '../policy/manifest';
import { fetchModelBytes, clearModelCache, type LoadProgress } from '../policy/modelLoader';
import type { Backend, InferRequest, InferResult, PolicyLoadInfo, PolicyLoadOptions, PolicyWorkerApi } from './policyProtocol';

ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
// One thread was fastest on 2 cores, and threads need cross-origin isolation (DESIGN.md §4).
ort.env.wasm.numThreads = 1;

let policy: OnnxPolicy | null = null;
let backend: Backend = 'wasm';
let modelBytes: Uint8Array | null = null;
let manifestJson: unknown = null;
let device: GPUDevice | null = null;
let backendListener: ((b: Backend, reason: string) => void) | null = null;
let switching: Promise<void> | null = null;

async function probeWebGpu(): Promise<{ device: GPUDevice | null; note: string | null }> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { device: null, note: 'this browser exposes no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { device: null, note: 'WebGPU is present but no adapter is available' };
    const dev = await adapter.requestDevice();
    return { device: dev, note: null };
  } catch (e) {
    return { device: null, note: `WebGPU adapter request failed: ${(e as Error).message}` };
  }
}

async function createSession(which: Backend): Promise<OnnxPolicy> {
  return OnnxPolicy.load(ort as unknown as OrtModule, modelBytes!, manifestJson, {
    executionProviders: [which],
  });
}

/** WebGPU device lost (driver reset, tab backgrounded too long, explicit destroy): continue on WASM. */
function watchDevice(dev: GPUDevice): void {
  void dev.lost.then(async (info) => {
    if (backend !== 'webgpu') return;
    const reason = `WebGPU device lost (${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}); continuing on WASM`;
    switching = (async () => {
      const old = policy;
      policy = await createSession('wasm');
      backend = 'wasm';
      await old?.release().catch(() => undefined);
    })();
    await switching;
    switching = null;
    backendListener?.('wasm', reason);
  });
}

const api: PolicyWorkerApi = {
  async load(opts: PolicyLoadOptions, onProgress?: (p: LoadProgress) => void): Promise<PolicyLoadInfo> {
    const t0 = performance.now();
    const report = (p: LoadProgress) => onProgress?.(p);
    const dir = opts.modelDir.endsWith('/') ? opts.modelDir : `${opts.modelDir}/`;
    report({ phase: 'manifest', loaded: 0, total: 1 });
    const res = await fetch(`${dir}manifest.json`, { cache: 'no-cache' });
    if (!res.ok) throw new ManifestError(`no manifest at ${dir}manifest.json (${res.status})`);
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      throw new ManifestError(`manifest.json is not valid JSON: ${(e as Error).message}`);
    }
    const manifest: Manifest = parseManifest(json);
    const modelUrl = `${dir}${manifest.model}`;
    const prov = manifest.provenance as Record<string, unknown>;
    const version = String(prov.model_sha256 ?? prov.created ?? prov.train_time_s ?? '');
    if (opts.noCache) await clearModelCache();
    const { bytes, fromCache } = await fetchModelBytes(modelUrl, `${modelUrl}#${version}`, report);
    modelBytes = bytes;
    manifestJson = json;
    report({ phase: 'compile', loaded: 0, total: 1 });
    let note: string | null = null;
    backend = 'wasm';
    if (opts.backend !== 'wasm') {
      const probe = await probeWebGpu();
      note = probe.note;
      if (probe.device) {
        device = probe.device;
        ort.env.webgpu.device = probe.device;
        try {
          policy = await createSession('webgpu');
          backend = 'webgpu';
          watchDevice(probe.device);
        } catch (e) {
          note = `WebGPU session failed (${(e as Error).message}); using WASM`;
        }
      }
    } else {
      note = 'WASM requested';
    }
    if (backend === 'wasm') policy = await createSession('wasm');
    // The first run compiles kernels and is several times slower: pay it now, not on the first step.
    report({ phase: 'warmup', loaded: 0, total: 1 });
    const t1 = performance.now();
    const m = policy!.manifest;
    const images: Record<string, Uint8Array> = {};
    for (const c of m.cameras) images[c.name] = new Uint8Array(c.width * c.height * 3).fill(128);
    await policy!.decide({ images, proprio: Float32Array.from(m.proprio.mean), instruction: 'warm up' });
    const warmupMs = performance.now() - t1;
    report({ phase: 'ready', loaded: 1, total: 1 });
    return {
      backend,
      backendNote: note,
      name: m.name,
      params: typeof prov.params === 'number' ? prov.params : null,
      sizeBytes: bytes.length,
      fromCache,
      loadMs: performance.now() - t0,
      warmupMs,
      vocab: m.tokenizer.vocab,
      provenance: prov,
    };
  },

  async infer(req: InferRequest): Promise<InferResult> {
    if (switching) await switching;
    if (!policy) throw new Error('no model loaded');
    const t0 = performance.now();
    const decision = await policy.decide({ images: req.images, proprio: req.proprio, instruction: req.instruction });
    return { epoch: req.epoch, step: req.step, backend, ms: performance.now() - t0, decision };
  },

  onBackendChange(cb) {
    backendListener = cb;
  },

  async loseDevice() {
    if (!device || backend !== 'webgpu') return false;
    device.destroy();
    return true;
  },

  clearCache: clearModelCache,
};

Comlink.expose(api);
