import type { PolicyDecision } from '../engine/types';
import type { AttentionMaps } from './attention';
import type { ModelDecision } from './decode';
import { ALL_OUTPUTS, type OutputAvailability, type OutputGroup } from './outputGroups';

// A model prediction as the timeline stores it: the Decision every view already draws (actions, path,
// reasoning), plus the model-only outputs under `extras.model`.

/** Where onnxruntime-web runs the model. */
export type Backend = 'webgpu' | 'wasm';

export interface ModelExtras {
  /** Absent when the model has no attention output. */
  attention?: AttentionMaps;
  /** Which output families the model has (absent in records made before models could lack some: all). */
  outputs?: OutputAvailability;
  tokens: { words: string[]; unknown: string[]; truncated: string[] };
  /** Why the actions were refused (NaN, out of range); null when they were fine. */
  fault: string | null;
  backend: Backend;
  inferMs: number;
  /** The step whose observation produced this prediction. */
  predictedAt: number;
  /** Steps executed from the chunk since then: actions and path are the chunk's remainder. */
  offset: number;
  /** The instruction the model read. */
  instruction: string;
}

/** How one inference ran: where, how long, for which step. */
export interface InferenceMeta {
  backend: Backend;
  ms: number;
  step: number;
}

export function modelExtras(d: PolicyDecision | null | undefined): ModelExtras | null {
  const m = d?.source === 'model' ? (d.extras?.model as ModelExtras | undefined) : undefined;
  return m ?? null;
}

/** Whether the prediction's model has an output family; views show a note instead of an empty overlay. */
export function hasOutput(m: ModelExtras | null | undefined, group: OutputGroup): boolean {
  return (m?.outputs ?? ALL_OUTPUTS)[group];
}

export function toPolicyDecision(decoded: ModelDecision, meta: InferenceMeta, instruction: string): PolicyDecision {
  const { actions, path, reasoning, attention, outputs, tokens, fault } = decoded;
  const model: ModelExtras = { attention, outputs, tokens, fault, backend: meta.backend, inferMs: meta.ms, predictedAt: meta.step, offset: 0, instruction };
  return { actions, path, reasoning, source: 'model', extras: { model } };
}

/** The part of a chunk still ahead `offset` steps after it was predicted (what the ghost path shows). */
export function continuation(d: PolicyDecision, offset: number): PolicyDecision {
  if (offset === 0) return d;
  const m = modelExtras(d);
  return {
    ...d,
    actions: d.actions.slice(offset),
    path: d.path.slice(offset),
    extras: { ...d.extras, model: m ? { ...m, offset: m.offset + offset } : undefined },
  };
}
