import { OPEN_TASKS, openTaskId, type Wording } from '../language/openTasks';
import { findTask, SUITES, tasksInSuite, TASKS, type SuiteName, type TaskDef } from '../sim/tasks';

// Every source of episodes by id: the twenty named tasks (src/sim/tasks.ts) and the compositional suite's
// splits (src/language/openTasks.ts). Hosts look episodes up here, so a new kind of episode is one entry.

export type EvalSuite = SuiteName | 'open';
export const EVAL_SUITES: readonly EvalSuite[] = [...SUITES, 'open'];

const OPEN_BY_ID = new Map(OPEN_TASKS.map((t) => [t.id, t]));

export function findEpisodeSource(id: string): TaskDef | undefined {
  return findTask(id) ?? OPEN_BY_ID.get(id);
}

export function isEpisodeSource(id: string): boolean {
  return findEpisodeSource(id) !== undefined;
}

export function getEpisodeSource(id: string): TaskDef {
  const t = findEpisodeSource(id);
  if (!t) throw new Error(`unknown task "${id}". Valid tasks: ${[...TASKS, ...OPEN_TASKS].map((x) => x.id).join(', ')}`);
  return t;
}

/** The tasks of a suite; 'all' is the twenty named tasks (the open suite is asked for by name). */
export function sourcesInSuite(suite: EvalSuite | 'all', split = 'all', wording: Wording = 'sampled'): TaskDef[] {
  if (suite === 'open') return [OPEN_BY_ID.get(openTaskId(split, wording))!];
  return tasksInSuite(suite);
}

/** What each goal of an episode asks for, by the kind of its success relation (reports group by it). */
export function atomKinds(goals: ReadonlyArray<{ relations: ReadonlyArray<{ kind: string }> }>): string[] {
  const names: Record<string, string> = { in_bowl: 'place_in_bowl', on_plate: 'place_on_plate', stacked: 'stack', drawer_open: 'open_drawer', drawer_closed: 'close_drawer', button_pressed: 'press_button' };
  return goals.map((g) => names[g.relations[0]?.kind ?? ''] ?? 'other');
}
