import type { ObjectPlacement, TabletopEnv } from './env';
import type { Episode } from './episode';
import { Rng } from './rng';
import { CUBE_COLORS, CUBE_HALF, HOME_QPOS, WORKSPACE } from './scene';
import { blocked, findTask, RADIUS, spatialReferent, type EpisodeSpec } from './tasks';
import type { Vec3 } from './math';
import { CUBES, type CubeName, type ObjectName } from './vocab';
import { ALIASES, AXES, AXIS_INFO, levelOf, parseAxes, type AxisName, type AxisSetting, type Level } from './axes';

// Slightly over ~400 lines on purpose: planning, the start-state changes and the in-episode driver share one
// plan type and its validity rules; src/sim/axes.ts holds the names and levels apart.
//
// Seeded perturbations along the robustness axes (src/sim/axes.ts). Every number is drawn from the episode
// seed (and the task id), so an episode with the same seed and axis levels is the same episode. Physical
// axes act on the simulation here; the pixel axes (camera, lighting, background, sensor noise, the
// distractor's tint) are carried as data for the policy-camera renderer (src/render/policyCameras.ts,
// src/render/sensorNoise.ts) and the language axis for src/language/reword.ts. None of the pixel or word
// axes changes what the privileged-state expert sees.

export { AXES, ALIASES, AXIS_INFO, parseAxes };
export type { AxisName, AxisSetting, Level };

/** The perturbation names eval accepted before the axes; each is an alias of one axis level. */
export const PERTURBATIONS = Object.keys(ALIASES);

export interface CameraJitterData {
  pos: Vec3;
  rot: Vec3;
}

export interface PerturbationPlan {
  settings: AxisSetting[];
  /** Objects displaced before the episode starts (layout). */
  layout?: { moves: Array<{ object: ObjectName; distance: number; angle: number }> };
  /** The target cube teleported once while it rests on the table (layout from level 2). */
  shift?: { step: number; object: CubeName; distance: number; angle: number };
  push?: { step: number; object: CubeName; accel: number; angle: number };
  distractor?: { objects: CubeName[]; near: ObjectName; gaps: number[]; angles: number[]; tint: [number, number, number] | null };
  dynamics?: { friction: number; mass: number };
  /** Offsets added to the arm's home joint angles (rad). */
  robotInit?: { offsets: number[] };
  /**
   * Per policy camera, an offset in the camera's own frame: position (m) and a rotation vector (rad); the
   * same shape as the renderer's domain-randomization jitter. `fovScale` multiplies the front camera's field of view.
   */
  camera?: Record<'front' | 'wrist', CameraJitterData> & { fovScale: number };
  lighting?: { keyScale: number; keyAzimuth: number; keyElevation: number; ambientScale: number; kelvin: number };
  /** sRGB 0..1. */
  background?: { table: [number, number, number]; backdrop: [number, number, number] | null };
  /** Applied to the policy's pixels (src/render/sensorNoise.ts); `seed` makes each step's noise its own. */
  sensor?: { sigma: number; exposure: number; blur: number; seed: number };
  language?: { level: Level; seed: number };
}

/** The cube the episode handles first: the target of shifts, pushes and distractors. */
function targetCube(spec: EpisodeSpec, rng: Rng): CubeName {
  for (const g of spec.goals) {
    for (const s of g.plan) if (s.verb === 'pick') return s.object as CubeName;
  }
  return rng.pick(CUBES.filter((c) => spec.init.objects[c]));
}

// The old perturbation names' salts are kept, so `--perturb push` draws what it always drew.
const SALT: Record<AxisName, number> = { layout: 11, push: 12, distractor: 13, dynamics: 14, camera: 15, robot_init: 16, lighting: 17, background: 18, sensor_noise: 19, language: 20 };

