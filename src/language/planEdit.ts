import type { ResolvedAtom } from '../sim/goals';
import { CUBES } from '../sim/vocab';
import { colourOf, colourRef, describeProgram, type Atom } from './program';

// Editing the plan by hand (talk-back): deleting, moving or adding a step of what is still to do. An edit
// is said to the episode as words, like a typed correction (src/language/correction.ts), so it is kept,
// marked and replayed from a link the same way: the words are the new remaining program in plain English.

export type PlanEdit = { kind: 'delete'; index: number } | { kind: 'move'; index: number; by: -1 | 1 } | { kind: 'add'; atom: ResolvedAtom };

function asAtom(a: ResolvedAtom): Atom {
  if (a.kind !== 'place') return a;
  const target = a.target === 'blue_bowl' ? ({ kind: 'bowl' } as const) : a.target === 'plate' ? ({ kind: 'plate' } as const) : ({ kind: 'cube', cube: colourRef(colourOf(a.target)) } as const);
  return { kind: 'place', cube: colourRef(colourOf(a.cube)), target };
}

/**
 * The words for the remaining program after `edit` (indices into `remaining`), or null when the edit
 * leaves nothing to do or does nothing. Additions are said as "then ...", so they go after the rest.
 */
export function planEditWords(remaining: readonly ResolvedAtom[], edit: PlanEdit): string | null {
  if (edit.kind === 'add') return `then ${describeProgram([asAtom(edit.atom)])}`;
  const next = remaining.slice();
  if (edit.kind === 'delete') {
    if (edit.index < 0 || edit.index >= next.length || next.length < 2) return null;
    next.splice(edit.index, 1);
  } else {
    const j = edit.index + edit.by;
    if (edit.index < 0 || j < 0 || j >= next.length) return null;
    [next[edit.index], next[j]] = [next[j], next[edit.index]];
  }
  return describeProgram(next.map(asAtom));
}

/** Every atom a person can add on this table, for the plan editor's list (validity is checked on apply). */
export function addableAtoms(present: readonly string[]): ResolvedAtom[] {
  const cubes = CUBES.filter((c) => present.includes(c));
  const out: ResolvedAtom[] = [];
  for (const c of cubes) {
    if (present.includes('blue_bowl')) out.push({ kind: 'place', cube: c, target: 'blue_bowl' });
    if (present.includes('plate')) out.push({ kind: 'place', cube: c, target: 'plate' });
    for (const b of cubes) if (b !== c) out.push({ kind: 'place', cube: c, target: b });
  }
  out.push({ kind: 'open_drawer' }, { kind: 'close_drawer' }, { kind: 'press_button' });
  return out;
}
