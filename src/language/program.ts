import type { ResolvedAtom } from '../sim/goals';
import type { CubeName } from '../sim/vocab';

// A program is what an open instruction means: an ordered list of atoms the scripted expert can carry out
// and the simulator can judge. Cube references stay as they were said (a colour, or where the cube is):
// they are resolved on a scene when the program becomes goals, so "the leftmost cube" means the cube that
// is leftmost on the table the program runs on.

export const COLOURS = ['red', 'green', 'blue', 'yellow'] as const;
export type Colour = (typeof COLOURS)[number];

/**
 * Where a cube is, as people say it. Directions are as seen in the front camera (left = world -y); the
 * robot's base is the origin. See docs/language.md for how each is decided and when it is ambiguous.
 */
export const SPATIAL_RELATIONS = ['leftmost', 'rightmost', 'nearest', 'farthest', 'next_to_bowl', 'next_to_plate', 'in_bowl', 'on_plate'] as const;
export type SpatialRelation = (typeof SPATIAL_RELATIONS)[number];

/** The relations that rank the cubes standing on the table, so that "the second ..." has a meaning. */
export const ORDERED_RELATIONS = ['leftmost', 'rightmost', 'nearest', 'farthest', 'next_to_bowl', 'next_to_plate'] as const;
export type OrderedRelation = (typeof ORDERED_RELATIONS)[number];

/**
 * A cube as it was said. Every kind but the colour carries a `relation`, so code that names a reference by
 * its colour or relation (the sampler's held-out pairs) reads the new kinds too; the sampler draws only
 * the colour and spatial kinds.
 * - ordinal: "the second cube from the left" (rank 2 of `relation`, on the cubes standing on the table);
 * - on_cube: "the cube on the red cube", the cube stacked on `base`.
 */
export type CubeRef =
  | { kind: 'colour'; colour: Colour }
  | { kind: 'spatial'; relation: SpatialRelation }
  | { kind: 'ordinal'; relation: OrderedRelation; rank: number }
  | { kind: 'on_cube'; relation: 'on_cube'; base: CubeRef };
export type Target = { kind: 'bowl' } | { kind: 'plate' } | { kind: 'cube'; cube: CubeRef };
export type Atom =
  | { kind: 'place'; cube: CubeRef; target: Target }
  | { kind: 'open_drawer' }
  | { kind: 'close_drawer' }
  | { kind: 'press_button' };
export type AtomKind = Atom['kind'];
export type Program = Atom[];

export const MAX_ATOMS = 5;

/** An atom whose cube references have been looked up on a scene: the simulator's goal atom. */
export type { ResolvedAtom } from '../sim/goals';

export const colourRef = (colour: Colour): CubeRef => ({ kind: 'colour', colour });
export const spatialRef = (relation: SpatialRelation): CubeRef => ({ kind: 'spatial', relation });
/** Rank 1 is the plain superlative ("the first cube from the left" is the leftmost cube). */
export const ordinalRef = (relation: OrderedRelation, rank: number): CubeRef => (rank === 1 ? spatialRef(relation) : { kind: 'ordinal', relation, rank });
export const onCubeRef = (base: CubeRef): CubeRef => ({ kind: 'on_cube', relation: 'on_cube', base });
export const cubeOf = (colour: Colour): CubeName => `${colour}_cube`;
export const colourOf = (cube: CubeName): Colour => cube.split('_')[0] as Colour;

export function sameRef(a: CubeRef, b: CubeRef): boolean {
  switch (a.kind) {
    case 'colour':
      return b.kind === 'colour' && a.colour === b.colour;
    case 'spatial':
      return b.kind === 'spatial' && a.relation === b.relation;
    case 'ordinal':
      return b.kind === 'ordinal' && a.relation === b.relation && a.rank === b.rank;
    case 'on_cube':
      return b.kind === 'on_cube' && sameRef(a.base, b.base);
  }
}

export function sameAtom(a: Atom, b: Atom): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'place' || b.kind !== 'place') return true;
  if (!sameRef(a.cube, b.cube) || a.target.kind !== b.target.kind) return false;
  return a.target.kind !== 'cube' || (b.target.kind === 'cube' && sameRef(a.target.cube, b.target.cube));
}

export function sameProgram(a: Program, b: Program): boolean {
  return a.length === b.length && a.every((x, i) => sameAtom(x, b[i]));
}

const SPATIAL_PHRASE: Record<SpatialRelation, string> = {
  leftmost: 'the leftmost cube',
  rightmost: 'the rightmost cube',
  nearest: 'the cube nearest to the robot',
  farthest: 'the cube farthest from the robot',
  next_to_bowl: 'the cube next to the bowl',
  next_to_plate: 'the cube next to the plate',
  in_bowl: 'the cube in the bowl',
  on_plate: 'the cube on the plate',
};

export const ORDINAL_WORDS: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth' };
/** `{k}` is the ordinal word. */
const ORDINAL_PHRASE: Record<OrderedRelation, string> = {
  leftmost: 'the {k} cube from the left',
  rightmost: 'the {k} cube from the right',
  nearest: 'the {k} nearest cube to the robot',
  farthest: 'the {k} farthest cube from the robot',
  next_to_bowl: 'the {k} closest cube to the bowl',
  next_to_plate: 'the {k} closest cube to the plate',
};

/** "the red cube", "the leftmost cube", "the second cube from the left", "the cube on the red cube". */
export function describeRef(ref: CubeRef): string {
  switch (ref.kind) {
    case 'colour':
      return `the ${ref.colour} cube`;
    case 'spatial':
      return SPATIAL_PHRASE[ref.relation];
    case 'ordinal':
      return ORDINAL_PHRASE[ref.relation].replace('{k}', ORDINAL_WORDS[ref.rank] ?? `number ${ref.rank}`);
    case 'on_cube':
      return `the cube on ${describeRef(ref.base)}`;
  }
}

/** The atoms on the fixtures read the same however they are described. */
const FIXTURE_STEPS = { open_drawer: 'open the drawer', close_drawer: 'close the drawer', press_button: 'press the button' } as const;

/** The plain English of one atom; parse() reads it back as the same atom. */
export function describeAtom(atom: Atom): string {
  switch (atom.kind) {
    case 'place': {
      const t = atom.target;
      if (t.kind === 'bowl') return `put ${describeRef(atom.cube)} in the bowl`;
      if (t.kind === 'plate') return `put ${describeRef(atom.cube)} on the plate`;
      return `stack ${describeRef(atom.cube)} on ${describeRef(t.cube)}`;
    }
    default:
      return FIXTURE_STEPS[atom.kind];
  }
}

export function describeProgram(program: Program): string {
  return program.map(describeAtom).join(', then ');
}

/** "red cube in the bowl", for questions and failure reports. */
export function describeResolved(atom: ResolvedAtom): string {
  const n = (o: string) => o.replace('_', ' ');
  switch (atom.kind) {
    case 'place':
      return atom.target === 'blue_bowl' ? `${n(atom.cube)} in the bowl` : `${n(atom.cube)} on the ${n(atom.target)}`;
    default:
      return FIXTURE_STEPS[atom.kind];
  }
}
