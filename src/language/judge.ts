import type { InitialState } from '../sim/env';
import { goalOf } from '../sim/goals';
import type { EpisodeSpec, Goal, SuiteName } from '../sim/tasks';
import { describeAtom, describeProgram, describeResolved, type Program } from './program';
import { resolveProgram } from './resolve';
import type { TableScene } from './scene';

// A program becomes goals exactly as a chain or a named task does (src/sim/goals.ts): one goal per atom, each
// with its success relation, its subtask plan and its step limit, so Episode judges it and the scripted
// expert carries it out with no code of their own. A goal's `instruction` is the step's words as a
// step-reading policy gets them (`stepText`: the cube by colour, in the training data's words); the words
// the person typed stay in the spec's `text` (a sentence-reading policy gets those) and in parse()'s steps.

/** Task id of episodes made from open instructions (no entry in the task table). */
export const OPEN_TASK_ID = 'open/program';
/** Open programs run goal after goal, as chains do, and are reported like them (completed length). */
export const OPEN_SUITE: SuiteName = 'chains';

/**
 * One goal per atom, references looked up on `scene` (the state the program starts from). Throws when the
 * program cannot run on this scene: parse() only returns programs that can.
 */
export function programToGoals(program: Program, scene: TableScene): Goal[] {
  const r = resolveProgram(program, scene);
  if (!r.ok) {
    const why = r.kind === 'impossible' ? r.message : `${describeAtom(program[r.atom])} is ambiguous here (${r.candidates.join(', ')})`;
    throw new Error(`program step ${r.atom + 1} cannot run on this scene: ${why}`);
  }
  return r.atoms.map((a, i) => {
    const said = program[i];
    const ref = said.kind === 'place' && said.cube.kind === 'spatial' ? said.cube.relation : undefined;
    return goalOf(a, undefined, ref);
  });
}

/** An episode that carries out `program` from `init`; `text` is the sentence it was said in. */
export function programToSpec(program: Program, init: InitialState, seed: number, text: string = describeProgram(program)): EpisodeSpec {
  return { taskId: OPEN_TASK_ID, suite: OPEN_SUITE, seed, init, goals: programToGoals(program, init), text };
}

/** "red cube in the bowl, then press the button": the resolved program in words, for the UI and reports. */
export function describePlan(program: Program, scene: TableScene): string | null {
  const r = resolveProgram(program, scene);
  return r.ok ? r.atoms.map(describeResolved).join(', then ') : null;
}
