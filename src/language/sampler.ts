import type { InitialState } from '../sim/env';
import { Rng } from '../sim/rng';
import { CUBE_HALF, PLATE } from '../sim/scene';
import { sampleLayout, type EpisodeSpec } from '../sim/tasks';
import { CUBES, type CubeName } from '../sim/vocab';
import { programToSpec } from './judge';
import { colourOf, colourRef, MAX_ATOMS, spatialRef, SPATIAL_RELATIONS, type Atom, type AtomKind, type CubeRef, type Program, type ResolvedAtom } from './program';
import { MAX_CHARS } from './parse';
import { renderProgram } from './render';
import { afterAtom, drawerIsClosed, drawerIsOpen, referent, worldOf, type World } from './scene';

// Seeded open-instruction episodes: a layout (the tasks' sampler), a program of 1-5 atoms mixing colour
// and spatial references, and a wording of it. Two deterministic splits keep some compositions and some
// wordings out of training (docs/language.md):
// - train: no held-out composition and no held-out wording;
// - heldout: per seed, either held-out compositions in train wordings or train compositions in held-out
//   wordings (`heldout` names them);
// - all: any composition; half the seeds in train wordings, half in all wordings.
// Programs stay within what the scripted expert does reliably: each cube is moved at most once, only cubes
// still on the table are moved or stacked on, and a cube that has another stacked on it stays put.

export type Split = 'train' | 'heldout' | 'all';

export interface OpenEpisode {
  spec: EpisodeSpec;
  program: Program;
  text: string;
  /** The held-out compositions and wordings this sample contains (empty in train). */
  heldout: string[];
}

/** Colour x target pairs that only the held-out split contains. */
export const HELDOUT_PAIRS: ReadonlyArray<readonly [string, 'bowl' | 'plate' | 'cube']> = [
  ['yellow', 'bowl'], ['green', 'plate'], ['red', 'cube'], ['rightmost', 'plate'], ['nearest', 'bowl'],
];
/** Atom orders (one step directly after another) that only the held-out split contains. */
export const HELDOUT_ORDERS: ReadonlyArray<readonly [string, string]> = [
  ['press_button', 'open_drawer'], ['stack', 'press_button'], ['close_drawer', 'place_plate'],
];

/** A step's kind with placements told apart by where the cube goes. */
function stepKind(a: Atom): string {
  if (a.kind !== 'place') return a.kind;
  return a.target.kind === 'cube' ? 'stack' : `place_${a.target.kind}`;
}

export function heldoutCompositions(program: Program): string[] {
  const out: string[] = [];
  for (const a of program) {
    if (a.kind !== 'place') continue;
    const who = a.cube.kind === 'colour' ? a.cube.colour : a.cube.relation;
    if (HELDOUT_PAIRS.some(([c, t]) => c === who && t === a.target.kind)) out.push(`pair:${who}->${a.target.kind}`);
  }
  for (let i = 1; i < program.length; i++) {
    const pair = [stepKind(program[i - 1]), stepKind(program[i])];
    if (HELDOUT_ORDERS.some(([x, y]) => x === pair[0] && y === pair[1])) out.push(`order:${pair[0]}->${pair[1]}`);
  }
  return out;
}

/** The ways to refer to cube `c` on `w` that pick it and only it (spatial ones only when unambiguous). */
function refsFor(c: CubeName, w: World, exclude?: CubeName): CubeRef[] {
  const refs: CubeRef[] = [colourRef(colourOf(c))];
  for (const rel of SPATIAL_RELATIONS) {
    const r = referent(rel, w, exclude);
    if ('cube' in r && r.cube === c) refs.push(spatialRef(rel));
  }
  return refs;
}

const ATOM_WEIGHTS: Array<[AtomKind | 'stack' | 'plate', number]> = [
  ['place', 3], ['plate', 3], ['stack', 2], ['open_drawer', 1], ['close_drawer', 1], ['press_button', 1.5],
];

/** Cubes the expert sets down reliably side by side in the bowl and on the plate. */
const CAPACITY = { blue_bowl: 3, plate: 2 };

