import type { MainModule, MjData, MjModel } from './mujoco';
import { getMujoco } from './mujoco';
import { actionFault, ACTION_DIM } from './actionGuard';
import { buildSceneXml, CAMERA_SPECS, GRIPPER_OPEN, HOME_QPOS, JOINT_RANGES } from './scene';
import { choleskyFactor, choleskySubstitute } from './linalg';
import {
  clamp, quatFromMat, quatFromRotVec, quatMul, quatConj, quatNormalize, rotVecFromQuat, yawOfMat,
  type Quat, type Vec3,
} from './math';
import { OBJECTS, type ObjectName, type CameraName } from './vocab';

// Longer than ~400 lines on purpose: every call into MuJoCo's WASM memory (views, snapshots, the
// controller's Jacobians) stays in this one class, which owns and disposes all of it.

export const PHYSICS_DT = 0.002;
export const CONTROL_HZ = 10;
export const SUBSTEPS = Math.round(1 / (CONTROL_HZ * PHYSICS_DT));
export const MAX_DPOS = 0.02;
export const MAX_DROT = 0.15;
export { ACTION_DIM };
export const PROPRIO_DIM = 13;

/** The commanded pose may run at most this far ahead of the measured one, so a blocked arm cannot wind up. */
const LEASH = 0.02;
const TCP_BOUNDS = { xMin: 0.1, xMax: 0.9, yMin: -0.5, yMax: 0.5, zMin: 0.012, zMax: 0.6 };
const IK_ITERS = 8;
const IK_DAMPING = 0.03;
const POSTURE_GAIN = 0.15;
const ARM = ['joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6', 'joint7'];
const FREE_OBJECTS: ObjectName[] = ['red_cube', 'green_cube', 'blue_cube', 'yellow_cube', 'blue_bowl', 'plate'];
// MuJoCo mjtWarning entries that mean the simulation can no longer be trusted.
const FATAL_WARNINGS: Record<number, string> = {
  1: 'contact buffer full',
  2: 'constraint buffer full',
  4: 'bad qpos (NaN or Inf)',
  5: 'bad qvel (NaN or Inf)',
  6: 'bad qacc: simulation unstable',
  7: 'bad ctrl (NaN or Inf)',
};

export interface ObjectPlacement {
  pos: Vec3;
  yaw: number;
}
/** Everything that defines an initial state; produced by task samplers from a seed. */
export interface InitialState {
  objects: Partial<Record<ObjectName, ObjectPlacement>>;
  drawer: number; // slide position, 0 = closed, -0.12 = fully open
  armQpos?: number[];
}

/** Complete dynamic state, enough to continue bit for bit after `restore`. */
export interface SimSnapshot {
  time: number;
  qpos: Float64Array;
  qvel: Float64Array;
  ctrl: Float64Array;
  warmstart: Float64Array;
  applied: Float64Array;
  targetPos: Vec3;
  targetQuat: Quat;
  ctrlFrom: Float64Array;
}

export interface StepResult {
  /** Non-null when physics went wrong; the episode must end as a failure with this reason. */
  fault: string | null;
}

/**
 * The tabletop simulation: MuJoCo model + data, the arm's Cartesian controller, and accessors for the
 * quantities tasks, experts, policies and the renderer need. Runs unchanged in Node and in a web worker.
 */
export class TabletopEnv {
  readonly mj: MainModule;
  readonly model: MjModel;
  readonly data: MjData;
  private readonly ik: MjData;
  readonly xml: string;

  readonly armQposAdr: number[];
  readonly armDofAdr: number[];
  readonly fingerQposAdr: [number, number];
  readonly drawerQposAdr: number;
  readonly buttonQposAdr: number;
  readonly objectBody: Record<ObjectName, number>;
  readonly freeQposAdr: Partial<Record<ObjectName, number>> = {};
  readonly tcpSite: number;
  readonly cameraId: Record<CameraName, number>;
  readonly fingerGeoms: Set<number>;

