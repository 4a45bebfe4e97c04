import { create } from 'zustand';
import type { ExecutionMode } from '../policy/execution';
import type { LoadProgress } from '../policy/modelLoader';
import type { Backend, ModelFiles, PolicyLoadInfo } from '../workers/policyProtocol';
import type { ExecutionRequest } from '../workers/protocol';

// The learned policy's side of the UI: loading progress, the live backend, execution settings and the
// approval gate. Updated at most once per inference, never per frame.

export type ModelStatus = 'loading' | 'ready' | 'error' | 'restarting';

export interface ExecutionSettings {
  kind: ExecutionMode['kind'];
  /** Chunk mode: actions executed from each prediction before re-planning (1..H). */
  k: number;
  /** Ensemble mode: ACT's weight exponent (w_i = exp(-m * i), oldest prediction first). */
  m: number;
  /** Stop after each prediction until a person accepts it. */
  approval: boolean;
}

/** Which model to load: a folder URL (`?model=`) or dropped files; null is the shipped model. */
export type ModelSource = { dir: string } | { files: ModelFiles } | null;

export interface PolicyState {
  /** The model another than the shipped one was asked for (docs/byo-policy.md). */
  source: ModelSource;
  status: ModelStatus;
  progress: LoadProgress | null;
  /** The loading phases seen by the current load, in order (tests and the bench read them). */
  phases: LoadProgress['phase'][];
  info: PolicyLoadInfo | null;
  backend: Backend | null;
  /** Why WebGPU is not the live backend (tooltip of the badge); null when it is. */
  backendNote: string | null;
  /** Why the model is unavailable (status 'error'). */
  error: string | null;
  execution: ExecutionSettings;
  /** A prediction made at this step waits for a person's approval (approval mode). */
  awaiting: number | null;
  /** Inference time of the newest prediction (inside the policy worker), ms. */
  lastInferMs: number | null;
  /** Times the policy worker was restarted after a crash. */
  restarts: number;
}

export const MAX_K = 8;
export const DEFAULT_EXECUTION_SETTINGS: ExecutionSettings = { kind: 'chunk', k: 4, m: 0.1, approval: false };

export function executionMode(s: ExecutionSettings): ExecutionMode {
  return s.kind === 'chunk' ? { kind: 'chunk', k: s.k } : { kind: 'ensemble', m: s.m };
}

export function executionRequest(s: ExecutionSettings): ExecutionRequest {
  return { mode: executionMode(s), approval: s.approval };
}

export const usePolicyStore = create<PolicyState>(() => ({
  source: null,
  status: 'loading',
  progress: null,
  phases: [],
  info: null,
  backend: null,
  backendNote: null,
  error: null,
  execution: DEFAULT_EXECUTION_SETTINGS,
  awaiting: null,
  lastInferMs: null,
  restarts: 0,
}));

/** A one-line description of where loading is, for the progress indicator. */
export function progressText(p: LoadProgress | null): string {
  if (!p) return 'starting the policy worker…';
  const mb = (n: number) => (n / 1e6).toFixed(1);
  switch (p.phase) {
    case 'manifest':
      return 'reading the model manifest…';
    case 'download':
      return `downloading the model ${mb(p.loaded)} / ${mb(p.total)} MB`;
    case 'cache':
      return `model read from the browser cache (${mb(p.loaded)} MB)`;
    case 'compile':
      return 'compiling the model…';
    case 'warmup':
      return 'warming up…';
    case 'ready':
      return 'ready';
  }
}

/** Overall loading fraction 0..1 across the phases (download dominates). */
export function progressFraction(p: LoadProgress | null): number {
  if (!p) return 0;
  switch (p.phase) {
    case 'manifest':
      return 0.02;
    case 'download':
      return 0.05 + 0.65 * (p.total > 0 ? p.loaded / p.total : 0);
    case 'cache':
      return 0.7;
    case 'compile':
      return 0.75;
    case 'warmup':
      return 0.9;
    case 'ready':
      return 1;
  }
}
