/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { OnnxPolicy, type OrtModule, type PolicyObservation } from '../policy/onnxPolicy';
import { CONTRACT } from '../policy/contract';
import { timeDecisions } from '../policy/timing';
import { parseManifest, ManifestError, type Manifest } from '../policy/manifest';
import { decodeOutputs } from '../policy/decode';
import { clearModelCache, expectedBytes, fetchManifestJson, fetchModelBytes, type LoadProgress } from '../policy/modelLoader';
import type { PolicyPortApi } from './protocol';
import type { Backend, BackendComparison, InferRequest, InferResult, PolicyLoadInfo, PolicyLoadOptions, PolicyWorkerApi } from './policyProtocol';

// The learned policy's home in the browser: onnxruntime-web runs here, never on the main thread. WebGPU
// when an adapter exists, WASM otherwise, and WASM again if the GPU device is lost mid-episode.

ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
// One thread was fastest on 2 cores, and threads need cross-origin isolation (docs/architecture.md, Facts).
ort.env.wasm.numThreads = 1;
// ORT's warnings (e.g. shape ops placed on the CPU by design) arrive as console errors; keep real errors.
ort.env.logLevel = 'error';

/** Sessions by backend: the live one plus side sessions made for comparisons and benchmarks. */
const sessions: Partial<Record<Backend, OnnxPolicy>> = {};
let backend: Backend = 'wasm';
let modelBytes: Uint8Array | null = null;
let manifestJson: unknown = null;
let device: GPUDevice | null = null;
/** Resolves when the live WebGPU device is lost; an inference racing it is retried on WASM. */
let deviceLost: Promise<void> = new Promise(() => {});
let backendListener: ((b: Backend, reason: string) => void) | null = null;
let switching: Promise<void> | null = null;

class DeviceLostError extends Error {}

/**
 * Session runs one at a time. Two overlapping runs on one session (a preview and a benchmark, say) are not
 * supported by onnxruntime-web: on WebGPU they can hang the worker outright.
 */
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

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
  if (!modelBytes) throw new Error('no model loaded');
  // Severity 3 (errors only): at the default (warnings) onnxruntime reports its by-design CPU placement of
  // shape ops on WebGPU as two console errors per load.
  return OnnxPolicy.load(ort as unknown as OrtModule, modelBytes, manifestJson, { executionProviders: [which], logSeverityLevel: 3 });
}

async function session(which: Backend): Promise<OnnxPolicy> {
  if (which === 'webgpu' && !device) throw new Error('WebGPU is not available in this worker');
  const s = sessions[which] ?? (await createSession(which));
  sessions[which] = s;
  return s;
}

/** WebGPU device lost (driver reset, tab backgrounded too long, explicit destroy): continue on WASM. */
function watchDevice(dev: GPUDevice): void {
  let lost!: () => void;
  deviceLost = new Promise((ok) => (lost = ok));
  void dev.lost.then(async (info) => {
    if (device !== dev) return;
    device = null;
    const reason = `the WebGPU device was lost (${info.reason || 'unknown'}${info.message ? `: ${info.message.replace(/\.$/, '')}` : ''})`;
    switching = (async () => {
      await session('wasm');
      backend = 'wasm';
      const old = sessions.webgpu;
      delete sessions.webgpu;
      await old?.release().catch(() => undefined);
    })();
    lost();
    try {
      await switching;
    } finally {
      switching = null;
    }
    backendListener?.('wasm', reason);
  });
}

function observation(req: InferRequest): PolicyObservation {
  return { images: req.images, proprio: req.proprio, instruction: req.instruction };
}

