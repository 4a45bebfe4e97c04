import type { InitialState, ObjectPlacement } from './env';
import { goalOf, place, CLOSE_DRAWER, OPEN_DRAWER, PRESS_BUTTON, stepText, type Goal, type ResolvedAtom } from './goals';
import { Rng } from './rng';
import { BUTTON, CABINET, DRAWER, WORKSPACE } from './scene';
import type { Vec3 } from './math';
import { CUBES, type CubeName, type ObjectName } from './vocab';

export type { Goal, Subtask } from './goals';

export const SUITES = ['spatial', 'object', 'goal', 'long', 'chains'] as const;
export type SuiteName = (typeof SUITES)[number];

/** A sampled episode: the initial state plus its goals, one per atom of its program, pursued in order. */
export interface EpisodeSpec {
  taskId: string;
  suite: SuiteName;
  seed: number;
  init: InitialState;
  goals: Goal[];
  /**
   * The whole sentence, when one instruction names several goals (a long task, an open program): what a
   * policy reading whole sentences gets; each goal's `instruction` is its own step.
   */
  text?: string;
}

export interface TaskDef {
  id: string;
  suite: SuiteName;
  /** A short human title for menus. */
  title: string;
  /** Instruction paraphrases; `sample` picks one per seed. */
  templates: string[];
  sample(seed: number): EpisodeSpec;
  /**
   * Tasks whose target depends on the layout (spatial): the cube the instruction refers to among
   * `objects`, or null when the layout leaves it ambiguous. Perturbations that move objects use it to
   * keep the instruction true.
   */
  refersTo?(objects: Partial<Record<ObjectName, ObjectPlacement>>): CubeName | null;
}

// ------------------------------------------------------------------ layout sampling
/** Footprint radius of each free object in the layout sampler (m). */
export const RADIUS: Partial<Record<ObjectName, number>> = {
  blue_bowl: 0.08,
  plate: 0.085,
  red_cube: 0.03,
  green_cube: 0.03,
  blue_cube: 0.03,
  yellow_cube: 0.03,
};

export function blocked(p: Vec3, r: number, drawerOpen: boolean): boolean {
  // The cabinet, the space its drawer and handle sweep, and the button are off limits.
  const handleFront = CABINET.pos[0] + DRAWER.handleX - 0.01 - (drawerOpen ? DRAWER.travel : 0);
  // Beside an open drawer, 5 cm more: the hand is 19 cm long, and a cube turned 45 degrees can only be
  // grasped with the hand diagonal, reaching over the drawer's side or the cabinet's top.
  const side = CABINET.halfWidth + r + 0.03 + (drawerOpen ? 0.05 : 0);
  if (p[0] + r > handleFront - 0.06 && Math.abs(p[1] - CABINET.pos[1]) < side) return true;
  if (Math.hypot(p[0] - BUTTON.pos[0], p[1] - BUTTON.pos[1]) < BUTTON.baseRadius + r + 0.05) return true;
  return false;
}

export interface LayoutOptions {
  drawerOpen?: boolean;
  /** Keep objects clear of the open drawer even if it starts closed (a chain may open it). */
  drawerMayOpen?: boolean;
  /** Extra acceptance test on a complete layout (spatial tasks need an unambiguous target). */
  accept?: (objects: Partial<Record<ObjectName, ObjectPlacement>>) => boolean;
}

