import type { TabletopEnv } from './env';
import { MAX_DPOS, MAX_DROT } from './env';
import { BUTTON, CABINET, CUBE_HALF, DRAWER, PLATE, BOWL } from './scene';
import { clamp, wrapAngle, yawOfMat, type Vec3 } from './math';
import type { Subtask } from './tasks';
import { CUBES, OBJECTS, type Move, type ObjectName } from './vocab';

// The scripted expert: a waypoint state machine per subtask, driven by privileged sim state. It is the
// oracle the app compares the model with and the teacher whose demonstrations the model learns from.

/** What the expert reads from the world. A plain value so the expert can also roll itself out ahead. */
export interface WorldView {
  tcp: Vec3;
  yaw: number;
  width: number;
  objects: Record<ObjectName, { pos: Vec3; yaw: number }>;
  drawer: number;
  button: number;
}

export function viewOf(env: TabletopEnv): WorldView {
  const objects = {} as WorldView['objects'];
  for (const o of OBJECTS) objects[o] = { pos: env.objectPos(o), yaw: yawOfMat(env.objectMat(o)) };
  return { tcp: env.tcpPos(), yaw: env.tcpYaw(), width: env.gripperWidth(), objects, drawer: env.drawerPos(), button: env.buttonPos() };
}

export interface ExpertState {
  subtask: number;
  phase: number;
  counter: number;
  attempts: number;
  grip: number;
}

interface Phase {
  name: string;
  pos: Vec3;
  yaw: number;
  grip: number;
  /** Phase ends when the tcp is this close to `pos` (m)... */
  tol?: number;
  /** ...or after exactly this many steps (gripper actions)... */
  hold?: number;
  /** ...or when this holds. */
  until?: boolean;
  maxSteps: number;
}

const LIFT_Z = 0.17;
const APPROACH_DZ = 0.1;

/** Yaw among theta + k*pi/2 nearest to zero: the gripper is symmetric and the wrist has limits. */
function cubeGraspYaw(theta: number): number {
  const q = Math.PI / 2;
  return wrapAngle(theta - q * Math.round(theta / q));
}
/** Half the hand's length along the fingers' travel (hand_body half-size 0.095) plus clearance. */
const HAND_HALF_LENGTH = 0.105;
const HAND_HALF_WIDTH = 0.024;
/**
 * How far (m) the hand, centred over (x, y) at `yaw`, stays from the cabinet and its drawer, which stand
 * taller than a grasp; negative when it would overlap them. At yaw psi the hand's long axis is
 * (sin psi, -cos psi).
 */
function cabinetClearance(x: number, y: number, yaw: number, drawer: number): number {
  const x0 = CABINET.pos[0] + DRAWER.handleX - 0.008 + drawer; // the handle's front, moving with the drawer
  const x1 = CABINET.pos[0] + CABINET.halfDepth;
  const y0 = CABINET.pos[1] - CABINET.halfWidth;
  const y1 = CABINET.pos[1] + CABINET.halfWidth;
  let worst = Infinity;
  for (let t = -1; t <= 1; t += 0.25) {
    const px = x + t * HAND_HALF_LENGTH * Math.sin(yaw);
    const py = y - t * HAND_HALF_LENGTH * Math.cos(yaw);
    const dx = Math.max(x0 - px, px - x1);
    const dy = Math.max(y0 - py, py - y1);
    const d = dx > 0 || dy > 0 ? Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) : Math.max(dx, dy);
    worst = Math.min(worst, d - HAND_HALF_WIDTH);
  }
  return worst;
}
/**
 * Of a cube's grasp yaws (it is symmetric every 90 degrees), the first of `options` whose hand clears the
 * cabinet by 1 cm, else the one that clears it most.
 */
function clearOf(options: number[], at: Vec3, drawer: number): number {
  const scored = options.map((yaw) => ({ yaw, c: cabinetClearance(at[0], at[1], yaw, drawer) }));
  return (scored.find((o) => o.c > 0.01) ?? scored.reduce((a, b) => (b.c > a.c ? b : a))).yaw;
}
function nearestOf(yaw: number, options: number[]): number {
  return options.reduce((best, o) => (Math.abs(wrapAngle(o - yaw)) < Math.abs(wrapAngle(best - yaw)) ? o : best));
}
export function handlePos(drawer: number): Vec3 {
  return [CABINET.pos[0] + DRAWER.handleX + drawer, CABINET.pos[1], DRAWER.handleZ];
}

