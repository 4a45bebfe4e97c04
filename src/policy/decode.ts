import type { Decision } from '../sim/expertPolicy';
import type { Reasoning } from '../sim/reasoning';
import type { Subtask } from '../sim/tasks';
import { MAX_DPOS, MAX_DROT } from '../sim/env';
import type { Vec3 } from '../sim/math';
import { CAMERAS, MOVES, OBJECTS, VERBS, type Move, type ObjectName, type Verb } from '../sim/vocab';
import type { AttentionMaps } from './attention';
import type { Manifest } from './manifest';
import type { OutputAvailability } from './outputGroups';
import type { Tokens } from './tokenizer';

export interface ModelDecision extends Decision {
  /** Absent when the model has no attention output. */
  attention?: AttentionMaps;
  /** Which output families the model has: `reasoning` holds empty placeholders for the missing ones (absent: all). */
  outputs?: OutputAvailability;
  tokens: { words: string[]; unknown: string[]; truncated: string[] };
  /** Non-null when the actions must not be executed (NaN or far outside the action space). */
  fault: string | null;
}

type Raw = Record<string, { data: Float32Array; dims: number[] }>;

function softmax(x: ArrayLike<number>, off: number, n: number): Float32Array {
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, x[off + i]);
  const out = new Float32Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += out[i] = Math.exp(x[off + i] - m);
  for (let i = 0; i < n; i++) out[i] /= s;
  return out;
}
function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Actions more than this many times the controller's limits mean the model is off the rails. */
const OUT_OF_RANGE = 3;

export function actionFault(actions: number[][]): string | null {
  for (let k = 0; k < actions.length; k++) {
    const a = actions[k];
    if (a.some((v) => !Number.isFinite(v))) return `model produced a non-finite action (step ${k} of the chunk)`;
    for (let i = 0; i < 3; i++) if (Math.abs(a[i]) > OUT_OF_RANGE * MAX_DPOS) return `model action out of range: |d${'xyz'[i]}| = ${Math.abs(a[i]).toFixed(3)} m (limit ${MAX_DPOS})`;
    for (let i = 3; i < 6; i++) if (Math.abs(a[i]) > OUT_OF_RANGE * MAX_DROT) return `model action out of range: rotation ${Math.abs(a[i]).toFixed(3)} rad (limit ${MAX_DROT})`;
  }
  return null;
}

type Get = (name: string) => Raw[string];

/** What a model without reasoning, point or box outputs shows: nothing, which the views say in words. */
function emptyReasoning(): Reasoning {
  const gripper = {} as Reasoning['gripper'];
  const boxes = {} as Reasoning['boxes'];
  for (const cam of CAMERAS) {
    gripper[cam] = { points: [], visible: [] };
    boxes[cam] = [];
  }
  return { plan: [], subtaskIndex: 0, move: 'stop', gripper, boxes };
}

/** Plan: slots up to the first "empty" verb class; the subtask and move heads with their confidences. */
function decodeReasoning(get: Get): Pick<Reasoning, 'plan' | 'subtaskIndex' | 'move' | 'confidence'> {
  const verbs = get('plan_verb_logits');
  const objs = get('plan_object_logits');
  const [, P, V] = verbs.dims;
  const O = objs.dims[2];
  const plan: Subtask[] = [];
  let planConf = 0;
  for (let s = 0; s < P; s++) {
    const pv = softmax(verbs.data, s * V, V);
    const v = argmax(pv);
    if (v >= VERBS.length) break;
    const po = softmax(objs.data, s * O, O);
    const o = argmax(po);
    plan.push({ verb: VERBS[v] as Verb, object: OBJECTS[o] as ObjectName });
    planConf += pv[v] * po[o];
  }
  planConf = plan.length ? planConf / plan.length : 0;
  const sub = get('subtask_logits');
  const ps = softmax(sub.data, 0, Math.max(1, plan.length));
  const subtaskIndex = argmax(ps);
  const mv = get('move_logits');
  const pm = softmax(mv.data, 0, MOVES.length);
  const moveIdx = argmax(pm);
  return { plan, subtaskIndex, move: MOVES[moveIdx] as Move, confidence: { plan: planConf, subtask: ps[subtaskIndex], move: pm[moveIdx] } };
}