export function sampleLayout(rng: Rng, opts: LayoutOptions = {}): InitialState {
  const order: ObjectName[] = ['blue_bowl', 'plate', ...CUBES];
  for (let attempt = 0; attempt < 500; attempt++) {
    const objects: Partial<Record<ObjectName, ObjectPlacement>> = {};
    let ok = true;
    for (const o of order) {
      const r = RADIUS[o]!;
      let placed = false;
      for (let k = 0; k < 200 && !placed; k++) {
        const p: Vec3 = [
          rng.uniform(WORKSPACE.xMin + (r > 0.05 ? 0.03 : 0), WORKSPACE.xMax - (r > 0.05 ? 0.02 : 0)),
          rng.uniform(WORKSPACE.yMin + r - 0.02, WORKSPACE.yMax - r + 0.02),
          0,
        ];
        if (blocked(p, r, !!opts.drawerOpen || !!opts.drawerMayOpen)) continue;
        const clash = Object.entries(objects).some(([n, q]) => Math.hypot(q!.pos[0] - p[0], q!.pos[1] - p[1]) < r + RADIUS[n as ObjectName]! + 0.02);
        if (clash) continue;
        const z = o === 'plate' ? 0.006 : o === 'blue_bowl' ? 0 : 0.02;
        objects[o] = { pos: [p[0], p[1], z], yaw: o.endsWith('cube') ? rng.uniform(-Math.PI / 4, Math.PI / 4) : 0 };
        placed = true;
      }
      if (!placed) {
        ok = false;
        break;
      }
    }
    if (ok && (!opts.accept || opts.accept(objects))) {
      return { objects, drawer: opts.drawerOpen ? -DRAWER.travel : 0 };
    }
  }
  throw new Error('could not sample a layout');
}

// ------------------------------------------------------------------ goals
const n = (o: string) => o.replace('_', ' ');
const color = (c: CubeName) => c.split('_')[0];

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
}

// ------------------------------------------------------------------ task constructors
function task(
  id: string,
  suite: SuiteName,
  title: string,
  templates: string[],
  build: (rng: Rng, instruction: string) => { init: InitialState; goals: Goal[]; text?: string },
): TaskDef {
  return {
    id,
    suite,
    title,
    templates,
    sample(seed: number): EpisodeSpec {
      const rng = new Rng(seed);
      const instruction = rng.fork(1).pick(templates);
      const { init, goals, text } = build(rng.fork(2), instruction);
      return { taskId: id, suite, seed, init, goals, ...(text ? { text } : {}) };
    },
  };
}

type Placements = Partial<Record<ObjectName, ObjectPlacement>>;
const cubesBy = (objs: Placements, key: (p: Vec3) => number): CubeName[] =>
  CUBES.slice().sort((a, b) => key(objs[a]!.pos) - key(objs[b]!.pos));
/** The extreme cube under `key` must beat the runner-up by `margin`, so the instruction is unambiguous. */
const clearWinner = (key: (p: Vec3) => number, margin: number) => (objs: Placements) => {
  const s = cubesBy(objs, key);
  return key(objs[s[1]]!.pos) - key(objs[s[0]]!.pos) > margin;
};

// Directions are as seen from the front camera (and the app's default view): left = world -y,
// "closest to the robot" = smallest x.
const SPATIAL: Array<{ key: string; ref: string; title: string; rank: (p: Vec3, objs: Placements) => number; place: 'bowl' | 'plate'; templates: string[] }> = [
  {
    key: 'left_cube_to_bowl', ref: 'leftmost', title: 'Leftmost cube → bowl', place: 'bowl', rank: (p) => p[1],
    templates: ['put the leftmost cube in the bowl', 'place the cube on the far left into the blue bowl', 'pick up the left most cube and put it in the bowl'],
  },
  {
    key: 'right_cube_to_bowl', ref: 'rightmost', title: 'Rightmost cube → bowl', place: 'bowl', rank: (p) => -p[1],
    templates: ['put the rightmost cube in the bowl', 'place the cube on the far right into the blue bowl', 'pick up the right most cube and put it in the bowl'],
  },
  {
    key: 'near_cube_to_plate', ref: 'nearest', title: 'Cube nearest the robot → plate', place: 'plate', rank: (p) => p[0],
    templates: ['put the cube closest to the robot on the plate', 'place the nearest cube to the robot onto the plate', 'pick up the cube nearest the robot and put it on the plate'],
  },
  {
    key: 'far_cube_to_plate', ref: 'farthest', title: 'Cube farthest from the robot → plate', place: 'plate', rank: (p) => -p[0],
    templates: ['put the cube farthest from the robot on the plate', 'place the cube furthest from the robot onto the plate', 'pick up the farthest cube and put it on the plate'],
  },
  {
    key: 'cube_near_bowl_to_plate', ref: 'next_to_bowl', title: 'Cube next to the bowl → plate', place: 'plate',
    rank: (p, objs) => Math.hypot(p[0] - objs.blue_bowl!.pos[0], p[1] - objs.blue_bowl!.pos[1]),
    templates: ['put the cube next to the bowl on the plate', 'place the cube closest to the bowl onto the plate', 'pick up the cube beside the bowl and put it on the plate'],
  },
];