/** Per level (index 1..3; 0 unused). */
const L = <T>(a: T, b: T, c: T): readonly [null, T, T, T] => [null, a, b, c];
const CAMERA = L({ pos: 0.015, rot: 0.025, fov: 0.04 }, { pos: 0.03, rot: 0.045, fov: 0.08 }, { pos: 0.05, rot: 0.07, fov: 0.14 });
const ROBOT_INIT = L(0.06, 0.12, 0.2);
/** Control steps added to the first goal's limit when the arm starts away from home (3 s at 10 Hz). */
export const ROBOT_INIT_EXTRA_STEPS = 30;
const LIGHT = L({ key: 0.2, az: 0.4, el: 0.1, amb: 0.15, k: [5000, 7500] }, { key: 0.4, az: 0.9, el: 0.2, amb: 0.3, k: [3800, 9500] }, { key: 0.6, az: 1.5, el: 0.3, amb: 0.5, k: [2800, 12000] });
const SENSOR = L({ sigma: 3, exp: [0.9, 1.1], blur: 0 }, { sigma: 7, exp: [0.8, 1.25], blur: 0.5 }, { sigma: 12, exp: [0.65, 1.45], blur: 1 });
const LAYOUT = L({ move: 0.015, shift: null }, { move: 0.03, shift: [0.03, 0.05] }, { move: 0.05, shift: [0.05, 0.07] });
const DYNAMICS = L({ f: [0.7, 0.85], m: [1.2, 1.4] }, { f: [0.5, 0.65], m: [1.5, 2] }, { f: [0.3, 0.45], m: [2, 3] });
const PUSH = L([1, 2], [2, 4], [4, 7]);
const BASE_TABLE: [number, number, number] = [0.78, 0.72, 0.63];

