import type { Relation } from './predicates';
import type { CubeName, ObjectName, Verb } from './vocab';

// Every goal is one atom of a program: a cube into the bowl, onto the plate or onto another cube, or the
// drawer or the button. The atom is the single source of a goal's success relation, its subtask plan
// (the expert's script and the reasoning labels), its step limit and the words a step-reading policy gets.
// The twenty named tasks (src/sim/tasks.ts), the chains and the open programs (src/language) all make
// their goals here.

export interface Subtask {
  verb: Verb;
  object: ObjectName;
}

/** An atom whose cube references have been looked up on a scene. */
export type ResolvedAtom =
  | { kind: 'place'; cube: CubeName; target: 'blue_bowl' | 'plate' | CubeName }
  | { kind: 'open_drawer' }
  | { kind: 'close_drawer' }
  | { kind: 'press_button' };

/** One instruction to carry out, with its goal and the subtasks that achieve it. */
export interface Goal {
  /** The words the policy reads while this goal is in force (see `stepText`). */
  instruction: string;
  atom: ResolvedAtom;
  relations: Relation[];
  plan: Subtask[];
  stepLimit: number;
  /**
   * How the instruction picked the cube when it named it by place ("leftmost", "nearest"...), so a
   * perturbation that moves objects can keep the instruction true (src/robustness/layoutRules.ts).
   */
  ref?: string;
}

const STEP_LIMIT = { blue_bowl: 220, plate: 220, stack: 240, open_drawer: 200, close_drawer: 160, press_button: 140 } as const;

export function goalOf(atom: ResolvedAtom, instruction: string = stepText(atom), ref?: string): Goal {
  const g = (relations: Relation[], plan: Subtask[], stepLimit: number): Goal => ({ instruction, atom, relations, plan, stepLimit, ...(ref ? { ref } : {}) });
  switch (atom.kind) {
    case 'open_drawer':
      return g([{ kind: 'drawer_open' }], [{ verb: 'open', object: 'drawer' }], STEP_LIMIT.open_drawer);
    case 'close_drawer':
      return g([{ kind: 'drawer_closed' }], [{ verb: 'close', object: 'drawer' }], STEP_LIMIT.close_drawer);
    case 'press_button':
      return g([{ kind: 'button_pressed' }], [{ verb: 'press', object: 'button' }], STEP_LIMIT.press_button);
    case 'place': {
      const c = atom.cube;
      if (atom.target === 'blue_bowl') return g([{ kind: 'in_bowl', object: c }], [{ verb: 'pick', object: c }, { verb: 'place_in', object: 'blue_bowl' }], STEP_LIMIT.blue_bowl);
      if (atom.target === 'plate') return g([{ kind: 'on_plate', object: c }], [{ verb: 'pick', object: c }, { verb: 'place_on', object: 'plate' }], STEP_LIMIT.plate);
      const base = atom.target;
      return g([{ kind: 'stacked', object: c, base }], [{ verb: 'pick', object: c }, { verb: 'stack_on', object: base }], STEP_LIMIT.stack);
    }
  }
}

const colour = (c: CubeName) => c.split('_')[0];

/**
 * The words a policy that reads one step at a time gets for an atom: the first template of the named
 * task or chain step that does the same thing, so they are words the training data always had.
 */
export function stepText(atom: ResolvedAtom): string {
  switch (atom.kind) {
    case 'open_drawer':
      return 'open the drawer';
    case 'close_drawer':
      return 'close the drawer';
    case 'press_button':
      return 'press the button';
    case 'place':
      if (atom.target === 'blue_bowl') return `put the ${colour(atom.cube)} cube in the blue bowl`;
      if (atom.target === 'plate') return `put the ${colour(atom.cube)} cube on the plate`;
      return `stack the ${colour(atom.cube)} cube on the ${colour(atom.target)} cube`;
  }
}

/** The shorthand the tasks use. */
export const place = (cube: CubeName, target: 'blue_bowl' | 'plate' | CubeName): ResolvedAtom => ({ kind: 'place', cube, target });
export const OPEN_DRAWER: ResolvedAtom = { kind: 'open_drawer' };
export const CLOSE_DRAWER: ResolvedAtom = { kind: 'close_drawer' };
export const PRESS_BUTTON: ResolvedAtom = { kind: 'press_button' };