const SPATIAL_MARGIN = 0.06;
const RANKS: Record<string, (p: Vec3, objs: Placements) => number> = {
  ...Object.fromEntries(SPATIAL.map((s) => [s.ref, s.rank])),
  next_to_plate: (p, objs) => Math.hypot(p[0] - objs.plate!.pos[0], p[1] - objs.plate!.pos[1]),
};

/**
 * The cube a place-reference ("leftmost", "nearest", "next_to_plate"...) picks among the cubes standing on
 * the table, by the spatial tasks' ranks and margin; null when the layout leaves it ambiguous, undefined
 * for references no layout rank decides (in the bowl, on the plate). src/language/scene.ts decides the same
 * references for parsing; this is the check that keeps a perturbed layout true to the words.
 */
export function spatialReferent(relation: string, objects: Placements): CubeName | null | undefined {
  const rank = RANKS[relation];
  if (!rank || (relation === 'next_to_plate' && !objects.plate) || (relation === 'next_to_bowl' && !objects.blue_bowl)) return undefined;
  const free = CUBES.filter((c) => {
    const p = objects[c]?.pos;
    if (!p || p[2] > 0.03) return false;
    return (['blue_bowl', 'plate'] as const).every((f) => !objects[f] || Math.hypot(objects[f]!.pos[0] - p[0], objects[f]!.pos[1] - p[1]) > RADIUS[f]!);
  });
  if (free.length < 2) return free[0] ?? null;
  const sorted = free.sort((a, b) => rank(objects[a]!.pos, objects) - rank(objects[b]!.pos, objects));
  return rank(objects[sorted[1]]!.pos, objects) - rank(objects[sorted[0]]!.pos, objects) > SPATIAL_MARGIN ? sorted[0] : null;
}

