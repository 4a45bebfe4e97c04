import type { Rng } from '../sim/rng';
import { CAMERAS, type CameraName } from '../sim/vocab';

// Domain randomization for the policy cameras. Plain data and math only (no three.js), because the camera
// jitter must also move the labels: the runner jitters the PoseFrame's camera poses once, then renders
// AND projects gripper points / boxes with the jittered poses, so pixels and labels always agree.

export interface CameraJitter {
  /** Offset of the camera position in its own frame (m). */
  pos: [number, number, number];
  /** Rotation vector applied in the camera's own frame (rad). */
  rot: [number, number, number];
}

export interface DomainRandomization {
  /** Multiplies the key light's intensity. */
  keyScale: number;
  /** Key light direction: offsets of azimuth about world z and of elevation (rad). */
  keyAzimuth: number;
  keyElevation: number;
  /** Multiplies the ambient (hemisphere) light. */
  ambientScale: number;
  /** Table top colour, sRGB 0..1. */
  tableColor: [number, number, number];
  cameraJitter: Record<CameraName, CameraJitter>;
}

const BASE_TABLE: [number, number, number] = [0.78, 0.72, 0.63];

/** Ranges are small on purpose: enough to stop a model keying on exact shades and poses, never enough to hide objects. */
export function sampleRandomization(rng: Rng): DomainRandomization {
  const u = (lo: number, hi: number) => rng.uniform(lo, hi);
  const jitter = (posM: number, rotRad: number): CameraJitter => ({
    pos: [u(-posM, posM), u(-posM, posM), u(-posM, posM)],
    rot: [u(-rotRad, rotRad), u(-rotRad, rotRad), u(-rotRad, rotRad)],
  });
  // Table colour: a random brightness and warmth around the default wood tone.
  const bright = u(0.8, 1.12);
  const warm = u(-0.06, 0.06);
  const tableColor = BASE_TABLE.map((c, i) => Math.min(1, Math.max(0, c * bright + (i === 0 ? warm : i === 2 ? -warm : 0)))) as [number, number, number];
  return {
    keyScale: u(0.65, 1.35),
    keyAzimuth: u(-0.6, 0.6),
    keyElevation: u(-0.25, 0.2),
    ambientScale: u(0.7, 1.3),
    tableColor,
    cameraJitter: { front: jitter(0.02, 0.03), wrist: jitter(0.004, 0.02) },
  };
}

/** Rodrigues: row-major rotation matrix of a rotation vector. */
function rotMat(v: readonly number[]): number[] {
  const a = Math.hypot(v[0], v[1], v[2]);
  if (a < 1e-12) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const [x, y, z] = [v[0] / a, v[1] / a, v[2] / a];
  const c = Math.cos(a), s = Math.sin(a), t = 1 - c;
  return [
    t * x * x + c, t * x * y - s * z, t * x * z + s * y,
    t * x * y + s * z, t * y * y + c, t * y * z - s * x,
    t * x * z - s * y, t * y * z + s * x, t * z * z + c,
  ];
}

/**
 * Apply per-camera jitter to a PoseFrame's `cameras` array (CAMERAS order, [x, y, z, 9 row-major
 * rotation entries] each), in place: p' = p + R dp, R' = R Rj.
 */
export function jitterCameras(cameras: Float32Array, jitter: Record<CameraName, CameraJitter>): Float32Array {
  CAMERAS.forEach((name, i) => {
    const j = jitter[name];
    const o = 12 * i;
    const R = Array.from(cameras.subarray(o + 3, o + 12));
    const d = j.pos;
    for (let r = 0; r < 3; r++) cameras[o + r] += R[3 * r] * d[0] + R[3 * r + 1] * d[1] + R[3 * r + 2] * d[2];
    const J = rotMat(j.rot);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        cameras[o + 3 + 3 * r + c] = R[3 * r] * J[c] + R[3 * r + 1] * J[3 + c] + R[3 * r + 2] * J[6 + c];
      }
    }
  });
  return cameras;
}