function hsv(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

/** Draw every number the given axis levels need from the episode seed. */
export function planPerturbations(settings: readonly AxisSetting[], spec: EpisodeSpec): PerturbationPlan {
  const plan: PerturbationPlan = { settings: settings.map((s) => ({ ...s })) };
  // The task id is mixed in so that tasks sharing a seed are not all perturbed identically.
  let h = 0;
  for (const ch of spec.taskId) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  const rngOf = (salt: number) => new Rng(spec.seed).fork(salt ^ h);
  for (const { axis, level } of settings) {
    const r = rngOf(SALT[axis]);
    const u = (lo: number, hi: number) => r.uniform(lo, hi);
    switch (axis) {
      case 'layout': {
        const onTable = (Object.keys(spec.init.objects) as ObjectName[]).filter((o) => RADIUS[o] !== undefined);
        plan.layout = { moves: onTable.map((object) => ({ object, distance: LAYOUT[level].move, angle: u(-Math.PI, Math.PI) })) };
        const sh = LAYOUT[level].shift;
        if (sh) {
          const rs = rngOf(SALT.layout);
          // Level 2 is the old `shift` perturbation, drawn from its own stream as it always was.
          plan.shift = { step: 5 + rs.int(11), object: targetCube(spec, rs), distance: rs.uniform(sh[0], sh[1]), angle: rs.uniform(-Math.PI, Math.PI) };
        }
        break;
      }
      case 'push': {
        const [lo, hi] = PUSH[level];
        plan.push = { step: 5 + r.int(21), object: targetCube(spec, r), accel: u(lo, hi), angle: u(-Math.PI, Math.PI) };
        break;
      }
      case 'distractor': {
        const used = new Set<string>(spec.goals.flatMap((g) => [...g.plan.map((s) => s.object), ...g.relations.flatMap((x) => ('object' in x ? [x.object] : []))]));
        const free = r.shuffle(CUBES.filter((c) => !used.has(c) && spec.init.objects[c]));
        const near = spec.goals[0].plan[0].object;
        const objects = free.slice(0, level === 1 ? 1 : 2);
        const target = near.endsWith('_cube') ? CUBE_COLORS[near as CubeName] : null;
        // The nearer distractor takes on most of the target's colour (in the pixels only: it stays that cube).
        const tint = level === 3 && target && objects.length ? (CUBE_COLORS[objects[0]].map((c, i) => 0.35 * c + 0.65 * target[i]) as [number, number, number]) : null;
        plan.distractor = { objects, near, gaps: objects.map(() => u(0.012, 0.02)), angles: objects.map(() => u(-Math.PI, Math.PI)), tint };
        break;
      }
      case 'dynamics': {
        const d = DYNAMICS[level];
        plan.dynamics = { friction: u(d.f[0], d.f[1]), mass: u(d.m[0], d.m[1]) };
        break;
      }
      case 'robot_init': {
        const a = ROBOT_INIT[level];
        plan.robotInit = { offsets: HOME_QPOS.map(() => u(-a, a)) };
        break;
      }
      case 'camera': {
        const c = CAMERA[level];
        plan.camera = {
          front: { pos: [u(-c.pos, c.pos), u(-c.pos, c.pos), u(-c.pos, c.pos)], rot: [u(-c.rot, c.rot), u(-c.rot, c.rot), u(-c.rot, c.rot)] },
          wrist: { pos: [0, 0, 0], rot: [0, 0, 0] },
          fovScale: 1 + u(-c.fov, c.fov),
        };
        break;
      }
      case 'lighting': {
        const l = LIGHT[level];
        plan.lighting = { keyScale: 1 + u(-l.key, l.key), keyAzimuth: u(-l.az, l.az), keyElevation: u(-l.el, l.el), ambientScale: 1 + u(-l.amb, l.amb), kelvin: u(l.k[0], l.k[1]) };
        break;
      }
      case 'background': {
        if (level === 1) {
          const b = u(0.85, 1.15);
          plan.background = { table: BASE_TABLE.map((c) => Math.min(1, c * b)) as [number, number, number], backdrop: null };
        } else {
          const [s0, s1] = level === 2 ? [0.05, 0.3] : [0.3, 0.7];
          const [v0, v1] = level === 2 ? [0.45, 0.85] : [0.2, 0.9];
          plan.background = { table: hsv(r.next(), u(s0, s1), u(v0, v1)), backdrop: hsv(r.next(), u(s0, s1), u(v0, v1)) };
        }
        break;
      }
      case 'sensor_noise': {
        const n = SENSOR[level];
        plan.sensor = { sigma: n.sigma, exposure: u(n.exp[0], n.exp[1]), blur: n.blur, seed: r.int(2 ** 30) };
        break;
      }
      case 'language':
        plan.language = { level, seed: r.int(2 ** 30) };
        break;
    }
  }
  return plan;
}

/** The level of `axis` in a plan (0: not applied). */
export function planLevel(plan: PerturbationPlan, axis: AxisName): Level | 0 {
  return levelOf(plan.settings, axis);
}

type Placements = Partial<Record<ObjectName, ObjectPlacement>>;

/**
 * Whether `o` may stand at `p` among `objects`: the layout sampler's rules (inside the workspace, clear of
 * the cabinet, drawer and button, apart from every other object), and an instruction that names its cube by
 * place ("the leftmost cube") must still single out the same cube.
 */
export function placementValid(spec: EpisodeSpec, objects: Placements, o: ObjectName, p: Vec3, drawerOpen: boolean): boolean {
  const r = RADIUS[o];
  if (r === undefined) return false;
  const big = r > 0.05;
  if (p[0] < WORKSPACE.xMin + (big ? 0.03 : 0) || p[0] > WORKSPACE.xMax - (big ? 0.02 : 0)) return false;
  if (p[1] < WORKSPACE.yMin + r - 0.02 || p[1] > WORKSPACE.yMax - r + 0.02) return false;
  if (blocked(p, r, drawerOpen)) return false;
  for (const [n, q] of Object.entries(objects)) {
    if (n === o || !q) continue;
    if (Math.hypot(q.pos[0] - p[0], q.pos[1] - p[1]) < r + RADIUS[n as ObjectName]! + 0.005) return false;
  }
  const moved: Placements = { ...objects, [o]: { ...objects[o]!, pos: p } };
  const goal = spec.goals[0];
  const goalCube = goal.plan.find((s) => s.verb === 'pick')?.object;
  const task = findTask(spec.taskId);
  if (task?.refersTo) return task.refersTo(moved) === goalCube;
  if (goal.ref) {
    const who = spatialReferent(goal.ref, moved);
    return who === undefined || who === goalCube;
  }
  return true;
}

/** Candidate directions: the drawn one first, then the rest of a 12-way fan in a fixed order. */
function directions(angle: number): number[] {
  return Array.from({ length: 12 }, (_, k) => angle + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * (Math.PI / 6));
}

/** A cube is free to move at the start when it stands on the table, not in the bowl or on the plate. */
function standsFree(o: ObjectName, objects: Placements): boolean {
  const p = objects[o]?.pos;
  if (!p) return false;
  if (!o.endsWith('_cube')) {
    // The bowl or plate moves only while nothing is in or on it.
    return !CUBES.some((c) => objects[c] && Math.hypot(objects[c]!.pos[0] - p[0], objects[c]!.pos[1] - p[1]) < RADIUS[o]!);
  }
  return Math.abs(p[2] - CUBE_HALF) < 0.004 && standsFreeOfFixtures(p, objects);
}

function standsFreeOfFixtures(p: Vec3, objects: Placements): boolean {
  return (['blue_bowl', 'plate'] as const).every((f) => !objects[f] || Math.hypot(objects[f]!.pos[0] - p[0], objects[f]!.pos[1] - p[1]) > RADIUS[f]!);
}

/**
 * Apply the perturbations that change the initial state (layout, distractor, robot_init). Returns a new
 * spec and what was done, in words, for the timeline.
 */
export function perturbSpec(spec: EpisodeSpec, plan: PerturbationPlan): { spec: EpisodeSpec; events: string[] } {
  const events: string[] = [];
  let objects: Placements = structuredClone(spec.init.objects);
  const drawerOpen = spec.init.drawer < -0.01 || spec.suite === 'chains';
  let changed = false;
  if (plan.layout) {
    let moved = 0;
    for (const m of plan.layout.moves) {
      if (!standsFree(m.object, objects)) continue;
      const from = objects[m.object]!.pos;
      spot: for (const dist of [m.distance, m.distance / 2]) {
        for (const a of directions(m.angle)) {
          const p: Vec3 = [from[0] + dist * Math.cos(a), from[1] + dist * Math.sin(a), from[2]];
          if (placementValid(spec, objects, m.object, p, drawerOpen)) {
            objects[m.object] = { ...objects[m.object]!, pos: p };
            moved += 1;
            break spot;
          }
        }
      }
    }
    events.push(`layout: ${moved} of ${plan.layout.moves.length} objects displaced about ${(plan.layout.moves[0]?.distance ?? 0).toFixed(3)} m`);
    changed = true;
  }
  const d = plan.distractor;
  if (d) {
    if (!d.objects.length) events.push('distractor: skipped, every cube is part of the goal');
    const anchor = anchorOf(d.near, objects);
    d.objects.forEach((obj, k) => {
      const reach = (RADIUS[d.near] ?? 0.03) + RADIUS[obj]! + d.gaps[k];
      for (const a of directions(d.angles[k])) {
        for (const extra of [0, 0.02, 0.04]) {
          const p: Vec3 = [anchor[0] + (reach + extra) * Math.cos(a), anchor[1] + (reach + extra) * Math.sin(a), CUBE_HALF];
          if (placementValid(spec, objects, obj, p, drawerOpen)) {
            objects = { ...objects, [obj]: { pos: p, yaw: objects[obj]!.yaw } };
            events.push(`distractor: ${obj} placed ${(reach + extra - (RADIUS[d.near] ?? 0.03) - RADIUS[obj]!).toFixed(3)} m from ${d.near}${k === 0 && d.tint ? ', tinted towards its colour' : ''}`);
            changed = true;
            return;
          }
        }
      }
      events.push(`distractor: ${obj} skipped, no free spot next to ${d.near}`);
    });
  }
  let armQpos = spec.init.armQpos;
  let goals = spec.goals;
  if (plan.robotInit) {
    // The arm starts farther from where the first step begins: that step gets the time to get there.
    goals = [{ ...goals[0], stepLimit: goals[0].stepLimit + ROBOT_INIT_EXTRA_STEPS }, ...goals.slice(1)];
    armQpos = HOME_QPOS.map((q, i) => q + plan.robotInit!.offsets[i]);
    events.push(`robot_init: joints offset by up to ${Math.max(...plan.robotInit.offsets.map(Math.abs)).toFixed(2)} rad`);
    changed = true;
  }
  if (!changed) return { spec, events };
  return { spec: { ...spec, goals, init: { ...spec.init, objects, ...(armQpos ? { armQpos } : {}) } }, events };
}

function anchorOf(o: ObjectName, objects: Placements): Vec3 {
  const p = objects[o]?.pos;
  if (p) return p;
  // Fixtures: the sampler's exclusion zones keep the cube clear of them; aim at their front.
  return o === 'button' ? [0.62, -0.22, 0] : [0.56, 0.22, 0];
}

/** Current placements of the free objects on the table, read from the simulation. */
export function placementsOf(env: TabletopEnv): Placements {
  const out: Placements = {};
  for (const o of Object.keys(RADIUS) as ObjectName[]) {
    if (env.isParked(o)) continue;
    const m = env.objectMat(o);
    out[o] = { pos: env.objectPos(o), yaw: Math.atan2(m[3], m[0]) };
  }
  return out;
}

/**
 * Drives the in-episode perturbations. Call `begin` after the episode is created, `beforeStep` before
 * every control step, and `end` when the episode is over (it restores the shared model).
 */
export class PerturbationDriver {
  readonly events: string[] = [];
  private savedFriction: Array<[number, number]> = [];
  private savedMass: Array<[number, number, number[]]> = [];
  private pushing = false;

  constructor(private readonly env: TabletopEnv, private readonly plan: PerturbationPlan, private readonly spec: EpisodeSpec) {}

  begin(): void {
    const dyn = this.plan.dynamics;
    if (!dyn) return;
    const { model } = this.env;
    const friction = model.geom_friction as Float64Array;
    const geomBody = model.geom_bodyid as Int32Array;
    const cubeBodies = new Set(CUBES.map((c) => this.env.objectBody[c]));
    for (let g = 0; g < model.ngeom; g++) {
      if (cubeBodies.has(geomBody[g]) || this.env.fingerGeoms.has(g)) {
        this.savedFriction.push([g, friction[3 * g]]);
        friction[3 * g] *= dyn.friction;
      }
    }
    // Mass and inertia scale together: a denser cube of the same size. MuJoCo reads both afresh every step
    // (no mj_setConst, which would overwrite the state with qpos0's).
    const mass = model.body_mass as Float64Array;
    const inertia = model.body_inertia as Float64Array;
    for (const b of cubeBodies) {
      this.savedMass.push([b, mass[b], Array.from(inertia.subarray(3 * b, 3 * b + 3))]);
      mass[b] *= dyn.mass;
      for (let k = 0; k < 3; k++) inertia[3 * b + k] *= dyn.mass;
    }
    this.events.push(`dynamics: cube and finger sliding friction x${dyn.friction.toFixed(2)}, cube mass x${dyn.mass.toFixed(2)}`);
  }

  beforeStep(ep: Episode): void {
    const step = ep.step;
    if (this.pushing) this.stopPush();
    const s = this.plan.shift;
    if (s && step === s.step) this.shift(s);
    const p = this.plan.push;
    if (p && step === p.step) this.startPush(p);
  }

  end(): void {
    if (this.pushing) this.stopPush();
    const { model } = this.env;
    const friction = model.geom_friction as Float64Array;
    for (const [g, v] of this.savedFriction) friction[3 * g] = v;
    const mass = model.body_mass as Float64Array;
    const inertia = model.body_inertia as Float64Array;
    for (const [b, m, i] of this.savedMass) {
      mass[b] = m;
      inertia.set(i, 3 * b);
    }
    this.savedFriction = [];
    this.savedMass = [];
  }

  private shift(s: NonNullable<PerturbationPlan['shift']>): void {
    const env = this.env;
    const o = s.object;
    const pos = env.objectPos(o);
    // Only an object resting on the table is moved: teleporting a held or stacked cube is not a shift.
    if (Math.abs(pos[2] - CUBE_HALF) > 0.004 || env.fingerTouches(o) || env.objectSpeed(o) > 0.02) {
      this.events.push(`shift: skipped at step ${s.step}, ${o} is not resting on the table`);
      return;
    }
    const objects = placementsOf(env);
    const drawerOpen = env.drawerPos() < -0.01 || this.spec.suite === 'chains';
    for (const a of directions(s.angle)) {
      const p: Vec3 = [pos[0] + s.distance * Math.cos(a), pos[1] + s.distance * Math.sin(a), pos[2]];
      if (!placementValid(this.spec, objects, o, p, drawerOpen)) continue;
      if (this.gripperOver(p)) continue;
      const adr = env.freeQposAdr[o]!;
      const qpos = env.data.qpos as Float64Array;
      qpos[adr] = p[0];
      qpos[adr + 1] = p[1];
      const dof = (env.model.jnt_dofadr as Int32Array)[(env.model.body_jntadr as Int32Array)[env.objectBody[o]]];
      (env.data.qvel as Float64Array).fill(0, dof, dof + 6);
      env.mj.mj_forward(env.model, env.data);
      this.events.push(`shift: ${o} moved ${s.distance.toFixed(3)} m at step ${s.step}`);
      return;
    }
    this.events.push(`shift: skipped at step ${s.step}, no free spot for ${o}`);
  }

  /** A cube must not be teleported into the fingers. */
  private gripperOver(p: Vec3): boolean {
    const tcp = this.env.tcpPos();
    return Math.hypot(tcp[0] - p[0], tcp[1] - p[1]) < 0.07 && tcp[2] < 0.1;
  }

  private startPush(p: NonNullable<PerturbationPlan['push']>): void {
    const env = this.env;
    const body = env.objectBody[p.object];
    const mass = (env.model.body_mass as Float64Array)[body];
    // Enough to overcome table friction (mu ~ 1) plus `accel`: the cube slides a few centimetres.
    const f = mass * (9.81 + p.accel);
    const x = env.data.xfrc_applied as Float64Array;
    x[6 * body] = f * Math.cos(p.angle);
    x[6 * body + 1] = f * Math.sin(p.angle);
    this.pushing = true;
    this.events.push(`push: ${p.object} shoved with ${f.toFixed(2)} N at step ${p.step}`);
  }

  private stopPush(): void {
    (this.env.data.xfrc_applied as Float64Array).fill(0);
    this.pushing = false;
  }
}