/** One forward pass on the live backend; a device lost mid-run is retried once on WASM. */
async function decideLive(req: InferRequest): Promise<{ decision: InferResult['decision']; backend: Backend; ms: number }> {
  for (let attempt = 0; ; attempt++) {
    if (switching) await switching;
    const used = backend;
    const policy = sessions[used];
    if (!policy) throw new Error('no model loaded');
    const t0 = performance.now();
    try {
      const run = policy.decide(observation(req));
      const decision = used === 'webgpu' ? await Promise.race([run, deviceLost.then(() => Promise.reject(new DeviceLostError()))]) : await run;
      return { decision, backend: used, ms: performance.now() - t0 };
    } catch (e) {
      if (attempt === 0 && used === 'webgpu' && (e instanceof DeviceLostError || !device)) continue;
      throw e;
    }
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The same observation through WebGPU and WASM: how far apart every output is. */
async function compareOn(req: InferRequest): Promise<BackendComparison | null> {
  if (!device || backend !== 'webgpu') return null;
  const gpu = await session('webgpu');
  const cpu = await session('wasm');
  const obs = observation(req);
  const t0 = performance.now();
  const a = await gpu.forward(obs);
  const t1 = performance.now();
  const b = await cpu.forward(obs);
  const t2 = performance.now();
  const maxAbs: Record<string, number> = {};
  for (const name of Object.keys(b)) maxAbs[name] = a[name] ? maxAbsDiff(a[name].data, b[name].data) : Infinity;
  const tokens = cpu.tokenize(req.instruction);
  const da = decodeOutputs(cpu.manifest, a, req.proprio, tokens);
  const db = decodeOutputs(cpu.manifest, b, req.proprio, tokens);
  return { maxAbsDiff: maxAbs, actionMaxAbsDiff: maxAbsDiff(da.actions.flat(), db.actions.flat()), ms: { webgpu: t1 - t0, wasm: t2 - t1 } };
}

/** Per-run inference times on one backend, after one untimed run. */
async function timeOn(req: InferRequest, which: Backend, runs: number): Promise<number[]> {
  return timeDecisions(await session(which), observation(req), runs);
}

interface Fetched {
  json: unknown;
  manifest: Manifest;
  bytes: Uint8Array;
  fromCache: boolean;
  source: string;
}

async function fromUrl(opts: PolicyLoadOptions, report: (p: LoadProgress) => void): Promise<Fetched> {
  const dir = opts.modelDir.endsWith('/') ? opts.modelDir : `${opts.modelDir}/`;
  report({ phase: 'manifest', loaded: 0, total: 1 });
  // A dev server answers a missing file with its HTML page: fetchManifestJson says so instead of a JSON error.
  const json = await fetchManifestJson(dir).catch((e: unknown) => {
    throw e instanceof ManifestError ? e : new ManifestError(e instanceof Error ? e.message : String(e));
  });
  const manifest: Manifest = parseManifest(json);
  const modelUrl = new URL(manifest.model, new URL(dir, self.location.href)).href;
  const prov = manifest.provenance as Record<string, unknown>;
  // The file's hash names the cache entry: a new model under the same URL is never served stale.
  const version = manifest.model_sha256 ?? String(prov.exported ?? prov.train_time_s ?? '');
  if (opts.noCache) await clearModelCache();
  const check = expectedBytes(manifest.model, manifest.model_bytes, manifest.model_sha256);
  const { bytes, fromCache } = await fetchModelBytes(modelUrl, `${modelUrl}#${version}`, report, check);
  return { json, manifest, bytes, fromCache, source: dir };
}

/** Dropped files: checked like a download (size and hash when the manifest states them), never cached. */
async function fromFiles(files: NonNullable<PolicyLoadOptions['files']>, report: (p: LoadProgress) => void): Promise<Fetched> {
  report({ phase: 'manifest', loaded: 0, total: 1 });
  const manifest = parseManifest(files.manifest);
  const problem = await expectedBytes(files.fileName, manifest.model_bytes, manifest.model_sha256)(files.model);
  if (problem) throw new ManifestError(problem);
  report({ phase: 'download', loaded: files.model.length, total: files.model.length });
  return { json: files.manifest, manifest, bytes: files.model, fromCache: false, source: files.fileName };
}

const api: PolicyWorkerApi = {
  async load(opts: PolicyLoadOptions, onProgress?: (p: LoadProgress) => void): Promise<PolicyLoadInfo> {
    const t0 = performance.now();
    const report = (p: LoadProgress) => onProgress?.(p);
    // Asking for an adapter can take half a second (longer where none exists): ask while the model downloads.
    const probing = opts.backend !== 'wasm' ? probeWebGpu() : null;
    const files = opts.files ? fromFiles(opts.files, report) : fromUrl(opts, report);
    // A model that fails to arrive leaves the probe's device unused: give it back.
    files.catch(() => void probing?.then((p) => p.device?.destroy()));
    const { json, manifest, bytes, fromCache, source } = await files;
    const prov = manifest.provenance as Record<string, unknown>;
    for (const s of Object.values(sessions)) await s?.release().catch(() => undefined);
    for (const k of Object.keys(sessions) as Backend[]) delete sessions[k];
    modelBytes = bytes;
    manifestJson = json;
    report({ phase: 'compile', loaded: 0, total: 1 });
    let note: string | null;
    backend = 'wasm';
    if (probing) {
      const probe = await probing;
      note = probe.note;
      if (probe.device) {
        device = probe.device;
        ort.env.webgpu.device = probe.device;
        try {
          await session('webgpu');
          backend = 'webgpu';
          watchDevice(probe.device);
        } catch (e) {
          note = `the WebGPU session failed (${(e as Error).message}); using WASM`;
          device = null;
        }
      }
    } else {
      note = 'WASM was requested';
    }
    if (backend === 'wasm') await session('wasm');
    // The first run compiles kernels and is several times slower: pay it now, not on the first step.
    report({ phase: 'warmup', loaded: 0, total: 1 });
    const t1 = performance.now();
    const m = sessions[backend]!.manifest;
    // Observations as the simulator sends them: every camera at the contract's size, the full proprio vector.
    const images: Record<string, Uint8Array> = {};
    for (const c of CONTRACT.cameras) images[c.name] = new Uint8Array(c.width * c.height * 3).fill(128);
    await sessions[backend]!.decide({ images, proprio: new Float32Array(CONTRACT.proprio.layout.length), instruction: 'warm up' });
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
      vocab: m.tokenizer?.vocab ?? [],
      tokenizer: m.tokenizer ?? null,
      fixedInstruction: m.fixed_instruction ?? null,
      outputs: m.available,
      source,
      chunkLength: m.action.chunk_length,
      controlHz: m.action.control_hz,
      attention: m.attention && m.available.attention ? { layers: m.attention.layers, heads: m.attention.heads, queries: m.attention.queries } : null,
      provenance: prov,
    };
  },

  async infer(req: InferRequest): Promise<InferResult> {
    const { decision, backend: used, ms } = await exclusive(() => decideLive(req));
    return { epoch: req.epoch, step: req.step, backend: used, ms, decision };
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

  async ping() {
    return performance.now();
  },

  compareBackends(req: InferRequest): Promise<BackendComparison | null> {
    return exclusive(() => compareOn(req));
  },

  timeInference(req: InferRequest, which: Backend, runs: number): Promise<number[]> {
    return exclusive(() => timeOn(req, which, runs));
  },

  connect(port: MessagePort) {
    const direct: PolicyPortApi = { infer: (req) => api.infer(req), ping: () => api.ping() };
    Comlink.expose(direct, port);
  },

  injectFault(kind) {
    if (kind === 'close') setTimeout(() => self.close());
    else {
      setTimeout(() => {
        throw new Error('injected fault: the policy worker crashed');
      });
    }
  },
};

Comlink.expose(api);
