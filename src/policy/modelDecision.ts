import type { AttentionMaps } from '../policy/attention';
import type { PolicyDecision } from '../workers/protocol';
import type { Backend, InferResult } from '../workers/policyProtocol';

// A model prediction as the timeline stores it: the Decision every view already draws (actions, path,
// reasoning), plus the model-only outputs under `extras.model`.

export interface ModelExtras {
  attention: AttentionMaps;
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

export function modelExtras(d: PolicyDecision | null | undefined): ModelExtras | null {
  const m = d?.source === 'model' ? (d.extras?.model as ModelExtras | undefined) : undefined;
  return m ?? null;
}

export function toPolicyDecision(res: InferResult, instruction: string): PolicyDecision {
  const { actions, path, reasoning, attention, tokens, fault } = res.decision;
  const model: ModelExtras = { attention, tokens, fault, backend: res.backend, inferMs: res.ms, predictedAt: res.step, offset: 0, instruction };
  return { actions, path, reasoning, source: 'model', extras: { model } };
}

/** The part of a chunk still ahead `offset` steps after it was predicted (what the ghost path shows). */
export function continuation(d: PolicyDecision, offset: number): PolicyDecision {
  const m = modelExtras(d);
  return {
    ...d,
    actions: d.actions.slice(offset),
    path: d.path.slice(offset),
    extras: { ...d.extras, model: m ? { ...m, offset: m.offset + offset } : undefined },
  };
}