function buildTasks(): TaskDef[] {
  const tasks: TaskDef[] = [];

  for (const s of SPATIAL) {
    const margin = SPATIAL_MARGIN;
    tasks.push({
      ...task(`spatial/${s.key}`, 'spatial', s.title, s.templates, (rng, instruction) => {
        const init = sampleLayout(rng, {
          accept: (objs) => clearWinner((p) => s.rank(p, objs), margin)(objs),
        });
        const target = cubesBy(init.objects, (p) => s.rank(p, init.objects))[0];
        const goal = goalOf(place(target, s.place === 'bowl' ? 'blue_bowl' : 'plate'), instruction, s.ref);
        return { init, goals: [goal] };
      }),
      refersTo: (objs) => (clearWinner((p) => s.rank(p, objs), margin)(objs) ? cubesBy(objs, (p) => s.rank(p, objs))[0] : null),
    });
  }

  const objectTemplates = [
    'put the {c} cube in the blue bowl',
    'place the {c} cube into the bowl',
    'pick up the {c} cube and put it in the blue bowl',
    'move the {c} block into the bowl',
  ];
  for (const c of CUBES) {
    const templates = objectTemplates.map((t) => fill(t, { c: color(c) }));
    tasks.push(
      task(`object/${color(c)}_to_bowl`, 'object', `${n(c)} → bowl`, templates, (rng, instruction) => ({
        init: sampleLayout(rng),
        goals: [goalOf(place(c, 'blue_bowl'), instruction)],
      })),
    );
  }

  tasks.push(
    task('goal/open_drawer', 'goal', 'Open the drawer', ['open the drawer', 'pull the drawer open', 'open the top drawer of the cabinet'], (rng, i) => ({
      init: sampleLayout(rng),
      goals: [goalOf(OPEN_DRAWER, i)],
    })),
    task('goal/close_drawer', 'goal', 'Close the drawer', ['close the drawer', 'push the drawer shut', 'shut the drawer of the cabinet'], (rng, i) => ({
      init: sampleLayout(rng, { drawerOpen: true }),
      goals: [goalOf(CLOSE_DRAWER, i)],
    })),
    task('goal/press_button', 'goal', 'Press the button', ['press the button', 'push the red button', 'press down on the button'], (rng, i) => ({
      init: sampleLayout(rng),
      goals: [goalOf(PRESS_BUTTON, i)],
    })),
    task('goal/red_on_plate', 'goal', 'Red cube → plate', ['put the red cube on the plate', 'place the red cube onto the plate', 'pick up the red block and put it on the plate'], (rng, i) => ({
      init: sampleLayout(rng),
      goals: [goalOf(place('red_cube', 'plate'), i)],
    })),
    task('goal/stack_blue_on_yellow', 'goal', 'Stack blue on yellow', ['stack the blue cube on the yellow cube', 'put the blue cube on top of the yellow cube', 'place the blue block on the yellow block'], (rng, i) => ({
      init: sampleLayout(rng),
      goals: [goalOf(place('blue_cube', 'yellow_cube'), i)],
    })),
  );

  // A long task is a program of 2-3 atoms said in one sentence: its goals run in order (as a chain's and an
  // open program's do), each with its own step words, and the sentence is the spec's `text`.
  const long = (id: string, title: string, templates: string[], atoms: ResolvedAtom[], drawerOpen = false) =>
    task(`long/${id}`, 'long', title, templates, (rng, i) => ({
      init: sampleLayout(rng, { drawerOpen }),
      goals: atoms.map((a) => goalOf(a, stepText(a))),
      text: i,
    }));
  tasks.push(
    long('red_bowl_then_button', 'Red → bowl, then button',
      ['put the red cube in the bowl and then press the button', 'place the red cube into the blue bowl then push the button', 'pick up the red cube, drop it in the bowl, then press the button'],
      [place('red_cube', 'blue_bowl'), PRESS_BUTTON]),
    long('red_plate_blue_bowl', 'Red → plate and blue → bowl',
      ['put the red cube on the plate and the blue cube in the bowl', 'place the red cube onto the plate then put the blue cube into the bowl', 'move the red cube to the plate and the blue cube to the bowl'],
      [place('red_cube', 'plate'), place('blue_cube', 'blue_bowl')]),
    long('open_drawer_then_button', 'Open drawer, then button',
      ['open the drawer and then press the button', 'pull the drawer open then push the button', 'open the top drawer of the cabinet, then press the red button'],
      [OPEN_DRAWER, PRESS_BUTTON]),
    long('stack_then_plate', 'Stack green on red, yellow → plate',
      ['stack the green cube on the red cube and put the yellow cube on the plate', 'put the green cube on top of the red cube then place the yellow cube onto the plate', 'place the green block on the red block and the yellow block on the plate'],
      [place('green_cube', 'red_cube'), place('yellow_cube', 'plate')]),
    long('three_step', 'Red → bowl, green → plate, button',
      ['put the red cube in the bowl, put the green cube on the plate and press the button', 'place the red cube into the bowl then the green cube onto the plate then push the button', 'red cube to the bowl, green cube to the plate, then press the button'],
      [place('red_cube', 'blue_bowl'), place('green_cube', 'plate'), PRESS_BUTTON]),
  );

  tasks.push({
    id: 'chains/five',
    suite: 'chains',
    title: 'CALVIN-style chain of 5 instructions',
    templates: CHAIN_TEMPLATES.flatMap((t) => t.templates),
    sample: sampleChain,
  });
  return tasks;
}