/** Where to set a cube down in a bowl or on a plate: the spot farthest from cubes already there. */
function freeSpot(v: WorldView, receptacle: ObjectName, held: ObjectName | undefined): Vec3 {
  const c = v.objects[receptacle].pos;
  const others = CUBES.filter((k) => k !== held).map((k) => v.objects[k].pos).filter((q) => Math.hypot(q[0] - c[0], q[1] - c[1]) < 0.09);
  if (others.length === 0) return c;
  let best = c;
  let bestD = -1;
  for (let i = 0; i <= 8; i++) {
    const a = (i * Math.PI) / 4;
    const q: Vec3 = i === 8 ? c : [c[0] + 0.03 * Math.cos(a), c[1] + 0.03 * Math.sin(a), c[2]];
    const d = Math.min(...others.map((o) => Math.hypot(o[0] - q[0], o[1] - q[1])));
    if (d > bestD + 1e-9) [best, bestD] = [q, d];
  }
  return best;
}

function phasesFor(sub: Subtask, v: WorldView, grip: number, held?: ObjectName): Phase[] {
  const o = v.objects[sub.object];
  const p = sub.verb === 'place_in' || sub.verb === 'place_on' ? freeSpot(v, sub.object, held) : o.pos;
  const above = (q: Vec3, dz = APPROACH_DZ): Vec3 => [q[0], q[1], q[2] + dz];
  const heldYaw = v.yaw;
  switch (sub.verb) {
    case 'pick': {
      // Grasp across the cube's faces, nearest yaw zero; turn the hand 90 degrees when its length would
      // otherwise reach over the cabinet or an open drawer beside the cube.
      const g = cubeGraspYaw(o.yaw);
      const yaw = clearOf([g, wrapAngle(g - Math.sign(g || 1) * (Math.PI / 2))], p, v.drawer);
      const grasp: Vec3 = [p[0], p[1], Math.max(p[2] - 0.008, 0.012)];
      return [
        { name: 'approach', pos: above(grasp, 0.12), yaw, grip: -1, tol: 0.012, maxSteps: 60 },
        { name: 'descend', pos: grasp, yaw, grip: -1, tol: 0.005, maxSteps: 30 },
        { name: 'grasp', pos: grasp, yaw, grip: 1, hold: 4, maxSteps: 4 },
        { name: 'lift', pos: [grasp[0], grasp[1], LIFT_Z], yaw, grip: 1, tol: 0.02, maxSteps: 30 },
      ];
    }
    case 'place_in':
    case 'place_on':
    case 'stack_on': {
      const dropZ =
        sub.verb === 'place_in' ? p[2] + BOWL.height + 0.045
          : sub.verb === 'place_on' ? p[2] + PLATE.halfHeight + CUBE_HALF + 0.002
            : p[2] + 2 * CUBE_HALF - 0.004;
      const stackYaws = [-1, 0, 1, 2].map((k) => cubeGraspYaw(o.yaw) + (k * Math.PI) / 2);
      const byNearness = stackYaws.slice().sort((a, b) => Math.abs(wrapAngle(a - heldYaw)) - Math.abs(wrapAngle(b - heldYaw)));
      const yaw = sub.verb === 'stack_on' ? clearOf([nearestOf(heldYaw, stackYaws), ...byNearness], p, v.drawer) : heldYaw;
      const tol = sub.verb === 'stack_on' ? 0.004 : 0.008;
      return [
        { name: 'carry', pos: [p[0], p[1], LIFT_Z], yaw, grip, tol: 0.012, maxSteps: 70 },
        { name: 'lower', pos: [p[0], p[1], dropZ], yaw, grip, tol, maxSteps: 40 },
        { name: 'release', pos: [p[0], p[1], dropZ], yaw, grip: -1, hold: 3, maxSteps: 3 },
        { name: 'retreat', pos: [p[0], p[1], LIFT_Z + 0.02], yaw, grip: -1, tol: 0.02, maxSteps: 30 },
      ];
    }
    case 'open': {
      const h = handlePos(v.drawer);
      const yaw = nearestOf(v.yaw, [Math.PI / 2, -Math.PI / 2]);
      const closedX = handlePos(0)[0];
      return [
        { name: 'approach', pos: above(h), yaw, grip: -1, tol: 0.01, maxSteps: 60 },
        { name: 'descend', pos: h, yaw, grip: -1, tol: 0.005, maxSteps: 30 },
        { name: 'grasp', pos: h, yaw, grip: 1, hold: 4, maxSteps: 4 },
        { name: 'pull', pos: [closedX - DRAWER.travel - 0.005, h[1], h[2]], yaw, grip: 1, tol: 0.008, until: v.drawer < -DRAWER.travel + 0.008, maxSteps: 40 },
        { name: 'release', pos: [h[0], h[1], h[2]], yaw, grip: -1, hold: 3, maxSteps: 3 },
        { name: 'retreat', pos: above(h), yaw, grip: -1, tol: 0.02, maxSteps: 30 },
      ];
    }
    case 'close': {
      const h = handlePos(v.drawer);
      const yaw = nearestOf(v.yaw, [Math.PI / 2, -Math.PI / 2]);
      const closedX = handlePos(0)[0];
      const start: Vec3 = [h[0] - 0.045, h[1], h[2]];
      return [
        { name: 'approach', pos: above(start), yaw, grip: 1, tol: 0.01, maxSteps: 60 },
        { name: 'descend', pos: start, yaw, grip: 1, tol: 0.006, maxSteps: 30 },
        { name: 'push', pos: [closedX - 0.02, h[1], h[2]], yaw, grip: 1, tol: 0.006, until: v.drawer > -0.004, maxSteps: 40 },
        { name: 'retreat', pos: [closedX - 0.05, h[1], h[2] + APPROACH_DZ], yaw, grip: 1, tol: 0.02, maxSteps: 30 },
      ];
    }
    case 'press': {
      const b: Vec3 = [BUTTON.pos[0], BUTTON.pos[1], 0];
      const yaw = cubeGraspYaw(v.yaw);
      return [
        { name: 'approach', pos: [b[0], b[1], 0.14], yaw, grip: 1, tol: 0.01, maxSteps: 60 },
        { name: 'press', pos: [b[0], b[1], 0.028], yaw, grip: 1, tol: 0.004, until: v.button < -0.011, maxSteps: 30 },
        { name: 'hold', pos: [b[0], b[1], 0.028], yaw, grip: 1, hold: 2, maxSteps: 2 },
        { name: 'retreat', pos: [b[0], b[1], 0.16], yaw, grip: 1, tol: 0.02, maxSteps: 30 },
      ];
    }
  }
}

