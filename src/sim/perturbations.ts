import type { ObjectPlacement, TabletopEnv } from './env';
import type { Episode } from './episode';
import { Rng } from './rng';
import { CUBE_HALF, WORKSPACE } from './scene';
import { blocked, getTask, RADIUS, type EpisodeSpec } from './tasks';
import type { Vec3 } from './math';
import { CUBES, type CubeName, type ObjectName } from './vocab';

// Seeded perturbations for robustness evaluation (LIBERO-PRO / LIBERO-plus style). Every number is drawn
// from the episode seed, so an episode with the same seed and perturbation names is the same episode.
// Physical perturbations act on the simulation; `camera` only changes the rendered observation, so it is
// carried as data for the renderer and has no effect on the privileged-state expert.

export const PERTURBATIONS = ['shift', 'push', 'distractor', 'friction', 'camera'] as const;
export type PerturbationName = (typeof PERTURBATIONS)[number];

export const PERTURBATION_INFO: Record<PerturbationName, string> = {
  shift: 'the target object is teleported 3-5 cm sideways early in the episode (while it rests on the table)',
  push: 'a horizontal force shoves the target object for one control step mid-episode',
  distractor: 'a cube the goal does not mention is placed right next to the target object at the start',
  friction: 'sliding friction of the cubes and the finger pads is scaled down to 30-50%',
  camera: 'the front camera pose is jittered (renderer only: a few cm and degrees)',
};

export interface PerturbationPlan {
  names: PerturbationName[];
  shift?: { step: number; object: CubeName; distance: number; angle: number };
  push?: { step: number; object: CubeName; accel: number; angle: number };
  distractor?: { object: CubeName | null; near: ObjectName; gap: number; angle: number };
  friction?: { scale: number };
  /**
   * Per policy camera, an offset in the camera's own frame: position (m) and a rotation vector (rad); the
   * same shape as the renderer's domain-randomization jitter, which the runner page applies it with.
   */
  camera?: Record<'front' | 'wrist', { pos: Vec3; rot: Vec3 }>;
}

/** Parse a comma-separated list of names; throws an error that lists the valid names. */
export function parsePerturbations(list: string | undefined | null): PerturbationName[] {
  if (!list) return [];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(PERTURBATIONS as readonly string[]).includes(n)) {
      throw new Error(`unknown perturbation "${n}". Valid perturbations: ${PERTURBATIONS.join(', ')}`);
    }
  }
  return [...new Set(names)] as PerturbationName[];
}

/** The cube the episode handles first: the target of shifts, pushes and distractors. */
function targetCube(spec: EpisodeSpec, rng: Rng): CubeName {
  for (const g of spec.goals) {
    for (const s of g.plan) if (s.verb === 'pick') return s.object as CubeName;
  }
  return rng.pick(CUBES.filter((c) => spec.init.objects[c]));
}

const SALT: Record<PerturbationName, number> = { shift: 11, push: 12, distractor: 13, friction: 14, camera: 15 };

/** Draw every number the named perturbations need from the episode seed. */
export function planPerturbations(names: readonly PerturbationName[], spec: EpisodeSpec): PerturbationPlan {
  const plan: PerturbationPlan = { names: [...names] };
  // The task id is mixed in so that tasks sharing a seed are not all perturbed identically.
  let h = 0;
  for (const ch of spec.taskId) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  const rng = (n: PerturbationName) => new Rng(spec.seed).fork(SALT[n] ^ h);
  for (const name of names) {
    const r = rng(name);
    switch (name) {
      case 'shift':
        plan.shift = { step: 5 + r.int(11), object: targetCube(spec, r), distance: r.uniform(0.03, 0.05), angle: r.uniform(-Math.PI, Math.PI) };
        break;
      case 'push':
        plan.push = { step: 5 + r.int(21), object: targetCube(spec, r), accel: r.uniform(2, 4), angle: r.uniform(-Math.PI, Math.PI) };
        break;
      case 'distractor': {
        const used = new Set<string>(spec.goals.flatMap((g) => [...g.plan.map((s) => s.object), ...g.relations.flatMap((x) => ('object' in x ? [x.object] : []))]));
        const free = CUBES.filter((c) => !used.has(c) && spec.init.objects[c]);
        const near = spec.goals[0].plan[0].object;
        plan.distractor = { object: free.length ? r.pick(free) : null, near, gap: r.uniform(0.012, 0.02), angle: r.uniform(-Math.PI, Math.PI) };
        break;
      }
      case 'friction':
        plan.friction = { scale: r.uniform(0.3, 0.5) };
        break;
      case 'camera':
        plan.camera = {
          front: { pos: [r.uniform(-0.03, 0.03), r.uniform(-0.03, 0.03), r.uniform(-0.03, 0.03)], rot: [r.uniform(-0.04, 0.04), r.uniform(-0.05, 0.05), r.uniform(-0.02, 0.02)] },
          wrist: { pos: [0, 0, 0], rot: [0, 0, 0] },
        };
        break;
    }
  }
  return plan;
}

