import type { TabletopEnv } from './env';
import { OBJECT_EXTENTS } from './scene';
import type { Vec3 } from './math';
import { OBJECTS, type CameraName, type ObjectName } from './vocab';

// Pinhole projection that matches both MuJoCo's camera convention and three.js's PerspectiveCamera:
// the camera looks down its -z axis with +y up, vertical field of view `fovy`, square pixels.

export interface CameraPose {
  pos: Vec3;
  /** Row-major 3x3; columns are the camera's x, y, z axes in world coordinates. */
  mat: ArrayLike<number>;
  fovy: number;
}

/** Normalised image coordinates (u right, v down, 0..1) and depth along the view axis (m). */
export function project(cam: CameraPose, p: Vec3, aspect = 1): { u: number; v: number; depth: number } {
  const d = [p[0] - cam.pos[0], p[1] - cam.pos[1], p[2] - cam.pos[2]];
  const m = cam.mat;
  const xc = m[0] * d[0] + m[3] * d[1] + m[6] * d[2];
  const yc = m[1] * d[0] + m[4] * d[1] + m[7] * d[2];
  const zc = m[2] * d[0] + m[5] * d[1] + m[8] * d[2];
  const depth = -zc;
  const t = Math.tan((cam.fovy * Math.PI) / 360);
  return { u: 0.5 + xc / (depth * t * aspect) / 2, v: 0.5 - yc / (depth * t) / 2, depth };
}

export function inImage(q: { u: number; v: number; depth: number }): boolean {
  return q.depth > 0.01 && q.u >= 0 && q.u <= 1 && q.v >= 0 && q.v <= 1;
}

export interface Box2D {
  object: ObjectName;
  box: [number, number, number, number];
  /** Model confidence that the object is visible (absent for ground truth). */
  score?: number;
}

/**
 * 2D boxes (clipped to the image) of every object whose enclosing box projects into the camera.
 * `cam` overrides the camera pose (domain randomization jitters the cameras; labels must follow).
 */
export function objectBoxes(env: TabletopEnv, camName: CameraName, cam: CameraPose = env.cameraPose(camName)): Box2D[] {
  const out: Box2D[] = [];
  for (const o of OBJECTS) {
    if (env.isParked(o)) continue;
    const ext = OBJECT_EXTENTS[o];
    const body = env.objectBody[o];
    const c = env.bodyPos(body);
    const R = env.objectMat(o);
    let u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
    let behind = false;
    for (let k = 0; k < 8; k++) {
      const l: Vec3 = [
        ext.center[0] + (k & 1 ? 1 : -1) * ext.half[0],
        ext.center[1] + (k & 2 ? 1 : -1) * ext.half[1],
        ext.center[2] + (k & 4 ? 1 : -1) * ext.half[2],
      ];
      const w: Vec3 = [
        c[0] + R[0] * l[0] + R[1] * l[1] + R[2] * l[2],
        c[1] + R[3] * l[0] + R[4] * l[1] + R[5] * l[2],
        c[2] + R[6] * l[0] + R[7] * l[1] + R[8] * l[2],
      ];
      const q = project(cam, w);
      if (q.depth < 0.01) behind = true;
      u0 = Math.min(u0, q.u); v0 = Math.min(v0, q.v); u1 = Math.max(u1, q.u); v1 = Math.max(v1, q.v);
    }
    if (behind) continue;
    const b: [number, number, number, number] = [Math.max(0, u0), Math.max(0, v0), Math.min(1, u1), Math.min(1, v1)];
    if (b[2] - b[0] < 0.01 || b[3] - b[1] < 0.01) continue;
    out.push({ object: o, box: b });
  }
  return out;
}