export interface ExpertStep {
  action: number[];
  state: ExpertState;
  phase: string;
  done: boolean;
}

export const initialExpertState = (): ExpertState => ({ subtask: 0, phase: 0, counter: 0, attempts: 0, grip: -1 });

/**
 * One decision. Pure: the same view and state give the same action, which lets the expert roll itself
 * forward on an idealised world to show its plan before it executes.
 * `verify` re-checks grasps against the real object positions (off in idealised roll-outs).
 */
export function expertDecide(plan: Subtask[], view: WorldView, s0: ExpertState, verify = true): ExpertStep {
  const s = { ...s0 };
  for (let guard = 0; guard < 8; guard++) {
    if (s.subtask >= plan.length) {
      return { action: [0, 0, 0, 0, 0, 0, s.grip], state: s, phase: 'done', done: true };
    }
    const sub = plan[s.subtask];
    // A transport subtask whose object slipped out of the gripper goes back to picking it up.
    if (verify && (sub.verb === 'place_in' || sub.verb === 'place_on' || sub.verb === 'stack_on') && s.phase < 2) {
      const pick = plan[s.subtask - 1];
      if (pick?.verb === 'pick') {
        const held = view.objects[pick.object].pos;
        const d = Math.hypot(held[0] - view.tcp[0], held[1] - view.tcp[1], held[2] - view.tcp[2]);
        if (d > 0.05) {
          Object.assign(s, { subtask: s.subtask - 1, phase: 0, counter: 0, attempts: s.attempts + 1 });
          continue;
        }
      }
    }
    const prev = plan[s.subtask - 1];
    const phases = phasesFor(sub, view, s.grip, prev?.verb === 'pick' ? prev.object : undefined);
    const ph = phases[Math.min(s.phase, phases.length - 1)];
    const err = Math.hypot(ph.pos[0] - view.tcp[0], ph.pos[1] - view.tcp[1], ph.pos[2] - view.tcp[2]);
    const yawErr = Math.abs(wrapAngle(ph.yaw - view.yaw));
    const reached =
      ph.hold !== undefined ? s.counter >= ph.hold
        : ph.until === true || (err < (ph.tol ?? 0.01) && yawErr < 0.06) || s.counter >= ph.maxSteps;
    if (reached) {
      s.phase += 1;
      s.counter = 0;
      if (verify && sub.verb === 'pick' && ph.name === 'lift') {
        const o = view.objects[sub.object].pos;
        if (o[2] < 0.06 && s.attempts < 4) {
          Object.assign(s, { phase: 0, attempts: s.attempts + 1 });
          continue;
        }
      }
      if (s.phase >= phases.length) {
        s.subtask += 1;
        s.phase = 0;
      }
      continue;
    }
    const d: number[] = [ph.pos[0] - view.tcp[0], ph.pos[1] - view.tcp[1], ph.pos[2] - view.tcp[2]];
    const m = Math.max(...d.map(Math.abs));
    const k = m > MAX_DPOS ? MAX_DPOS / m : 1;
    const drz = clamp(wrapAngle(ph.yaw - view.yaw), -MAX_DROT, MAX_DROT);
    s.counter += 1;
    s.grip = ph.grip;
    return { action: [d[0] * k, d[1] * k, d[2] * k, 0, 0, drz, ph.grip], state: s, phase: ph.name, done: false };
  }
  return { action: [0, 0, 0, 0, 0, 0, s.grip], state: s, phase: 'stuck', done: false };
}