type Placements = Partial<Record<ObjectName, ObjectPlacement>>;

/**
 * Whether `o` may stand at `p` among `objects`: the layout sampler's rules (inside the workspace, clear of
 * the cabinet, drawer and button, apart from every other object), and for layout-dependent instructions
 * the instruction must still single out the goal's cube.
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
  const task = getTask(spec.taskId);
  if (task.refersTo) {
    const moved: Placements = { ...objects, [o]: { ...objects[o]!, pos: p } };
    const goalCube = spec.goals[0].plan.find((s) => s.verb === 'pick')?.object;
    if (task.refersTo(moved) !== goalCube) return false;
  }
  return true;
}

/** Candidate directions: the drawn one first, then the rest of a 12-way fan in a fixed order. */
function directions(angle: number): number[] {
  return Array.from({ length: 12 }, (_, k) => angle + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * (Math.PI / 6));
}

/** Apply the perturbations that change the initial state (distractor). Returns a new spec. */
export function perturbSpec(spec: EpisodeSpec, plan: PerturbationPlan): { spec: EpisodeSpec; events: string[] } {
  const events: string[] = [];
  const d = plan.distractor;
  if (!d) return { spec, events };
  if (!d.object) {
    events.push('distractor: skipped, every cube is part of the goal');
    return { spec, events };
  }
  const objects: Placements = structuredClone(spec.init.objects);
  const anchor = anchorOf(d.near, objects);
  const reach = (RADIUS[d.near] ?? 0.03) + RADIUS[d.object]! + d.gap;
  const drawerOpen = spec.init.drawer < -0.01 || spec.suite === 'chains';
  for (const a of directions(d.angle)) {
    for (const extra of [0, 0.02, 0.04]) {
      const p: Vec3 = [anchor[0] + (reach + extra) * Math.cos(a), anchor[1] + (reach + extra) * Math.sin(a), CUBE_HALF];
      if (placementValid(spec, objects, d.object, p, drawerOpen)) {
        objects[d.object] = { pos: p, yaw: objects[d.object]!.yaw };
        events.push(`distractor: ${d.object} placed ${(reach + extra - (RADIUS[d.near] ?? 0.03) - RADIUS[d.object]!).toFixed(3)} m from ${d.near}`);
        return { spec: { ...spec, init: { ...spec.init, objects } }, events };
      }
    }
  }
  events.push(`distractor: skipped, no free spot next to ${d.near}`);
  return { spec, events };
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
  private pushing = false;

  constructor(private readonly env: TabletopEnv, private readonly plan: PerturbationPlan, private readonly spec: EpisodeSpec) {}

  begin(): void {
    const f = this.plan.friction;
    if (!f) return;
    const { model } = this.env;
    const friction = model.geom_friction as Float64Array;
    const geomBody = model.geom_bodyid as Int32Array;
    const cubeBodies = new Set(CUBES.map((c) => this.env.objectBody[c]));
    for (let g = 0; g < model.ngeom; g++) {
      if (cubeBodies.has(geomBody[g]) || this.env.fingerGeoms.has(g)) {
        this.savedFriction.push([g, friction[3 * g]]);
        friction[3 * g] *= f.scale;
      }
    }
    this.events.push(`friction: cube and finger sliding friction x${f.scale.toFixed(2)}`);
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
    const friction = this.env.model.geom_friction as Float64Array;
    for (const [g, v] of this.savedFriction) friction[3 * g] = v;
    this.savedFriction = [];
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
