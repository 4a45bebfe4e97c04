import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AxisName, AxisSetting, Level } from '../../src/sim/axes';
import type { EpisodeResult } from '../../src/sim/rollout';
import type { EpisodeJob } from './evalBackends';
import type { TaskRef } from './evalPlan';
import { buildRobustnessReport, formatRobustnessTable, robustnessChartSvg, type RobustnessReport } from './robustnessReport';
import { mergeShardFiles, readShard, ShardFileWriter, type MergedShards, type ShardFile, type ShardFormat } from './shardFile';

// Which episodes a robustness sweep is made of, how its report is built from them, and its shard file.
// The unsharded sweep, each shard and the merge all enumerate the episodes here and build the report with
// robustnessReportOf, so an episode's index and seed never depend on sharding and a merge cannot drift
// from the unsharded report.

/** What identifies a sweep: the report's header fields, what ran it, and the cells asked for. */
export interface SweepMeta {
  policy: string;
  model: string | null;
  /** SHA-256 of the model file's bytes, so shards of different model files never merge. */
  model_sha256: string | null;
  suite: string;
  seed: number;
  trials: number;
  execution: string | null;
  reading: string | null;
  backend: string;
  axes: AxisName[];
  levels: Level[];
}

/** Clean first, then every axis at every level, axis-major: the report's order. */
export function sweepCells(axes: readonly AxisName[], levels: readonly Level[]): Array<AxisSetting | null> {
  return [null, ...axes.flatMap((axis) => levels.map((level) => ({ axis, level })))];
}

export const cellName = (c: AxisSetting | null) => (c ? `${c.axis}:${c.level}` : 'clean');

export type SweepJob = EpisodeJob & { cell: number };

/**
 * Episode i = trial k of task t in cell c, i = (c * tasks + t) * trials + k, seed S + k: every cell runs
 * the same seeds, and the seed depends only on k, never on N or the shard.
 */
export function sweepJobs(meta: Pick<SweepMeta, 'axes' | 'levels' | 'trials' | 'seed'>, tasks: readonly TaskRef[]): SweepJob[] {
  return sweepCells(meta.axes, meta.levels).flatMap((c, cell) =>
    tasks.flatMap((t) => Array.from({ length: meta.trials }, (_, k) => ({ task: t.id, seed: meta.seed + k, perturb: c ? [c] : [], cell }))),
  );
}

/**
 * The report of a sweep, of a shard's part of one, or of the merged shards: the only place it is built from
 * episodes. `results` by episode index; `created` is now unless given.
 */
export function robustnessReportOf(r: { meta: SweepMeta; tasks: readonly TaskRef[]; results: ReadonlyMap<number, EpisodeResult>; wall_s: number; created?: string }): RobustnessReport {
  const { meta } = r;
  const cells = sweepCells(meta.axes, meta.levels);
  const jobs = sweepJobs(meta, r.tasks);
  const byCell: EpisodeResult[][] = cells.map(() => []);
  for (const [i, res] of r.results) byCell[jobs[i].cell].push(res);
  // Task id, then seed, within a cell: the order the sweep has always written, whatever the task list's.
  const order = (rs: EpisodeResult[]) => [...rs].sort((a, b) => (a.task === b.task ? a.seed - b.seed : a.task < b.task ? -1 : 1));
  const strip = (e: EpisodeResult) => ({ task: e.task, seed: e.seed, success: e.success, steps: e.steps, completed: e.completed, goals: e.goals, reason: e.reason });
  return buildRobustnessReport(
    { policy: meta.policy, model: meta.model, suite: meta.suite, seed: meta.seed, trials: meta.trials, execution: meta.execution, reading: meta.reading, wall_s: r.wall_s, created: r.created },
    order(byCell[0]).map(strip),
    cells.slice(1).map((c, i) => ({ axis: c!.axis, level: c!.level, episodes: order(byCell[i + 1]).map(strip) })),
  );
}

/**
 * How the sweep and its merge hand a report over: the table on stdout, the JSON in --out and the chart
 * next to it; with --out - the JSON on stdout and the table on stderr, so the JSON can be piped.
 */
export function emitRobustnessReport(report: RobustnessReport, out: string | null): void {
  const toStdout = out === '-';
  const table = formatRobustnessTable(report, !toStdout && !!process.stdout.isTTY);
  if (toStdout) {
    process.stderr.write(table + '\n');
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  process.stdout.write(table + '\n');
  if (!out) return;
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  const svg = out.replace(/\.json$/i, '') + '.svg';
  writeFileSync(svg, robustnessChartSvg(report));
  process.stdout.write(`wrote ${out} and ${svg}\n`);
}

export const ROBUSTNESS_SHARD_FORMAT = 'vla-robustness-shard';

type Line = { cell: string };

export const ROBUSTNESS_SHARDS: ShardFormat<SweepMeta, Line> = {
  name: ROBUSTNESS_SHARD_FORMAT,
  version: 1,
  noun: 'a robustness shard',
  writtenBy: 'npm run robustness -- --shard K/N --out FILE.jsonl',
  sharding: 'episode i = trial k of task t in cell c (clean, then axis-major levels; i = (c * tasks + t) * trials + k, seed = seed + k) belongs to shard i mod N',
  jobs: sweepJobs,
  lineFields: (index, meta, tasks) => ({ cell: cellName(sweepCells(meta.axes, meta.levels)[Math.floor(index / (tasks.length * meta.trials))]) }),
  describe: (index, meta, tasks) => {
    const j = sweepJobs(meta, tasks)[index];
    return `${j.perturb?.length ? cellName(j.perturb[0]) : 'clean'} ${j.task} seed ${j.seed}`;
  },
};

export type RobustnessShardFile = ShardFile<SweepMeta, Line>;

export class RobustnessShardWriter extends ShardFileWriter<SweepMeta, Line> {
  constructor(path: string) {
    super(ROBUSTNESS_SHARDS, path);
  }
}

export const readRobustnessShard = (path: string): RobustnessShardFile => readShard(ROBUSTNESS_SHARDS, path);

export const mergeRobustnessShards = (files: RobustnessShardFile[]): MergedShards<SweepMeta> => mergeShardFiles(ROBUSTNESS_SHARDS, files);
