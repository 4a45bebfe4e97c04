import { PHYSICS_DT, type TabletopEnv } from '../sim/env';
import type { Vec3 } from '../sim/math';

// A person's mouse drag as a physical force: a spring-damper from the grab point to the pointer, applied
// as force + torque on the body (xfrc_applied) before every physics step of a control step.

/**
 * Spring-damper of the mouse drag, per unit of the dragged body's mass: 4 Hz, critically damped. Stiff
 * enough that table friction (mu = 1) leaves under 2 cm of lag, soft enough to look like a spring.
 */
const DRAG_OMEGA = 2 * Math.PI * 4;
const DRAG_MAX_ACCEL = 60; // m/s^2: a wild mouse must not fling objects out of the workspace
const DRAG_ROT_DAMPING = 0.02;

/** A mouse drag: the grabbed body, the grab point in its frame, and where the pointer is (world). */
export interface Drag {
  body: number;
  anchor: Vec3;
  target: Vec3;
}

function anchorWorld(env: TabletopEnv, body: number, anchor: Vec3): Vec3 {
  const xp = env.data.xpos as Float64Array;
  const R = env.data.xmat as Float64Array;
  const o = 9 * body;
  return [
    xp[3 * body] + R[o] * anchor[0] + R[o + 1] * anchor[1] + R[o + 2] * anchor[2],
    xp[3 * body + 1] + R[o + 3] * anchor[0] + R[o + 4] * anchor[1] + R[o + 5] * anchor[2],
    xp[3 * body + 2] + R[o + 6] * anchor[0] + R[o + 7] * anchor[1] + R[o + 8] * anchor[2],
  ];
}

/** The force callback for one control step of `drag` (the pointer target is fixed for the whole step). */
export function springForces(drag: Drag): (env: TabletopEnv) => void {
  let prev: Vec3 | null = null;
  return (env) => {
    const b = drag.body;
    const p = anchorWorld(env, b, drag.anchor);
    const dt = PHYSICS_DT;
    // Velocity of the grab point by finite difference: works for free and sliding bodies alike.
    const v: Vec3 = prev ? [(p[0] - prev[0]) / dt, (p[1] - prev[1]) / dt, (p[2] - prev[2]) / dt] : [0, 0, 0];
    prev = p;
    const mass = (env.model.body_subtreemass as Float64Array)[b];
    const k = DRAG_OMEGA * DRAG_OMEGA;
    const c = 2 * DRAG_OMEGA;
    let a: Vec3 = [0, 1, 2].map((i) => k * (drag.target[i] - p[i]) - c * v[i]) as Vec3;
    const an = Math.hypot(a[0], a[1], a[2]);
    if (an > DRAG_MAX_ACCEL) a = a.map((x) => (x * DRAG_MAX_ACCEL) / an) as Vec3;
    const f: Vec3 = [a[0] * mass, a[1] * mass, a[2] * mass];
    const com = env.data.xipos as Float64Array;
    const r: Vec3 = [p[0] - com[3 * b], p[1] - com[3 * b + 1], p[2] - com[3 * b + 2]];
    const xfrc = env.data.xfrc_applied as Float64Array;
    const cvel = env.data.cvel as Float64Array; // [angular(3), linear(3)] in the world-aligned com frame
    const o = 6 * b;
    xfrc[o] = f[0];
    xfrc[o + 1] = f[1];
    xfrc[o + 2] = f[2];
    xfrc[o + 3] = r[1] * f[2] - r[2] * f[1] - DRAG_ROT_DAMPING * mass * cvel[o];
    xfrc[o + 4] = r[2] * f[0] - r[0] * f[2] - DRAG_ROT_DAMPING * mass * cvel[o + 1];
    xfrc[o + 5] = r[0] * f[1] - r[1] * f[0] - DRAG_ROT_DAMPING * mass * cvel[o + 2];
  };
}
