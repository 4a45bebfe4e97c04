import type { Decision } from '../sim/expertPolicy';
import type { Subtask } from '../sim/tasks';

// Where a model's decision and the expert's labels for the same state disagree: the fields the reasoning
// panel marks when a person compares them.

export interface Disagreement {
  /** Per plan slot (the longer of the two plans): the subtasks differ or one plan lacks the slot. */
  plan: boolean[];
  subtask: boolean;
  move: boolean;
  /** Open vs close for the next action. */
  gripper: boolean;
  count: number;
}

const sameSubtask = (a?: Subtask, b?: Subtask) => !!a && !!b && a.verb === b.verb && a.object === b.object;

export function compareDecisions(model: Decision, expert: Decision): Disagreement {
  const m = model.reasoning;
  const e = expert.reasoning;
  const n = Math.max(m.plan.length, e.plan.length);
  const plan = Array.from({ length: n }, (_, i) => !sameSubtask(m.plan[i], e.plan[i]));
  const subtask = m.subtaskIndex !== e.subtaskIndex || !sameSubtask(m.plan[m.subtaskIndex], e.plan[e.subtaskIndex]);
  const move = m.move !== e.move;
  const grip = (d: Decision) => (d.actions[0]?.[6] ?? -1) > 0;
  const gripper = grip(model) !== grip(expert);
  return { plan, subtask, move, gripper, count: plan.filter(Boolean).length + Number(subtask) + Number(move) + Number(gripper) };
}
