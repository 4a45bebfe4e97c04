import type { InitialState } from '../sim/env';
import { GOALS, type EpisodeSpec, type Goal, type SuiteName } from '../sim/tasks';
import { describeAtom, describeResolved, type Program, type ResolvedAtom } from './program';
import { resolveProgram } from './resolve';
import type { TableScene } from './scene';

// A program becomes goals exactly as a chain does: one goal per atom, each with its success relation (the
// predicates of src/sim/predicates.ts), its subtask plan and its step limit, so Episode judges it and the
// scripted expert carries it out with no code of their own.

/** Task id of episodes made from open instructions (no entry in the task table). */
export const OPEN_TASK_ID = 'open/program';
/** Open programs run goal after goal, as chains do, and are reported like them (completed length). */
export const OPEN_SUITE: SuiteName = 'chains';

export function goalOf(atom: ResolvedAtom, instruction: string): Goal {
  switch (atom.kind) {
    case 'open_drawer':
      return GOALS.openDrawer(instruction);
    case 'close_drawer':
      return GOALS.closeDrawer(instruction);
    case 'press_button':
      return GOALS.pressButton(instruction);
    case 'place':
      if (atom.target === 'blue_bowl') return GOALS.cubeToBowl(atom.cube, instruction);
      if (atom.target === 'plate') return GOALS.cubeToPlate(atom.cube, instruction);
      return GOALS.stack(atom.cube, atom.target, instruction);
  }
}

/**
 * One goal per atom, references looked up on `scene` (the state the program starts from). `texts` are the
 * words each goal is shown with (parse()'s steps); by default the atom's plain English. Throws when the
 * program cannot run on this scene: parse() only returns programs that can.
 */
export function programToGoals(program: Program, scene: TableScene, texts?: readonly string[]): Goal[] {
  const r = resolveProgram(program, scene);
  if (!r.ok) {
    const why = r.kind === 'impossible' ? r.message : `${describeAtom(program[r.atom])} is ambiguous here (${r.candidates.join(', ')})`;
    throw new Error(`program step ${r.atom + 1} cannot run on this scene: ${why}`);
  }
  return r.atoms.map((a, i) => goalOf(a, texts?.[i] ?? describeAtom(program[i])));
}

/** An episode that carries out `program` from `init`. */
export function programToSpec(program: Program, init: InitialState, seed: number, texts?: readonly string[]): EpisodeSpec {
  return { taskId: OPEN_TASK_ID, suite: OPEN_SUITE, seed, init, goals: programToGoals(program, init, texts) };
}

/** "red cube in the bowl, then press the button": the resolved program in words, for the UI and reports. */
export function describePlan(program: Program, scene: TableScene): string | null {
  const r = resolveProgram(program, scene);
  return r.ok ? r.atoms.map(describeResolved).join(', then ') : null;
}
