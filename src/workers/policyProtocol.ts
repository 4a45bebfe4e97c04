import type { ModelDecision } from '../policy/decode';
import type { LoadProgress } from '../policy/modelLoader';
import type { Manifest } from '../policy/manifest';
import type { OutputAvailability } from '../policy/outputGroups';

import type { Backend } from '../policy/modelDecision';

export type { Backend };

/** A model a person dropped on the page: the manifest's JSON and the ONNX file's bytes. */
export interface ModelFiles {
  manifest: unknown;
  model: Uint8Array;
  /** The ONNX file's name, to say where the model came from. */
  fileName: string;
}

export interface PolicyLoadOptions {
  /** Directory URL of the model, e.g. `/models/vla-small/` (holds manifest.json and the ONNX file). */
  modelDir: string;
  /** Dropped files: loaded instead of `modelDir`, never cached. */
  files?: ModelFiles;
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
  /** The tokenizer's rules, so the UI flags words the model does not know while a person types; null: no text input. */
  tokenizer: Manifest['tokenizer'] | null;
  /** The one instruction a model without text input was trained for, when its manifest says. */
  fixedInstruction: string | null;
  /** Which optional output families the model has. */
  outputs: OutputAvailability;
  /** Where the model came from: its folder URL or the dropped file's name. */
  source: string;
  /** Model chunk length (H) and control rate, for the execution controls. */
  chunkLength: number;
  controlHz: number;
  /** Attention layout, for the layer/head/query selectors; null: the model has no attention output. */
  attention: { layers: number; heads: number; queries: string[] } | null;
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

/** The same observation through both backends: the largest absolute difference per model output. */
export interface BackendComparison {
  maxAbsDiff: Record<string, number>;
  /** Largest difference of the de-normalised (executed) actions. */
  actionMaxAbsDiff: number;
  ms: Record<Backend, number>;
}

export interface PolicyWorkerApi {
  load(opts: PolicyLoadOptions, onProgress?: (p: LoadProgress) => void): Promise<PolicyLoadInfo>;
  infer(req: InferRequest): Promise<InferResult>;
  /** Called when the WebGPU device is lost and the worker has switched to WASM. */
  onBackendChange(cb: (backend: Backend, reason: string) => void): void;
  /** Destroys the WebGPU device, exactly as a driver reset would; used by fault-injection tests. */
  loseDevice(): Promise<boolean>;
  clearCache(): Promise<void>;
  /** Liveness check for the crash watchdog: answers at once unless the worker is gone. */
  ping(): Promise<number>;
  /** Run one observation on WebGPU and on WASM and compare (null when WebGPU is not live). */
  compareBackends(req: InferRequest): Promise<BackendComparison | null>;
  /** Inference times (ms) of `runs` forward passes on `backend` (a side session when it is not the live one). */
  timeInference(req: InferRequest, backend: Backend, runs: number): Promise<number[]>;
  /** Serve `infer` and `ping` on this port too: the sim worker's control loop asks the model directly. */
  connect(port: MessagePort): void;
  /** Fault injection: 'close' ends the worker silently (as an OOM kill would), 'throw' raises outside any call. */
  injectFault(kind: 'close' | 'throw'): void;
}
