import { inImage, project, type Box2D } from '../sim/camera';
import type { Vec3 } from '../sim/math';
import { ACTION_DIM, MAX_DPOS, MAX_DROT, PROPRIO_DIM } from '../sim/env';
import { CAMERAS, FUTURE_POINTS, FUTURE_STRIDE, MOVES, OBJECTS, type CameraName, type Move } from '../sim/vocab';
import type { Dtype } from './protocol';

// Collects one episode's per-step observations and labels and lays them out as the arrays of
// docs/dataset.md. No DOM or three.js: it runs in the runner page and in Node tests alike.

export interface RecordedStep {
  /** RGB per camera (H*W*3, row 0 = top); copied by the recorder. */
  images: Record<CameraName, Uint8Array>;
  proprio: Float32Array;
  action: ArrayLike<number>;
  /** TCP position at observation time (world, m). */
  tcp: Vec3;
  /** Camera poses used for this step's pixels: PoseFrame.cameras layout (copied). */
  cameras: Float32Array;
  boxes: Record<CameraName, Box2D[]>;
  goal: number;
  subtask: number;
  move: Move;
}

export interface CameraIntrinsics {
  name: CameraName;
  width: number;
  height: number;
  fovy: number;
}

export interface NamedArray {
  dtype: Dtype;
  shape: number[];
  data: Uint8Array | Int32Array | Float32Array;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The action as the controller executes it (it clamps), so the recorded label is what actually happened. */
export function executedAction(a: ArrayLike<number>): Float32Array {
  const out = new Float32Array(ACTION_DIM);
  for (let i = 0; i < 3; i++) out[i] = clamp(a[i], -MAX_DPOS, MAX_DPOS);
  for (let i = 3; i < 6; i++) out[i] = clamp(a[i], -MAX_DROT, MAX_DROT);
  out[6] = clamp(a[6], -1, 1);
  return out;
}

export class EpisodeRecorder {
  private readonly steps: RecordedStep[] = [];

  constructor(private readonly cams: CameraIntrinsics[]) {
    if (cams.map((c) => c.name).join() !== CAMERAS.join()) throw new Error('recorder cameras must be in CAMERAS order');
  }

  get length(): number {
    return this.steps.length;
  }

  add(s: RecordedStep): void {
    const images = {} as Record<CameraName, Uint8Array>;
    for (const c of CAMERAS) images[c] = s.images[c].slice();
    this.steps.push({ ...s, images, proprio: s.proprio.slice(), action: executedAction(s.action), cameras: s.cameras.slice(), tcp: [...s.tcp] as Vec3 });
  }

  /** Gripper point now and FUTURE_POINTS ahead, from the recorded TCP trajectory, in step t's cameras. */
  private gripperLabels(): { px: Float32Array; vis: Uint8Array } {
    const T = this.steps.length;
    const P = 1 + FUTURE_POINTS;
    const C = CAMERAS.length;
    const px = new Float32Array(T * C * P * 2);
    const vis = new Uint8Array(T * C * P);
    for (let t = 0; t < T; t++) {
      const poses = this.steps[t].cameras;
      for (let c = 0; c < C; c++) {
        const o = 12 * c;
        const cam = { pos: [poses[o], poses[o + 1], poses[o + 2]] as Vec3, mat: poses.subarray(o + 3, o + 12), fovy: this.cams[c].fovy };
        const aspect = this.cams[c].width / this.cams[c].height;
        for (let j = 0; j < P; j++) {
          const k = Math.min(t + j * FUTURE_STRIDE, T - 1);
          const q = project(cam, this.steps[k].tcp, aspect);
          const i = (t * C + c) * P + j;
          px[2 * i] = q.u;
          px[2 * i + 1] = q.v;
          vis[i] = inImage(q) ? 1 : 0;
        }
      }
    }
    return { px, vis };
  }

  /** The arrays of docs/dataset.md, keyed by file stem. */
  finish(): Record<string, NamedArray> {
    const T = this.steps.length;
    const C = CAMERAS.length;
    const O = OBJECTS.length;
    const P = 1 + FUTURE_POINTS;
    const out: Record<string, NamedArray> = {};
    CAMERAS.forEach((name, c) => {
      const { width: w, height: h } = this.cams[c];
      const data = new Uint8Array(T * h * w * 3);
      this.steps.forEach((s, t) => data.set(s.images[name], t * h * w * 3));
      out[name] = { dtype: 'uint8', shape: [T, h, w, 3], data };
    });
    const proprio = new Float32Array(T * PROPRIO_DIM);
    const action = new Float32Array(T * ACTION_DIM);
    const boxes = new Float32Array(T * C * O * 4);
    const boxVis = new Uint8Array(T * C * O);
    const goal = new Int32Array(T);
    const subtask = new Int32Array(T);
    const move = new Int32Array(T);
    this.steps.forEach((s, t) => {
      proprio.set(s.proprio.subarray(0, PROPRIO_DIM), t * PROPRIO_DIM);
      action.set(s.action as Float32Array, t * ACTION_DIM);
      CAMERAS.forEach((name, c) => {
        for (const b of s.boxes[name]) {
          const i = (t * C + c) * O + OBJECTS.indexOf(b.object);
          boxes.set(b.box, 4 * i);
          boxVis[i] = 1;
        }
      });
      goal[t] = s.goal;
      subtask[t] = s.subtask;
      const m = MOVES.indexOf(s.move);
      if (m < 0) throw new Error(`unknown move "${s.move}"`);
      move[t] = m;
    });
    const g = this.gripperLabels();
    out.proprio = { dtype: 'float32', shape: [T, PROPRIO_DIM], data: proprio };
    out.action = { dtype: 'float32', shape: [T, ACTION_DIM], data: action };
    out.gripper_px = { dtype: 'float32', shape: [T, C, P, 2], data: g.px };
    out.gripper_vis = { dtype: 'uint8', shape: [T, C, P], data: g.vis };
    out.boxes = { dtype: 'float32', shape: [T, C, O, 4], data: boxes };
    out.box_vis = { dtype: 'uint8', shape: [T, C, O], data: boxVis };
    out.goal = { dtype: 'int32', shape: [T], data: goal };
    out.subtask = { dtype: 'int32', shape: [T], data: subtask };
    out.move = { dtype: 'int32', shape: [T], data: move };
    return out;
  }
}
