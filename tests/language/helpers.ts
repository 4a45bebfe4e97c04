import type { Vec3 } from '../../src/sim/math';
import type { TableScene } from '../../src/language/scene';
import { parse, type ParseResult } from '../../src/language/parse';
import type { ResolvedAtom } from '../../src/language/program';

// A hand-made table for the parser tests (no physics): positions chosen so that each spatial relation is
// clear or deliberately not.
//
//   y: -0.25 red (x 0.36)   -0.05 green (0.55)   0.10 blue (0.45)   0.25 yellow (0.62)
//   bowl (0.36, 0.22): blue is next to it; plate (0.50, -0.28): red is next to it.
//   leftmost red, rightmost yellow, farthest yellow; nearest is red by how far forward (x) but red and blue
//   are within 6 cm by distance to the base, so "nearest" is ambiguous here.
export const CUBE_AT: Record<string, Vec3> = {
  red_cube: [0.36, -0.25, 0.02],
  green_cube: [0.55, -0.05, 0.02],
  blue_cube: [0.45, 0.1, 0.02],
  yellow_cube: [0.62, 0.25, 0.02],
};

export function table(opts: { drawer?: number; without?: string[]; move?: Record<string, Vec3> } = {}): TableScene {
  const objects: TableScene['objects'] = { blue_bowl: { pos: [0.36, 0.22, 0] }, plate: { pos: [0.5, -0.28, 0.006] } };
  for (const [c, p] of Object.entries(CUBE_AT)) if (!opts.without?.includes(c)) objects[c as 'red_cube'] = { pos: opts.move?.[c] ?? p };
  return { objects, drawer: opts.drawer ?? 0 };
}

/** The resolved atoms of a program answer, or the answer itself to show why not. */
export function resolvedOf(r: ParseResult): ResolvedAtom[] | ParseResult {
  return r.kind === 'program' ? r.steps.map((s) => s.resolved) : r;
}

export const run = (text: string, scene = table()) => resolvedOf(parse(text, scene));
