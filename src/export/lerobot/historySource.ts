import type { CameraImages } from '../../engine/types';
import { CONTRACT } from '../../policy/contract';
import { CAMERAS, FUTURE_POINTS, MOVES, OBJECTS } from '../../sim/vocab';
import type { StepRecord } from '../../workers/protocol';
import type { SourceDataset, SourceEpisode } from './source';

// The app's episode history (src/state/history) as the LeRobot export's source: a stored episode's step
// records laid out like a datagen episode folder (docs/dataset.md), so the browser export and the CLI
// share the builder, the tables and the reasoning text.
//
// Record k is the state after k control steps, and record k + 1 carries the action executed from it. A
// LeRobot frame pairs an observation with the action taken from it, as datagen records them, so frame t is
// record t with record t + 1's action; the last record, the state the episode ended in, has no action and
// is not a frame. The labels (plan, subtask, move, gripper points, boxes) are record t's decision: the
// plan on screen when the action was chosen, the expert's or the model's.

/** The app's dataset-wide facts: the model contract's cameras and layouts, the shared vocabularies. */
export const HISTORY_DATASET: SourceDataset = {
  fps: CONTRACT.action.control_hz,
  cameras: CONTRACT.cameras.map((c) => ({ name: c.name, width: c.width, height: c.height })),
  stateNames: [...CONTRACT.proprio.layout],
  actionNames: [...CONTRACT.action.layout],
  objects: [...OBJECTS],
  moves: [...MOVES],
};

/** Gripper points per camera and frame: now, then the future points (the contract's reasoning head). */
const POINTS = 1 + FUTURE_POINTS;

/** How many frames a stored episode of `records` exports (every state an action was taken from). */
export const frameCount = (records: readonly unknown[]): number => Math.max(0, records.length - 1);

/** The action as the arm executed it: the controller clips each dimension (the contract's action.clip), as datagen records it. */
export function executedAction(a: readonly number[]): number[] {
  return CONTRACT.action.clip.map((lim, i) => Math.min(lim, Math.max(-lim, a[i] ?? 0)));
}

export interface HistoryEpisodeMeta {
  /** For provenance and messages (the history's id, or a readable name). */
  name: string;
  /** The task string: the instruction as the episode read it. */
  instruction: string;
}

/**
 * One stored episode as a SourceEpisode. `images[t]` are frame t's policy-camera pixels (RGB, H x W x 3,
 * row 0 = top), for t < frameCount(records).
 */
export function historyEpisode(meta: HistoryEpisodeMeta, records: readonly StepRecord[], images: readonly CameraImages[]): SourceEpisode {
  const ds = HISTORY_DATASET;
  const T = frameCount(records);
  if (T < 1) throw new Error(`${meta.name}: no action was executed, nothing to export`);
  if (images.length < T) throw new Error(`${meta.name}: camera images for ${images.length} of ${T} frames`);
  const A = ds.actionNames.length;
  const S = ds.stateNames.length;
  const C = ds.cameras.length;
  const O = ds.objects.length;

  const action = new Float32Array(T * A);
  const state = new Float32Array(T * S);
  const subtask = new Int32Array(T).fill(-1);
  const move = new Int32Array(T).fill(-1);
  const gripperPx = new Float32Array(T * C * POINTS * 2);
  const gripperVis = new Uint8Array(T * C * POINTS);
  const boxes = new Float32Array(T * C * O * 4);
  const boxVis = new Uint8Array(T * C * O);
  const plans: Array<Array<[string, string]>> = [];
  const planKeys = new Map<string, number>();
  const planIndex = new Int32Array(T);
  const pixels: Record<string, Uint8Array> = Object.fromEntries(ds.cameras.map((c) => [c.name, new Uint8Array(T * c.height * c.width * 3)]));

  for (let t = 0; t < T; t++) {
    const rec = records[t];
    const next = records[t + 1].action;
    if (!next) throw new Error(`${meta.name}: record ${t + 1} has no action`);
    action.set(executedAction(next), t * A);
    if (rec.proprio.length < S) throw new Error(`${meta.name}: record ${t} has ${rec.proprio.length} proprio values, expected ${S}`);
    state.set(rec.proprio.subarray(0, S), t * S);

    for (const c of ds.cameras) {
      const px = images[t][c.name as keyof CameraImages];
      const n = c.height * c.width * 3;
      if (!px || px.length !== n) throw new Error(`${meta.name}: frame ${t} has no ${c.width}x${c.height} RGB image for camera ${c.name}`);
      pixels[c.name].set(px, t * n);
    }

    // Frames with no decision (a faulted step) say "none" for each label, as the reasoning text allows.
    const r = rec.decision?.reasoning;
    const plan: Array<[string, string]> = (r?.plan ?? []).map((s) => [s.verb, s.object]);
    const key = JSON.stringify(plan);
    if (!planKeys.has(key)) {
      planKeys.set(key, plans.length);
      plans.push(plan);
    }
    planIndex[t] = planKeys.get(key)!;
    if (!r) continue;
    subtask[t] = r.subtaskIndex;
    move[t] = ds.moves.indexOf(r.move);
    CAMERAS.forEach((cam, c) => {
      const g = r.gripper[cam];
      for (let p = 0; p < POINTS && g && p < g.points.length; p++) {
        const i = (t * C + c) * POINTS + p;
        gripperPx[2 * i] = g.points[p][0];
        gripperPx[2 * i + 1] = g.points[p][1];
        gripperVis[i] = g.visible[p] ? 1 : 0;
      }
      for (const b of r.boxes[cam] ?? []) {
        const o = ds.objects.indexOf(b.object);
        if (o < 0) continue;
        const i = (t * C + c) * O + o;
        boxes.set(b.box, 4 * i);
        boxVis[i] = 1;
      }
    });
  }

  return {
    name: meta.name,
    instruction: meta.instruction,
    plan: plans[0],
    framePlans: plans.length > 1 ? { plans, planIndex } : undefined,
    length: T,
    action,
    state,
    subtask,
    move,
    gripperPx,
    gripperVis,
    boxes,
    boxVis,
    points: POINTS,
    pixels,
  };
}

/** The typed arrays of an episode, to hand it to a worker without copying. */
export function episodeBuffers(ep: SourceEpisode): ArrayBuffer[] {
  const views = [ep.action, ep.state, ep.subtask, ep.move, ep.gripperPx, ep.gripperVis, ep.boxes, ep.boxVis, ...Object.values(ep.pixels)];
  if (ep.framePlans) views.push(ep.framePlans.planIndex);
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}