  private targetPos: Vec3 = [0, 0, 0];
  private targetQuat: Quat = [1, 0, 0, 0];
  private ctrlFrom = new Float64Array(9);
  private ctrlTo = new Float64Array(9);
  private readonly jacp: ReturnType<MainModule['DoubleBuffer']['FromArray']>;
  private readonly jacr: ReturnType<MainModule['DoubleBuffer']['FromArray']>;
  private warningBase: Int32Array = new Int32Array(8);

  private constructor(mj: MainModule, xml: string) {
    this.mj = mj;
    this.xml = xml;
    const path = `/vla_tabletop_${Math.random().toString(36).slice(2)}.xml`;
    mj.FS.writeFile(path, xml);
    try {
      this.model = mj.MjModel.mj_loadXML(path);
    } finally {
      mj.FS.unlink(path);
    }
    this.data = new mj.MjData(this.model);
    this.ik = new mj.MjData(this.model);
    const m = this.model;
    const id = (type: number, name: string) => {
      const i = mj.mj_name2id(m, type, name);
      if (i < 0) throw new Error(`scene has no ${name}`);
      return i;
    };
    const OBJ_JOINT = mj.mjtObj.mjOBJ_JOINT.value;
    const OBJ_BODY = mj.mjtObj.mjOBJ_BODY.value;
    const jntQpos = m.jnt_qposadr as Int32Array;
    const jntDof = m.jnt_dofadr as Int32Array;
    this.armQposAdr = ARM.map((j) => jntQpos[id(OBJ_JOINT, j)]);
    this.armDofAdr = ARM.map((j) => jntDof[id(OBJ_JOINT, j)]);
    this.fingerQposAdr = [jntQpos[id(OBJ_JOINT, 'left_finger_joint')], jntQpos[id(OBJ_JOINT, 'right_finger_joint')]];
    this.drawerQposAdr = jntQpos[id(OBJ_JOINT, 'drawer_slide')];
    this.buttonQposAdr = jntQpos[id(OBJ_JOINT, 'button_press')];
    this.objectBody = Object.fromEntries(
      OBJECTS.map((o) => [o, id(OBJ_BODY, o === 'button' ? 'button_base' : o)]),
    ) as Record<ObjectName, number>;
    for (const o of FREE_OBJECTS) this.freeQposAdr[o] = jntQpos[id(OBJ_JOINT, `${o}_free`)];
    this.tcpSite = id(mj.mjtObj.mjOBJ_SITE.value, 'tcp');
    this.cameraId = {
      front: id(mj.mjtObj.mjOBJ_CAMERA.value, 'front'),
      wrist: id(mj.mjtObj.mjOBJ_CAMERA.value, 'wrist'),
    };
    const geomBody = m.geom_bodyid as Int32Array;
    const fingerBodies = new Set([id(OBJ_BODY, 'left_finger'), id(OBJ_BODY, 'right_finger')]);
    this.fingerGeoms = new Set();
    for (let g = 0; g < m.ngeom; g++) if (fingerBodies.has(geomBody[g])) this.fingerGeoms.add(g);
    this.jacp = mj.DoubleBuffer.FromArray(new Array(3 * m.nv).fill(0));
    this.jacr = mj.DoubleBuffer.FromArray(new Array(3 * m.nv).fill(0));
  }

  static async create(xml = buildSceneXml()): Promise<TabletopEnv> {
    return new TabletopEnv(await getMujoco(), xml);
  }

  dispose(): void {
    this.jacp.delete();
    this.jacr.delete();
    this.ik.delete();
    this.data.delete();
    this.model.delete();
  }

