import type { TabletopEnv } from '../sim/env';
import { distXY, type Vec3 } from '../sim/math';
import { DRAWER_CLOSED_AT, DRAWER_OPEN_AT } from '../sim/predicates';
import { BOWL, CUBE_HALF, DRAWER, PLATE } from '../sim/scene';
import { findTask } from '../sim/tasks';
import { CUBES, type CubeName, type ObjectName } from '../sim/vocab';
import { ORDINAL_WORDS, type ResolvedAtom, type SpatialRelation } from './program';

// The tabletop as language sees it: where each cube is and what it rests on, the drawer's state. An
// InitialState is already one (parse(text, spec.init)); sceneOf(env) reads a running simulation. A program
// is read against the scene it starts on, each atom seeing the effects of the atoms before it
// (predicted, not simulated: a cube put in the bowl is taken to be in the bowl).

export interface TableScene {
  objects: Partial<Record<ObjectName, { pos: Vec3 }>>;
  /** Drawer slide position: 0 closed, -DRAWER.travel fully open. */
  drawer: number;
}

export type Support = 'table' | 'blue_bowl' | 'plate' | CubeName;

export interface World {
  cubes: Partial<Record<CubeName, { pos: Vec3; on: Support }>>;
  bowl: Vec3 | null;
  plate: Vec3 | null;
  drawer: number;
}

/** Objects parked under the table (the tasks that do not use them) are not in the scene. */
const PRESENT_Z = -0.1;

export function sceneOf(env: TabletopEnv): TableScene {
  const objects: TableScene['objects'] = {};
  for (const o of [...CUBES, 'blue_bowl', 'plate'] as const) {
    const pos = env.objectPos(o);
    if (pos[2] > PRESENT_Z) objects[o] = { pos };
  }
  return { objects, drawer: env.drawerPos() };
}

/** What a cube at `p` rests on, from geometry alone (the same tolerances as the goal predicates). */
function supportOf(c: CubeName, p: Vec3, scene: TableScene): Support {
  const bowl = scene.objects.blue_bowl?.pos;
  const plate = scene.objects.plate?.pos;
  if (bowl && distXY(p, bowl) < BOWL.innerRadius && p[2] > bowl[2] && p[2] - bowl[2] < BOWL.height + 0.03) return 'blue_bowl';
  if (plate && distXY(p, plate) < PLATE.radius && Math.abs(p[2] - (plate[2] + PLATE.halfHeight + CUBE_HALF)) < PLATE.halfHeight) return 'plate';
  for (const b of CUBES) {
    const q = b !== c ? scene.objects[b]?.pos : undefined;
    if (q && distXY(p, q) < 0.03 && Math.abs(p[2] - q[2] - 2 * CUBE_HALF) < 0.015) return b;
  }
  return 'table';
}

export function worldOf(scene: TableScene): World {
  const cubes: World['cubes'] = {};
  for (const c of CUBES) {
    const o = scene.objects[c];
    if (o && o.pos[2] > PRESENT_Z) cubes[c] = { pos: o.pos, on: supportOf(c, o.pos, scene) };
  }
  const at = (o: ObjectName) => (scene.objects[o] && scene.objects[o]!.pos[2] > PRESENT_Z ? scene.objects[o]!.pos : null);
  return { cubes, bowl: at('blue_bowl'), plate: at('plate'), drawer: scene.drawer };
}

export const drawerIsOpen = (w: World) => w.drawer < DRAWER_OPEN_AT;
export const drawerIsClosed = (w: World) => w.drawer > DRAWER_CLOSED_AT;
export const cubesIn = (w: World) => CUBES.filter((c) => w.cubes[c]);
/** The cube resting on `c`, if any. */
export const cubeOn = (w: World, c: CubeName) => cubesIn(w).find((k) => w.cubes[k]!.on === c) ?? null;

/** The world after an atom, as the atom intends it. */
export function afterAtom(w: World, a: ResolvedAtom): World {
  const next: World = { ...w, cubes: { ...w.cubes } };
  if (a.kind === 'open_drawer') next.drawer = -DRAWER.travel;
  else if (a.kind === 'close_drawer') next.drawer = 0;
  else if (a.kind === 'place') {
    const base = a.target === 'blue_bowl' ? w.bowl : a.target === 'plate' ? w.plate : w.cubes[a.target]?.pos;
    if (base) {
      const z = a.target === 'blue_bowl' ? base[2] + 0.006 + CUBE_HALF : a.target === 'plate' ? base[2] + PLATE.halfHeight + CUBE_HALF : base[2] + 2 * CUBE_HALF;
      next.cubes[a.cube] = { pos: [base[0], base[1], z], on: a.target };
    }
  }
  return next;
}

// ------------------------------------------------------------------ spatial references
/** The spatial tasks' margin: the referent must beat the runner-up by this much (m). */
export const SPATIAL_MARGIN = 0.06;

type Rank = (p: Vec3, w: World) => number;
const forward = (p: Vec3) => p[0];
const reach = (p: Vec3) => Math.hypot(p[0], p[1]);
/**
 * "Nearest to the robot" is decided two ways, and both must agree: by how far forward the cube is (how the
 * spatial tasks and the model's training data rank it) and by its distance to the robot's base in xy.
 */