/**
 * Roll the expert forward `horizon` steps on an idealised world where the gripper moves exactly as
 * commanded and a grasped object moves with it. Gives the expert's action chunk and planned path.
 */
export function expertRollout(plan: Subtask[], view: WorldView, s0: ExpertState, horizon: number): { actions: number[][]; path: Vec3[] } {
  const v: WorldView = structuredClone(view);
  let s = { ...s0 };
  const actions: number[][] = [];
  const path: Vec3[] = [];
  let held: ObjectName | null = null;
  for (const o of OBJECTS) {
    const p = v.objects[o].pos;
    if (s.grip > 0 && Math.hypot(p[0] - v.tcp[0], p[1] - v.tcp[1], p[2] - v.tcp[2]) < 0.03) held = o;
  }
  for (let k = 0; k < horizon; k++) {
    const r = expertDecide(plan, v, s, false);
    s = r.state;
    actions.push(r.action);
    const before = v.tcp;
    v.tcp = [before[0] + r.action[0], before[1] + r.action[1], before[2] + r.action[2]];
    v.yaw = wrapAngle(v.yaw + r.action[5]);
    if (held) {
      const p = v.objects[held].pos;
      v.objects[held].pos = [p[0] + r.action[0], p[1] + r.action[1], p[2] + r.action[2]];
    }
    if (r.action[6] < 0) held = null;
    const sub = plan[s.subtask];
    if (r.action[6] > 0 && !held && sub?.verb === 'pick') held = sub.object;
    if (sub?.verb === 'press' && v.tcp[2] < 0.045) v.button = -0.012;
    if (sub?.verb === 'open' && r.action[6] > 0) v.drawer = clamp(v.drawer + r.action[0], -DRAWER.travel, 0);
    if (sub?.verb === 'close') v.drawer = clamp(v.drawer + Math.max(0, r.action[0]), -DRAWER.travel, 0);
    path.push(v.tcp);
  }
  return { actions, path };
}

/** The MOVE primitive that describes an action, given the gripper command before it. */
export function moveOf(action: ArrayLike<number>, prevGrip: number): Move {
  if (action[6] > 0 && prevGrip <= 0) return 'close gripper';
  if (action[6] <= 0 && prevGrip > 0) return 'open gripper';
  const [dx, dy, dz] = [action[0], action[1], action[2]];
  const m = Math.max(Math.abs(dx), Math.abs(dy), Math.abs(dz));
  if (m < 0.002) return Math.abs(action[5]) > 0.02 ? 'rotate' : 'stop';
  if (m === Math.abs(dz)) return dz > 0 ? 'move up' : 'move down';
  if (m === Math.abs(dx)) return dx > 0 ? 'move forward' : 'move backward';
  return dy > 0 ? 'move right' : 'move left';
}
