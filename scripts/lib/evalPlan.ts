import type { EpisodeResult } from '../../src/sim/rollout';
import type { EpisodeJob } from './evalBackends';
import { buildReport, type EvalReport, type ReportMeta } from './evalReport';

// Which episodes an eval run is made of, in the order its report lists them. The unsharded run, each
// shard and the merge all enumerate them here, so an episode's index and seed never depend on sharding.

/** A task as the report needs it: its id, and its suite (chains are summed up as chains). */
export interface TaskRef {
  id: string;
  suite: string;
}

/** The report's header fields that identify the run; wall_s is what it took, not what it was. */
export type RunMeta = Omit<ReportMeta, 'wall_s'>;

/**
 * Episode i = trial k of task t, i = t * trials + k, seed S + k. Task-major, so the per-task lines of a
 * non-TTY log arrive in a readable order; the seed depends only on k, never on N or the shard.
 */
export function evalJobs(tasks: readonly TaskRef[], trials: number, seed: number): EpisodeJob[] {
  return tasks.flatMap((t) => Array.from({ length: trials }, (_, k) => ({ task: t.id, seed: seed + k })));
}

/**
 * The report of a run, or of the merged shards of one: the only place a report is built from episodes, so
 * a merge cannot drift from the unsharded run. `results` in episode-index order.
 */
export function reportOf(r: { meta: RunMeta; tasks: TaskRef[]; results: EpisodeResult[]; wall_s: number }): EvalReport {
  return buildReport({ ...r.meta, wall_s: r.wall_s }, r.tasks, r.results);
}