// ------------------------------------------------------------------ chains (CALVIN-style)
type ChainAtom = { kind: 'bowl' | 'plate' | 'stack' | 'open' | 'close' | 'press'; templates: string[] };
const CHAIN_TEMPLATES: ChainAtom[] = [
  { kind: 'bowl', templates: ['put the {c} cube in the blue bowl', 'place the {c} cube into the bowl'] },
  { kind: 'plate', templates: ['put the {c} cube on the plate', 'place the {c} cube onto the plate'] },
  { kind: 'stack', templates: ['stack the {c} cube on the {b} cube', 'put the {c} cube on top of the {b} cube'] },
  { kind: 'open', templates: ['open the drawer', 'pull the drawer open'] },
  { kind: 'close', templates: ['close the drawer', 'push the drawer shut'] },
  { kind: 'press', templates: ['press the button', 'push the red button'] },
];

function sampleChain(seed: number): EpisodeSpec {
  const rng = new Rng(seed);
  const drawerOpen = rng.next() < 0.5;
  const init = sampleLayout(rng.fork(2), { drawerOpen, drawerMayOpen: true });
  const free = rng.shuffle(CUBES); // cubes not yet moved
  const bases: CubeName[] = [];
  let open = drawerOpen;
  let pressed = false;
  const goals: Goal[] = [];
  while (goals.length < 5) {
    const options = CHAIN_TEMPLATES.filter((a) => {
      if (a.kind === 'open') return !open;
      if (a.kind === 'close') return open;
      if (a.kind === 'press') return !pressed;
      if (a.kind === 'stack') return free.length >= 2;
      return free.length >= 1;
    });
    const atom = rng.pick(options);
    const t = rng.pick(atom.templates);
    if (atom.kind === 'open') {
      goals.push(goalOf(OPEN_DRAWER, t));
      open = true;
    } else if (atom.kind === 'close') {
      goals.push(goalOf(CLOSE_DRAWER, t));
      open = false;
    } else if (atom.kind === 'press') {
      goals.push(goalOf(PRESS_BUTTON, t));
      pressed = true;
    } else if (atom.kind === 'stack') {
      const c = free.pop()!;
      const b = free.pop()!;
      bases.push(b);
      goals.push(goalOf(place(c, b), fill(t, { c: color(c), b: color(b) })));
    } else {
      const c = free.pop()!;
      goals.push(goalOf(place(c, atom.kind === 'bowl' ? 'blue_bowl' : 'plate'), fill(t, { c: color(c) })));
    }
  }
  return { taskId: 'chains/five', suite: 'chains', seed, init, goals };
}

export const TASKS: TaskDef[] = buildTasks();
// Task ids arrive from links and command lines. A plain object lookup would find Object.prototype's members
// ("__proto__", "constructor", "toString"...) and hand them on as tasks; a Map only has its own keys.
const TASK_MAP: ReadonlyMap<string, TaskDef> = new Map(TASKS.map((t) => [t.id, t]));
/** Null prototype for the same reason; prefer findTask / isTaskId. */
export const TASK_BY_ID: Readonly<Partial<Record<string, TaskDef>>> = Object.freeze(Object.assign(Object.create(null) as Record<string, TaskDef>, Object.fromEntries(TASK_MAP)));
export const DEFAULT_TASK = 'object/red_to_bowl';

export function tasksInSuite(suite: SuiteName | 'all'): TaskDef[] {
  return suite === 'all' ? TASKS : TASKS.filter((t) => t.suite === suite);
}

export function findTask(id: string): TaskDef | undefined {
  return TASK_MAP.get(id);
}

export function isTaskId(id: string): boolean {
  return TASK_MAP.has(id);
}

export function getTask(id: string): TaskDef {
  const t = TASK_MAP.get(id);
  if (!t) throw new Error(`unknown task "${id}". Valid tasks: ${TASKS.map((x) => x.id).join(', ')}`);
  return t;
}