  // ---------------------------------------------------------------- state
  reset(init: InitialState): void {
    const { mj, model: m, data: d } = this;
    mj.mj_resetData(m, d);
    const qpos = d.qpos as Float64Array;
    const arm = init.armQpos ?? HOME_QPOS;
    this.armQposAdr.forEach((a, i) => (qpos[a] = arm[i]));
    qpos[this.fingerQposAdr[0]] = GRIPPER_OPEN;
    qpos[this.fingerQposAdr[1]] = GRIPPER_OPEN;
    qpos[this.drawerQposAdr] = init.drawer;
    for (const o of FREE_OBJECTS) {
      const a = this.freeQposAdr[o]!;
      const p = init.objects[o];
      // Objects a task does not use are parked under the table, out of every camera's view.
      const pos = p?.pos ?? [-2 - FREE_OBJECTS.indexOf(o) * 0.2, 2, -0.6];
      const yaw = p?.yaw ?? 0;
      qpos.set([pos[0], pos[1], pos[2], Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)], a);
    }
    mj.mj_forward(m, d);
    const ctrl = d.ctrl as Float64Array;
    this.armQposAdr.forEach((a, i) => (ctrl[i] = qpos[a]));
    ctrl[7] = GRIPPER_OPEN;
    ctrl[8] = GRIPPER_OPEN;
    this.ctrlFrom.set(ctrl.subarray(0, 9));
    this.ctrlTo.set(ctrl.subarray(0, 9));
    this.targetPos = this.tcpPos();
    this.targetQuat = this.tcpQuat();
    this.warningBase = this.warningCounts();
  }

  snapshot(): SimSnapshot {
    const d = this.data;
    return {
      time: d.time,
      qpos: (d.qpos as Float64Array).slice(),
      qvel: (d.qvel as Float64Array).slice(),
      ctrl: (d.ctrl as Float64Array).slice(),
      warmstart: (d.qacc_warmstart as Float64Array).slice(),
      applied: (d.qfrc_applied as Float64Array).slice(),
      targetPos: [...this.targetPos] as Vec3,
      targetQuat: [...this.targetQuat] as Quat,
      ctrlFrom: this.ctrlTo.slice(),
    };
  }

  restore(s: SimSnapshot): void {
    const d = this.data;
    d.time = s.time;
    (d.qpos as Float64Array).set(s.qpos);
    (d.qvel as Float64Array).set(s.qvel);
    (d.ctrl as Float64Array).set(s.ctrl);
    (d.qacc_warmstart as Float64Array).set(s.warmstart);
    (d.qfrc_applied as Float64Array).set(s.applied);
    this.targetPos = [...s.targetPos] as Vec3;
    this.targetQuat = [...s.targetQuat] as Quat;
    this.ctrlFrom.set(s.ctrlFrom);
    this.ctrlTo.set(s.ctrlFrom);
    this.mj.mj_forward(this.model, d);
    this.warningBase = this.warningCounts();
  }

  // ---------------------------------------------------------------- control
  /**
   * One control step: integrate the action into the commanded end-effector pose, solve IK for joint
   * targets, then run SUBSTEPS physics steps while the servo targets ramp to them.
   * `applyForces` runs before every physics step (mouse drags, perturbation pushes).
   */
  step(action: ArrayLike<number>, applyForces?: (env: TabletopEnv) => void): StepResult {
    const fault = actionFault(action);
    if (fault) return { fault };
    const dp: Vec3 = [0, 1, 2].map((i) => clamp(action[i], -MAX_DPOS, MAX_DPOS)) as Vec3;
    const dr: Vec3 = [3, 4, 5].map((i) => clamp(action[i], -MAX_DROT, MAX_DROT)) as Vec3;
    const grip = clamp(action[6], -1, 1);
    this.setTarget(dp, dr);
    const qTarget = this.solveIk();
    const fingers = (GRIPPER_OPEN * (1 - grip)) / 2;

    const { mj, model: m, data: d } = this;
    const ctrl = d.ctrl as Float64Array;
    this.ctrlFrom.set(this.ctrlTo);
    this.ctrlTo.set(qTarget);
    this.ctrlTo[7] = fingers;
    this.ctrlTo[8] = fingers;
    const applied = d.qfrc_applied as Float64Array;
    const bias = d.qfrc_bias as Float64Array;
    // Ramp the servo targets over the first 60% of the control period: smooth torques, still settled
    // before the next command.
    const ramp = Math.floor(SUBSTEPS * 0.6);
    for (let s = 0; s < SUBSTEPS; s++) {
      const a = Math.min(1, (s + 1) / ramp);
      for (let i = 0; i < 9; i++) ctrl[i] = this.ctrlFrom[i] + a * (this.ctrlTo[i] - this.ctrlFrom[i]);
      // Gravity and Coriolis compensation for the arm, as a real torque-controlled arm does.
      for (const dof of this.armDofAdr) applied[dof] = bias[dof];
      if (applyForces) applyForces(this);
      mj.mj_step(m, d);
    }
    // mj_step leaves positions, contacts and sensors as they were before its last integration; bring them
    // up to date so readouts match the state, and so a restored snapshot (which runs mj_forward) continues
    // bit for bit. It does not change the dynamics: the next mj_step recomputes all of it from the state.
    mj.mj_forward(m, d);
    return { fault: this.checkHealth() };
  }

  private setTarget(dp: Vec3, dr: Vec3): void {
    const tcp = this.tcpPos();
    const b = TCP_BOUNDS;
    const p: Vec3 = [this.targetPos[0] + dp[0], this.targetPos[1] + dp[1], this.targetPos[2] + dp[2]];
    for (let i = 0; i < 3; i++) p[i] = clamp(p[i], tcp[i] - LEASH, tcp[i] + LEASH);
    this.targetPos = [clamp(p[0], b.xMin, b.xMax), clamp(p[1], b.yMin, b.yMax), clamp(p[2], b.zMin, b.zMax)];
    this.targetQuat = quatNormalize(quatMul(quatFromRotVec(dr), this.targetQuat));
  }

  /** Damped least squares on MuJoCo's site Jacobian, with a null-space pull towards the home posture. */
  private solveIk(): Float64Array {
    const { mj, model: m, ik } = this;
    const nv = m.nv;
    const q = ik.qpos as Float64Array;
    q.set(this.data.qpos as Float64Array);
    const out = new Float64Array(9);
    const jacpV = this.jacp.GetView() as Float64Array;
    const jacrV = this.jacr.GetView() as Float64Array;
    const J = new Float64Array(6 * 7);
    const A = new Float64Array(36);
    const e = new Float64Array(6);
    const dq = new Float64Array(7);
    const z = new Float64Array(7);
    const Jz = new Float64Array(6);
    for (let it = 0; it < IK_ITERS; it++) {
      mj.mj_kinematics(m, ik);
      mj.mj_comPos(m, ik);
      const sp = ik.site_xpos as Float64Array;
      const o = 3 * this.tcpSite;
      const pos: Vec3 = [sp[o], sp[o + 1], sp[o + 2]];
      const quat = quatFromMat(ik.site_xmat as Float64Array, 9 * this.tcpSite);
      const rerr = rotVecFromQuat(quatMul(this.targetQuat, quatConj(quat)));
      for (let i = 0; i < 3; i++) {
        e[i] = this.targetPos[i] - pos[i];
        e[3 + i] = rerr[i];
      }
      if (Math.hypot(e[0], e[1], e[2]) < 2e-5 && Math.hypot(e[3], e[4], e[5]) < 2e-4) break;
      mj.mj_jacSite(m, ik, this.jacp, this.jacr, this.tcpSite);
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 7; c++) {
          J[r * 7 + c] = jacpV[r * nv + this.armDofAdr[c]];
          J[(r + 3) * 7 + c] = jacrV[r * nv + this.armDofAdr[c]];
        }
      }
      // A = J J^T + lambda^2 I, factored once for both solves below.
      for (let r = 0; r < 6; r++) {
        for (let c = 0; c < 6; c++) {
          let s = 0;
          for (let k = 0; k < 7; k++) s += J[r * 7 + k] * J[c * 7 + k];
          A[r * 6 + c] = s + (r === c ? IK_DAMPING * IK_DAMPING : 0);
        }
      }
      choleskyFactor(A, 6);
      // dq = J^T A^-1 e (e is not needed after this, so it holds y = A^-1 e).
      choleskySubstitute(A, e, 6);
      for (let c = 0; c < 7; c++) {
        let s = 0;
        for (let r = 0; r < 6; r++) s += J[r * 7 + c] * e[r];
        dq[c] = s;
      }
      // Posture term projected into the null space: dq += (I - J^T A^-1 J) z.
      for (let c = 0; c < 7; c++) z[c] = POSTURE_GAIN * (HOME_QPOS[c] - q[this.armQposAdr[c]]);
      z[6] = 0; // the wrist roll is set by the yaw target, not the posture
      for (let r = 0; r < 6; r++) {
        let s = 0;
        for (let k = 0; k < 7; k++) s += J[r * 7 + k] * z[k];
        Jz[r] = s;
      }
      choleskySubstitute(A, Jz, 6);
      for (let c = 0; c < 7; c++) {
        let s = 0;
        for (let r = 0; r < 6; r++) s += J[r * 7 + c] * Jz[r];
        dq[c] += z[c] - s;
      }
      for (let c = 0; c < 7; c++) {
        const a = this.armQposAdr[c];
        const [lo, hi] = JOINT_RANGES[c];
        q[a] = clamp(q[a] + dq[c], lo + 0.01, hi - 0.01);
      }
    }
    for (let c = 0; c < 7; c++) out[c] = q[this.armQposAdr[c]];
    return out;
  }

  // ---------------------------------------------------------------- health
  private warningCounts(): Int32Array {
    // `data.warning` is a view owned by MjData (deleting it aborts); its elements are copies.
    const w = this.data.warning;
    const out = new Int32Array(8);
    for (let i = 0; i < 8; i++) {
      const e = w.get(i);
      out[i] = e?.number ?? 0;
      e?.delete();
    }
    return out;
  }

  private checkHealth(): string | null {
    const counts = this.warningCounts();
    for (const [i, msg] of Object.entries(FATAL_WARNINGS)) {
      if (counts[+i] > this.warningBase[+i]) return `physics: ${msg}`;
    }
    const qpos = this.data.qpos as Float64Array;
    for (let i = 0; i < qpos.length; i++) if (!Number.isFinite(qpos[i])) return 'physics: state is NaN';
    for (const o of FREE_OBJECTS) {
      const a = this.freeQposAdr[o]!;
      if (qpos[a] < -1.9) continue; // parked
      if (Math.abs(qpos[a]) > 1.5 || Math.abs(qpos[a + 1]) > 1.5 || qpos[a + 2] < -0.3 || qpos[a + 2] > 2) {
        return `physics: ${o.replace('_', ' ')} left the workspace`;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- readouts
  tcpPos(): Vec3 {
    const p = this.data.site_xpos as Float64Array;
    const o = 3 * this.tcpSite;
    return [p[o], p[o + 1], p[o + 2]];
  }
  tcpQuat(): Quat {
    return quatFromMat(this.data.site_xmat as Float64Array, 9 * this.tcpSite);
  }
  tcpYaw(): number {
    return yawOfMat(this.data.site_xmat as Float64Array, 9 * this.tcpSite);
  }
  /** The commanded (not measured) end-effector pose. */
  target(): { pos: Vec3; quat: Quat } {
    return { pos: [...this.targetPos] as Vec3, quat: [...this.targetQuat] as Quat };
  }
  gripperWidth(): number {
    const q = this.data.qpos as Float64Array;
    return q[this.fingerQposAdr[0]] + q[this.fingerQposAdr[1]];
  }
  armQpos(): number[] {
    const q = this.data.qpos as Float64Array;
    return this.armQposAdr.map((a) => q[a]);
  }
  drawerPos(): number {
    return (this.data.qpos as Float64Array)[this.drawerQposAdr];
  }
  buttonPos(): number {
    return (this.data.qpos as Float64Array)[this.buttonQposAdr];
  }
  bodyPos(body: number): Vec3 {
    const p = this.data.xpos as Float64Array;
    return [p[3 * body], p[3 * body + 1], p[3 * body + 2]];
  }
  objectPos(o: ObjectName): Vec3 {
    return this.bodyPos(this.objectBody[o]);
  }
  objectMat(o: ObjectName): Float64Array {
    const b = this.objectBody[o];
    return (this.data.xmat as Float64Array).slice(9 * b, 9 * b + 9);
  }
  objectSpeed(o: ObjectName): number {
    const a = this.freeQposAdr[o];
    if (a === undefined) return 0;
    const dofAdr = (this.model.jnt_dofadr as Int32Array)[(this.model.body_jntadr as Int32Array)[this.objectBody[o]]];
    const v = this.data.qvel as Float64Array;
    return Math.hypot(v[dofAdr], v[dofAdr + 1], v[dofAdr + 2]);
  }
  isParked(o: ObjectName): boolean {
    const a = this.freeQposAdr[o];
    return a !== undefined && (this.data.qpos as Float64Array)[a] < -1.9;
  }

  /** Geoms of `o` that touch a finger right now. */
  fingerTouches(o: ObjectName): boolean {
    const body = this.objectBody[o];
    const geomBody = this.model.geom_bodyid as Int32Array;
    const contacts = this.data.contact;
    try {
      const n = this.data.ncon;
      for (let i = 0; i < n; i++) {
        const c = contacts.get(i);
        if (!c) continue;
        const g1 = c.geom1, g2 = c.geom2;
        c.delete();
        if ((this.fingerGeoms.has(g1) && geomBody[g2] === body) || (this.fingerGeoms.has(g2) && geomBody[g1] === body)) {
          return true;
        }
      }
      return false;
    } finally {
      contacts.delete();
    }
  }

  /** [tcp xyz, sin yaw, cos yaw, gripper width, q1..q7], the model's proprioception (docs/dataset.md). */
  proprio(): Float32Array {
    const p = this.tcpPos();
    const yaw = this.tcpYaw();
    return Float32Array.from([p[0], p[1], p[2], Math.sin(yaw), Math.cos(yaw), this.gripperWidth(), ...this.armQpos()]);
  }

  /** Body poses for rendering: per body [x, y, z, qw, qx, qy, qz]. */
  bodyPoses(out: Float32Array = new Float32Array(this.model.nbody * 7)): Float32Array {
    const xp = this.data.xpos as Float64Array;
    const xq = this.data.xquat as Float64Array;
    for (let b = 0; b < this.model.nbody; b++) {
      out[7 * b] = xp[3 * b];
      out[7 * b + 1] = xp[3 * b + 1];
      out[7 * b + 2] = xp[3 * b + 2];
      out[7 * b + 3] = xq[4 * b];
      out[7 * b + 4] = xq[4 * b + 1];
      out[7 * b + 5] = xq[4 * b + 2];
      out[7 * b + 6] = xq[4 * b + 3];
    }
    return out;
  }

  /** Camera pose (position and row-major rotation whose columns are the camera's x, y, z axes). */
  cameraPose(cam: CameraName): { pos: Vec3; mat: Float64Array; fovy: number } {
    const c = this.cameraId[cam];
    const p = this.data.cam_xpos as Float64Array;
    return {
      pos: [p[3 * c], p[3 * c + 1], p[3 * c + 2]],
      mat: (this.data.cam_xmat as Float64Array).slice(9 * c, 9 * c + 9),
      fovy: (this.model.cam_fovy as Float64Array)[c],
    };
  }
}

export const CAMERA_RES = Object.fromEntries(CAMERA_SPECS.map((c) => [c.name, c])) as Record<CameraName, (typeof CAMERA_SPECS)[number]>;