const RANKS: Partial<Record<SpatialRelation, Rank[]>> = {
  leftmost: [(p) => p[1]],
  rightmost: [(p) => -p[1]],
  nearest: [forward, reach],
  farthest: [(p) => -forward(p), (p) => -reach(p)],
  next_to_bowl: [(p, w) => distXY(p, w.bowl!)],
  next_to_plate: [(p, w) => distXY(p, w.plate!)],
};
/** The spatial task that decides the same relation on a full table; its verdict is asked too. */
const TASK_OF: Partial<Record<SpatialRelation, string>> = {
  leftmost: 'spatial/left_cube_to_bowl',
  rightmost: 'spatial/right_cube_to_bowl',
  nearest: 'spatial/near_cube_to_plate',
  farthest: 'spatial/far_cube_to_plate',
  next_to_bowl: 'spatial/cube_near_bowl_to_plate',
};

export type Referent = { cube: CubeName } | { ambiguous: CubeName[] } | { none: string };

/**
 * The cube a spatial reference picks on `w`. Superlatives range over the cubes standing on the table (a
 * cube already in the bowl is not "the leftmost cube"); a winner closer than SPATIAL_MARGIN to the
 * runner-up is ambiguous, and the contenders are returned to be asked about. `exclude` is the cube being
 * moved when the reference names where it goes: "stack the red cube on the nearest cube" means the
 * nearest of the others.
 */
export function referent(relation: SpatialRelation, w: World, exclude?: CubeName, rank = 1): Referent {
  const present = cubesIn(w).filter((c) => c !== exclude);
  if (relation === 'in_bowl' || relation === 'on_plate') {
    const where = relation === 'in_bowl' ? 'blue_bowl' : 'plate';
    const there = present.filter((c) => w.cubes[c]!.on === where);
    if (there.length === 1) return { cube: there[0] };
    return there.length ? { ambiguous: there } : { none: `no cube is ${relation === 'in_bowl' ? 'in the bowl' : 'on the plate'}` };
  }
  if (relation === 'next_to_bowl' && !w.bowl) return { none: 'there is no bowl on the table' };
  if (relation === 'next_to_plate' && !w.plate) return { none: 'there is no plate on the table' };
  const loose = present.filter((c) => w.cubes[c]!.on === 'table');
  if (loose.length === 0) return { none: 'no cube is standing on the table' };
  if (rank > 1) return ranked(relation, w, loose, rank);
  if (loose.length === 1) return { cube: loose[0] };
  const winners = new Set<CubeName>();
  const contenders = new Set<CubeName>();
  let clear = true;
  for (const rank of RANKS[relation]!) {
    const score = (c: CubeName) => rank(w.cubes[c]!.pos, w);
    const sorted = loose.slice().sort((a, b) => score(a) - score(b));
    winners.add(sorted[0]);
    clear &&= score(sorted[1]) - score(sorted[0]) > SPATIAL_MARGIN;
    for (const c of sorted) if (score(c) - score(sorted[0]) <= SPATIAL_MARGIN) contenders.add(c);
  }
  // On a full table the spatial task's own rule is asked too, so a typed "leftmost cube" and the task
  // "put the leftmost cube in the bowl" can never mean different cubes.
  const task = TASK_OF[relation] ? findTask(TASK_OF[relation]!) : undefined;
  if (task?.refersTo && loose.length === CUBES.length && (relation !== 'next_to_bowl' || w.bowl)) {
    const objects: Parameters<NonNullable<typeof task.refersTo>>[0] = {};
    for (const c of CUBES) objects[c] = { pos: w.cubes[c]!.pos, yaw: 0 };
    if (w.bowl) objects.blue_bowl = { pos: w.bowl, yaw: 0 };
    const verdict = task.refersTo(objects);
    if (verdict) winners.add(verdict);
    else clear = false;
  }
  if (clear && winners.size === 1) return { cube: [...winners][0] };
  return { ambiguous: loose.filter((c) => contenders.has(c) || winners.has(c)) };
}

/**
 * "The second cube from the left": the cube at `rank` in every ranking of the relation (both, for
 * nearest and farthest), clear of the cubes ranked just before and just after it by SPATIAL_MARGIN, as a
 * superlative must be clear of its runner-up. Otherwise the cubes about as close to that rank are asked
 * about.
 */
function ranked(relation: SpatialRelation, w: World, loose: CubeName[], rank: number): Referent {
  if (loose.length < rank) {
    const n = loose.length;
    return { none: `only ${n} cube${n === 1 ? ' is' : 's are'} standing on the table, so there is no ${ORDINAL_WORDS[rank] ?? `number ${rank}`} one` };
  }
  const winners = new Set<CubeName>();
  const contenders = new Set<CubeName>();
  let clear = true;
  for (const rankBy of RANKS[relation]!) {
    const score = (c: CubeName) => rankBy(w.cubes[c]!.pos, w);
    const sorted = loose.slice().sort((a, b) => score(a) - score(b));
    const at = sorted[rank - 1];
    winners.add(at);
    const gaps = [sorted[rank - 2], sorted[rank]].filter((c) => c !== undefined).map((c) => Math.abs(score(c) - score(at)));
    clear &&= gaps.every((g) => g > SPATIAL_MARGIN);
    for (const c of sorted) if (Math.abs(score(c) - score(at)) <= SPATIAL_MARGIN) contenders.add(c);
  }
  if (clear && winners.size === 1) return { cube: [...winners][0] };
  return { ambiguous: loose.filter((c) => contenders.has(c) || winners.has(c)) };
}
