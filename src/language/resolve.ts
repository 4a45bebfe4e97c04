import type { CubeName } from '../sim/vocab';
import { cubeOf, describeRef, type Atom, type CubeRef, type Program, type ResolvedAtom } from './program';
import { afterAtom, cubeOn, drawerIsClosed, drawerIsOpen, referent, worldOf, type TableScene, type World } from './scene';

// Looking a program's references up on a scene, atom after atom, and checking each atom can be done there:
// what parse() asks about (ambiguous references) and explains (impossible requests), and what
// programToGoals() needs (concrete cubes).

export type Resolution =
  | { ok: true; atoms: ResolvedAtom[]; worlds: World[] }
  | { ok: false; kind: 'ambiguous'; atom: number; role: 'cube' | 'target'; ref: CubeRef; candidates: CubeName[] }
  | { ok: false; kind: 'impossible'; atom: number; message: string };

const label = (c: string) => `the ${c.replace('_', ' ')}`;

type RefResult = { cube: CubeName } | { ambiguous: CubeName[] } | { none: string };

function lookUp(ref: CubeRef, w: World, exclude?: CubeName): RefResult {
  switch (ref.kind) {
    case 'spatial':
      return referent(ref.relation, w, exclude);
    case 'ordinal':
      // Counted along the row as it stands, the cube being moved included: "put the red cube on the second
      // cube from the left" counts the red cube too (a superlative leaves it out: it cannot mean itself).
      return referent(ref.relation, w, undefined, ref.rank);
    case 'on_cube':
      return onTopOf(ref.base, w);
    case 'colour': {
      const c = cubeOf(ref.colour);
      return w.cubes[c] ? { cube: c } : { none: `there is no ${ref.colour} cube on the table` };
    }
  }
}

/**
 * "The cube on the red cube": the cube resting on the base (on the world as the atoms before intend it).
 * When the base itself is ambiguous, the cubes on its candidates are the candidates: parse() tries each,
 * and keeps the readings that can run.
 */
function onTopOf(base: CubeRef, w: World): RefResult {
  const b = lookUp(base, w);
  if ('none' in b) return b;
  if ('cube' in b) {
    const top = cubeOn(w, b.cube);
    return top ? { cube: top } : { none: `no cube is on ${label(b.cube)}` };
  }
  const tops = b.ambiguous.map((c) => cubeOn(w, c)).filter((c): c is CubeName => c !== null);
  return tops.length ? { ambiguous: tops } : { none: `no cube is on ${describeRef(base)}` };
}

/** Why `atom` cannot be carried out on `w`, or its resolved form. */
function check(atom: Atom, w: World, i: number): Resolution | ResolvedAtom {
  const impossible = (message: string): Resolution => ({ ok: false, kind: 'impossible', atom: i, message });
  switch (atom.kind) {
    case 'open_drawer':
      return drawerIsOpen(w) ? impossible('the drawer is already open') : atom;
    case 'close_drawer':
      return drawerIsClosed(w) ? impossible('the drawer is already closed') : atom;
    case 'press_button':
      return atom;
    case 'place': {
      const found = lookUp(atom.cube, w);
      if ('none' in found) return impossible(found.none);
      if ('ambiguous' in found) return { ok: false, kind: 'ambiguous', atom: i, role: 'cube', ref: atom.cube, candidates: found.ambiguous };
      const c = found.cube;
      const top = cubeOn(w, c);
      if (top) return impossible(`${label(top)} is on top of ${label(c)}; move it first`);
      const on = w.cubes[c]!.on;
      if (atom.target.kind === 'bowl') {
        if (!w.bowl) return impossible('there is no bowl on the table');
        return on === 'blue_bowl' ? impossible(`${label(c)} is already in the bowl`) : { kind: 'place', cube: c, target: 'blue_bowl' };
      }
      if (atom.target.kind === 'plate') {
        if (!w.plate) return impossible('there is no plate on the table');
        return on === 'plate' ? impossible(`${label(c)} is already on the plate`) : { kind: 'place', cube: c, target: 'plate' };
      }
      const t = lookUp(atom.target.cube, w, c);
      if ('none' in t) return impossible(t.none);
      if ('ambiguous' in t) return { ok: false, kind: 'ambiguous', atom: i, role: 'target', ref: atom.target.cube, candidates: t.ambiguous };
      const b = t.cube;
      if (b === c) return impossible(`${label(c)} cannot be stacked on itself`);
      if (on === b) return impossible(`${label(c)} is already on ${label(b)}`);
      const occupant = cubeOn(w, b);
      if (occupant) return impossible(`${label(occupant)} is already on ${label(b)}`);
      return { kind: 'place', cube: c, target: b };
    }
  }
}

export function resolveProgram(program: Program, scene: TableScene): Resolution {
  let w = worldOf(scene);
  const atoms: ResolvedAtom[] = [];
  const worlds: World[] = [w];
  for (let i = 0; i < program.length; i++) {
    const r = check(program[i], w, i);
    if ('ok' in r) return r;
    atoms.push(r);
    w = afterAtom(w, r);
    worlds.push(w);
  }
  return { ok: true, atoms, worlds };
}
