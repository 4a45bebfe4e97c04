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

export type CubeRef = { kind: 'colour'; colour: Colour } | { kind: 'spatial'; relation: SpatialRelation };
export type Target = { kind: 'bowl' } | { kind: 'plate' } | { kind: 'cube'; cube: CubeRef };
export type Atom =
  | { kind: 'place'; cube: CubeRef; target: Target }
  | { kind: 'open_drawer' }
  | { kind: 'close_drawer' }
  | { kind: 'press_button' };
export type AtomKind = Atom['kind'];
export type Program = Atom[];

export const MAX_ATOMS = 5;

/** An atom whose cube references have been looked up on a scene. */
export type ResolvedAtom =
  | { kind: 'place'; cube: CubeName; target: 'blue_bowl' | 'plate' | CubeName }
  | { kind: 'open_drawer' }
  | { kind: 'close_drawer' }
  | { kind: 'press_button' };

export const colourRef = (colour: Colour): CubeRef => ({ kind: 'colour', colour });
export const spatialRef = (relation: SpatialRelation): CubeRef => ({ kind: 'spatial', relation });
export const cubeOf = (colour: Colour): CubeName => `${colour}_cube`;
export const colourOf = (cube: CubeName): Colour => cube.split('_')[0] as Colour;

export function sameRef(a: CubeRef, b: CubeRef): boolean {
  return a.kind === 'colour' ? b.kind === 'colour' && a.colour === b.colour : b.kind === 'spatial' && a.relation === b.relation;
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

/** "the red cube", "the leftmost cube". */
export function describeRef(ref: CubeRef): string {
  return ref.kind === 'colour' ? `the ${ref.colour} cube` : SPATIAL_PHRASE[ref.relation];
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
