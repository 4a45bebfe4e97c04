import type { ModelDecision } from '../policy/decode';
import type { LoadProgress } from '../policy/modelLoader';

export type Backend = 'webgpu' | 'wasm';

export interface PolicyLoadOptions {
  /** Directory URL of the model, e.g. `/models/vla-small/` (holds manifest.json and the ONNX file). */
  modelDir: string;
  backend?: 'auto' | Backend;
  /** Skip the cache (after a failed load, to get a fresh copy). */
  noCache?: boolean;
}

export interface PolicyLoadInfo {
  backend: Backend;
  /** Why WebGPU is not used, when it is not. */
  backendNote: string | null;
  name: string;
  params: number | null;
  sizeBytes: number;
  fromCache: boolean;
  loadMs: number;
  warmupMs: number;
  vocab: string[];
  provenance: Record<string, unknown>;
}

export interface InferRequest {
  /** Episode epoch: a reset bumps it, and results for an older epoch are dropped by the caller. */
  epoch: number;
  step: number;
  images: Record<string, Uint8Array>;
  proprio: Float32Array;
  instruction: string;
}

export interface InferResult {
  epoch: number;
  step: number;
  backend: Backend;
  ms: number;
  decision: ModelDecision;
}

export interface PolicyWorkerApi {
  load(opts: PolicyLoadOptions, onProgress?: (p: LoadProgress) => void): Promise<PolicyLoadInfo>;
  infer(req: InferRequest): Promise<InferResult>;
  /** Called when the WebGPU device is lost and the worker has switched to WASM. */
  onBackendChange(cb: (backend: Backend, reason: string) => void): void;
  /** Destroys the WebGPU device, exactly as a driver reset would; used by fault-injection tests. */
  loseDevice(): Promise<boolean>;
  clearCache(): Promise<void>;
}
