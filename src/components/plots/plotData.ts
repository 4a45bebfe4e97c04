import contract from '../../policy/contract.json';
import { modelExtras } from '../../policy/modelDecision';
import type { Reasoning } from '../../sim/reasoning';
import type { StepRecord } from '../../workers/protocol';
import { summarize, type LatencySummary } from './latencyStats';

// From the recorded steps to the arrays the plots draw, one x value per step. Pure (no DOM, no uPlot), so
// it is unit-tested and cheap to rebuild when a record arrives or the cursor moves.
//
// Alignment: x = k is the state after k control steps, where the timeline's step k is. The action plotted
// at k is the one executed *from* state k (record k+1's action), so it sits under the plan made at k
// (record k's decision, whose first row is that action when a chunk executes as predicted).

export const ACTION_LAYOUT: readonly string[] = contract.action.layout;
export const GRIPPER_DIM: number = contract.action.gripper_dim;
/** What the action guard lets through per dimension (SI units). */
export const ACTION_CLIP: readonly number[] = contract.action.clip;
/** How far past the newest step the x axis reaches: room for the chunk still ahead at the live end. */
export const CHUNK_AHEAD: number = contract.action.chunk_length;

type Confidence = NonNullable<Reasoning['confidence']>;
export type ConfidenceHead = keyof Confidence;
/** Every reasoning head that carries a confidence, in the order the reasoning panel shows them. */
export const CONFIDENCE_HEADS = ['plan', 'subtask', 'move'] as const satisfies readonly ConfidenceHead[];

const RAD_TO_DEG = 180 / Math.PI;

/** Actions in units a person reads: translations in mm, rotations in degrees (per control step). */
export function actionUnit(dim: number): { unit: string; scale: number } {
  if (dim === GRIPPER_DIM) return { unit: '−1 open · +1 close', scale: 1 };
  return ACTION_LAYOUT[dim]?.startsWith('dr') ? { unit: '°/step', scale: RAD_TO_DEG } : { unit: 'mm/step', scale: 1000 };
}

export type Series = (number | null)[];

export interface PlotData {
  /** 0 .. lastStep + CHUNK_AHEAD. */
  x: number[];
  /** Newest recorded step. */
  lastStep: number;
  /** The step the views show (the time cursor). */
  viewStep: number;
  /** Per action dimension: the action executed from each step (display units). */
  executed: Series[];
  /** Per action dimension: the chunk planned at the view step, from the view step on (display units). */
  chunk: Series[];
  confidence: Record<ConfidenceHead, Series>;
  /** Some recorded step carries confidences (the model decided). */
  hasConfidence: boolean;
  /** Inference time of the prediction made at each step (model only: steps that predicted). */
  inferMs: Series;
  /** Worker time per control step (physics, controller, policy, cameras), at the step it produced. */
  stepMs: Series;
  inference: LatencySummary | null;
  step: LatencySummary | null;
}

const blank = (n: number): Series => new Array<number | null>(n).fill(null);

/**
 * `spanTo`: the x axis reaches at least this step (plus `ahead`), so two episodes shown side by side share
 * one axis and their cursors line up.
 */
export function buildPlotData(records: readonly StepRecord[], viewStep: number, ahead = CHUNK_AHEAD, spanTo = 0): PlotData {
  const lastStep = Math.max(0, records.length - 1);
  const n = records.length === 0 ? 0 : Math.max(lastStep, spanTo) + 1 + ahead;
  const x = Array.from({ length: n }, (_, i) => i);
  const dims = ACTION_LAYOUT.length;
  const units = Array.from({ length: dims }, (_, d) => actionUnit(d).scale);
  const executed = Array.from({ length: dims }, () => blank(n));
  const chunk = Array.from({ length: dims }, () => blank(n));
  const confidence = Object.fromEntries(CONFIDENCE_HEADS.map((h) => [h, blank(n)])) as Record<ConfidenceHead, Series>;
  const inferMs = blank(n);
  const stepMs = blank(n);
  let hasConfidence = false;

  for (let k = 0; k < records.length; k++) {
    const rec = records[k];
    const next = records[k + 1];
    if (next?.action) for (let d = 0; d < dims; d++) executed[d][k] = next.action[d] * units[d];
    const conf = rec.decision?.reasoning.confidence;
    if (conf) {
      hasConfidence = true;
      for (const h of CONFIDENCE_HEADS) confidence[h][k] = conf[h];
    }
    const m = modelExtras(rec.decision);
    // A continuation carries the inference time of the step that predicted it; only that step inferred.
    if (m && m.offset === 0 && m.predictedAt === rec.step) inferMs[k] = m.inferMs;
    // Record 0 is made by begin(), outside any timed control step.
    if (k > 0 && rec.computeMs > 0) stepMs[k] = rec.computeMs;
  }

  const view = Math.max(0, Math.min(lastStep, Math.round(viewStep)));
  const plan = records[view]?.decision?.actions ?? [];
  for (let j = 0; j < plan.length && view + j < n; j++) {
    for (let d = 0; d < dims; d++) chunk[d][view + j] = plan[j][d] * units[d];
  }

  return {
    x,
    lastStep,
    viewStep: view,
    executed,
    chunk,
    confidence,
    hasConfidence,
    inferMs,
    stepMs,
    inference: summarize(inferMs),
    step: summarize(stepMs),
  };
}