/** Gripper point now and ahead, per camera. */
function decodePoints(pts: Raw[string]): Reasoning['gripper'] {
  const nPts = pts.dims[2];
  const gripper = {} as Reasoning['gripper'];
  CAMERAS.forEach((cam, c) => {
    const points: [number, number][] = [];
    for (let j = 0; j < nPts; j++) points.push([pts.data[(c * nPts + j) * 2], pts.data[(c * nPts + j) * 2 + 1]]);
    gripper[cam] = { points, visible: points.map(([u, v]) => u > 0.005 && u < 0.995 && v > 0.005 && v < 0.995) };
  });
  return gripper;
}

/** Object boxes per camera, the visible ones (logit > 0) only. */
function decodeBoxes(blog: Raw[string], bx: Raw[string]): Reasoning['boxes'] {
  const O = blog.dims[2];
  const boxes = {} as Reasoning['boxes'];
  CAMERAS.forEach((cam, c) => {
    boxes[cam] = [];
    for (let o = 0; o < O; o++) {
      const logit = blog.data[c * O + o];
      if (logit <= 0) continue;
      const b = bx.data.subarray((c * O + o) * 4, (c * O + o) * 4 + 4);
      boxes[cam].push({ object: OBJECTS[o] as ObjectName, box: [b[0], b[1], b[2], b[3]], score: 1 / (1 + Math.exp(-logit)) });
    }
  });
  return boxes;
}

/** Turn the ONNX outputs into actions, a 3D path, ECoT reasoning and attention maps. */
export function decodeOutputs(m: Manifest, raw: Raw, proprio: ArrayLike<number>, tokens: Tokens): ModelDecision {
  const get: Get = (name) => {
    const r = raw[name];
    if (!r) throw new Error(`model returned no "${name}" output`);
    return r;
  };
  // Actions: de-normalise the chunk.
  const act = get('actions');
  const [, H, D] = act.dims;
  const actions: number[][] = [];
  for (let k = 0; k < H; k++) {
    const a: number[] = [];
    for (let i = 0; i < D; i++) a.push(act.data[k * D + i] * m.action.std[i] + m.action.mean[i]);
    actions.push(a);
  }
  const fault = actionFault(actions);
  // The gripper is a binary command in the manifest (close if > 0). Executed as a raw value it would
  // leave the fingers half-closed; a NaN is left for the fault check above to have reported.
  const gi = m.action.gripper_dim ?? D - 1;
  for (const a of actions) if (Number.isFinite(a[gi])) a[gi] = a[gi] > 0 ? 1 : -1;
  // Path: integrate the (clamped) translations from the measured TCP, as the controller will.
  const path: Vec3[] = [];
  let p: Vec3 = [proprio[0], proprio[1], proprio[2]];
  for (const a of actions) {
    const c = (v: number) => (Number.isFinite(v) ? Math.max(-MAX_DPOS, Math.min(MAX_DPOS, v)) : 0);
    p = [p[0] + c(a[0]), p[1] + c(a[1]), p[2] + c(a[2])];
    path.push(p);
  }
  const has = m.available;
  const reasoning = emptyReasoning();
  if (has.reasoning) Object.assign(reasoning, decodeReasoning(get));
  if (has.points) reasoning.gripper = decodePoints(get('gripper_points'));
  if (has.boxes) reasoning.boxes = decodeBoxes(get('box_logits'), get('boxes'));
  let attention: AttentionMaps | undefined;
  if (has.attention && m.attention) {
    const att = get('attention');
    const [, L, Hh, , N] = att.dims;
    const kpRaw = raw.keypoints;
    let keypoints: Record<string, Float32Array> | undefined;
    if (kpRaw) {
      const K = kpRaw.dims[2];
      keypoints = Object.fromEntries(CAMERAS.map((cam, c) => [cam, kpRaw.data.slice(c * K * 2, (c + 1) * K * 2)]));
    }
    attention = { layers: L, heads: Hh, queries: m.attention.queries, context: N, segments: m.attention.segments, data: att.data, keypoints };
  }
  return {
    actions,
    path,
    reasoning,
    attention,
    outputs: { ...has },
    tokens: { words: tokens.words, unknown: tokens.unknown, truncated: tokens.truncated },
    fault,
  };
}