function sampleProgram(rng: Rng, start: World, length: number): { program: Program; resolved: ResolvedAtom[] } {
  let w = start;
  const free = new Set<CubeName>(CUBES.filter((c) => w.cubes[c]?.on === 'table'));
  // A cube that starts in the bowl or on the plate may go to the other one (not onto a cube: the expert
  // stacks reliably only from the table), and only while it is alone there: with a second cube beside it
  // in the bowl the fingers cannot reach down around it (seed 1,000,053 of an earlier sampler).
  const inPlace = new Set<CubeName>(CUBES.filter((c) => w.cubes[c] && w.cubes[c]!.on !== 'table'));
  const alone = (c: CubeName) => CUBES.every((k) => k === c || w.cubes[k]?.on !== w.cubes[c]!.on);
  // A third cube on the plate (or a fourth in the bowl) has to be set down against the others and the
  // expert misses it (seed 1,000,172: the fingers land on a cube already there).
  const room = (to: 'blue_bowl' | 'plate') => CUBES.filter((k) => w.cubes[k]?.on === to).length < CAPACITY[to];
  const movable = (to: 'blue_bowl' | 'plate') => (room(to) ? [...free, ...[...inPlace].filter((c) => w.cubes[c]!.on !== to && alone(c))] : []);
  let pressed = false;
  const program: Program = [];
  const resolved: ResolvedAtom[] = [];
  const chooseRef = (c: CubeName, exclude?: CubeName) => {
    const refs = refsFor(c, w, exclude);
    return refs.length > 1 && rng.next() < 0.5 ? rng.pick(refs.slice(1)) : refs[0];
  };
  while (program.length < length) {
    const options = ATOM_WEIGHTS.filter(([k]) => {
      if (k === 'open_drawer') return drawerIsClosed(w);
      if (k === 'close_drawer') return drawerIsOpen(w);
      if (k === 'press_button') return !pressed;
      if (k === 'stack') return free.size >= 2;
      return movable(k === 'place' ? 'blue_bowl' : 'plate').length > 0;
    });
    let x = rng.next() * options.reduce((s, [, p]) => s + p, 0);
    const [kind] = options.find(([, p]) => (x -= p) < 0) ?? options[options.length - 1];
    let atom: Atom;
    let r: ResolvedAtom;
    if (kind === 'open_drawer' || kind === 'close_drawer' || kind === 'press_button') {
      atom = { kind };
      r = { kind };
      pressed ||= kind === 'press_button';
    } else if (kind === 'stack') {
      const c = rng.pick([...free]);
      free.delete(c);
      const b = rng.pick([...free]);
      free.delete(b);
      atom = { kind: 'place', cube: chooseRef(c), target: { kind: 'cube', cube: chooseRef(b, c) } };
      r = { kind: 'place', cube: c, target: b };
    } else {
      const target = kind === 'place' ? 'blue_bowl' : 'plate';
      const c = rng.pick(movable(target));
      free.delete(c);
      inPlace.delete(c);
      atom = { kind: 'place', cube: chooseRef(c), target: { kind: kind === 'place' ? 'bowl' : 'plate' } };
      r = { kind: 'place', cube: c, target };
    }
    program.push(atom);
    resolved.push(r);
    w = afterAtom(w, r);
  }
  return { program, resolved };
}

/** How often a layout starts with one cube already in the bowl or on the plate. */
const PREPLACED = 0.25;

/** The layout with one cube moved into the bowl or onto the plate, where a placed cube would rest. */
function preplace(init: InitialState, rng: Rng): InitialState {
  const c = rng.pick(CUBES);
  const into = rng.next() < 0.5 ? 'blue_bowl' : 'plate';
  const at = init.objects[into]!.pos;
  const z = into === 'blue_bowl' ? at[2] + 0.006 + CUBE_HALF : at[2] + PLATE.halfHeight + CUBE_HALF;
  return { ...init, objects: { ...init.objects, [c]: { pos: [at[0], at[1], z], yaw: init.objects[c]!.yaw } } };
}

/** Program lengths 1..5, a little more weight on the middle. */
const LENGTH_WEIGHTS = [2, 3, 3, 2, 1.5];

export function sampleOpenEpisode(seed: number, split: Split = 'all'): OpenEpisode {
  const root = new Rng(seed);
  // One draw per seed, from a stream of its own (the attempts' streams stay as they are): a held-out sample
  // is new in its composition or in its wording, half and half, never both, so results can be told apart;
  // half of `all` is worded with the train wordings only.
  const coin = new Rng(seed).fork(0x5eed).next() < 0.5;
  const allowHeldoutWords = split === 'all' ? coin : split === 'heldout' && !coin;
  for (let attempt = 0; attempt < 400; attempt++) {
    const rng = root.fork(attempt + 1);
    const drawerOpen = rng.next() < 0.5;
    const layout = sampleLayout(rng.fork(1), { drawerOpen, drawerMayOpen: true });
    const init = rng.next() < PREPLACED ? preplace(layout, rng.fork(4)) : layout;
    let x = rng.next() * LENGTH_WEIGHTS.reduce((a, b) => a + b, 0);
    const length = 1 + Math.max(0, LENGTH_WEIGHTS.findIndex((p) => (x -= p) < 0));
    const { program } = sampleProgram(rng.fork(2), worldOf(init), Math.min(length, MAX_ATOMS));
    const wording = renderProgram(program, rng.fork(3), allowHeldoutWords);
    if (wording.text.length > MAX_CHARS) continue;
    const compositions = heldoutCompositions(program);
    if (split === 'train' && compositions.length) continue;
    if (split === 'heldout' && (allowHeldoutWords ? compositions.length > 0 || wording.heldout.length === 0 : compositions.length === 0)) continue;
    const heldout = [...compositions, ...wording.heldout];
    return { spec: programToSpec(program, init, seed, wording.text), program, text: wording.text, heldout };
  }
  throw new Error(`no ${split} episode found for seed ${seed}`);
}
