// Evaluation CLI (docs/architecture.md, Contracts): N seeded trials of every task of a suite, success rates per task,
// CALVIN-style completed length for chains, a summary table and a JSON report.
//
//   npm run eval -- --suite <spatial|object|goal|long|chains|all> --trials N --seed S --policy <expert|model>
//                   [--model DIR] [--execution chunk:K|ensemble[:M]] [--perturb a,b] [--out file.json] [--via node|browser] [--workers K]
//                   [--shard K/N --out shard-K.jsonl]
//
// Trial k of every task uses seed S + k. With --shard only shard K's episodes run, written as JSON lines
// for `npm run eval:merge`, which rebuilds the report with the same buildReport (docs/sharding.md).
// Exit codes: 0 ran (whatever the success rate), 1 crashed, 2 bad request (unknown suite, task, policy or
// perturbation; the message lists the valid ones).

import { resolve } from 'node:path';
import { checkWritableFile } from './lib/cli';
import { displayPath } from './lib/evalModel';
import { parseEvalArgs, USAGE as EVAL_USAGE, type EvalOptions } from './lib/evalArgs';
import { formatExecution } from '../src/policy/execution';
import { openBackend, UsageError } from './lib/evalBackends';
import { emitReport } from './lib/evalOutput';
import { evalJobs, reportOf, type RunMeta, type TaskRef } from './lib/evalPlan';
import { formatTable } from './lib/evalReport';
import { ShardWriter } from './lib/evalShardFile';
import { createProgress } from './lib/progress';
import { runPool } from './lib/pool';
import { formatShard, resolveShard, SHARD_USAGE, stridedShard, takeShardFlags, type Shard } from './lib/shard';
import type { EpisodeResult } from '../src/sim/rollout';

const USAGE = EVAL_USAGE + SHARD_USAGE;

interface RunHooks {
  /** Only these episode indices (a shard); all when absent. */
  indices?: number[];
  /** Once the backend is up, before the first episode (the model's hash is part of the run's identity). */
  onStart?: (meta: RunMeta, tasks: TaskRef[], total: number) => void;
  /** As each episode finishes, in completion order. */
  onEpisode?: (index: number, result: EpisodeResult) => void;
}

interface EvalRun {
  meta: RunMeta;
  tasks: TaskRef[];
  /** Episodes in the whole (unsharded) run. */
  total: number;
  /** The results of the episodes run, in index order. */
  results: EpisodeResult[];
  wall_s: number;
}

async function runEval(o: EvalOptions, hooks: RunHooks = {}, log: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<EvalRun> {
  const t0 = performance.now();
  const backend = await openBackend(o.via, {
    policy: o.policy,
    model: o.model,
    modelDir: o.modelDir,
    modelUrl: o.modelUrl,
    execution: o.execution,
    reading: o.reading,
    interventions: o.interventions,
    perturbations: o.perturbations,
    workers: o.workers,
    distDir: resolve(o.distDir),
    build: o.build,
  });
  const tasks: TaskRef[] = o.tasks.map((t) => ({ id: t.id, suite: t.suite }));
  const jobs = evalJobs(tasks, o.trials, o.seed);
  const indices = hooks.indices ?? jobs.map((_, i) => i);
  const meta: RunMeta = {
    suite: o.split ? o.tasks[0].id : o.suite, // open/<split>[/canonical]
    policy: o.policy,
    model: o.modelUrl ?? (o.modelDir ? displayPath(o.modelDir) : null),
    model_sha256: backend.modelSha256,
    execution: o.execution ? formatExecution(o.execution) : null,
    reading: o.reading,
    interventions: o.interventions,
    backend: backend.name,
    seed: o.seed,
    trials: o.trials,
    perturbations: o.perturbations.map((s) => `${s.axis}:${s.level}`),
  };
  const results = new Map<number, EpisodeResult>();
  const progress = createProgress(indices.length, `eval ${o.suite}`, 'success {rate} | {task}');
  progress.update(0, { rate: '-', task: `${backend.name} backend, ${backend.lanes} lane(s)` });
  let ok = 0;
  try {
    hooks.onStart?.(meta, tasks, jobs.length);
    await runPool(indices, backend.lanes, async (i, lane) => {
      const j = jobs[i];
      const r = await backend.run(j, lane);
      results.set(i, r);
      hooks.onEpisode?.(i, r);
      if (r.success) ok += 1;
      progress.update(results.size, { rate: `${((100 * ok) / results.size).toFixed(1)}%`, task: `${j.task} #${j.seed}` });
    });
  } finally {
    progress.stop();
    await backend.close();
  }
  const wall_s = (performance.now() - t0) / 1000;
  log(`ran ${indices.length} episodes on the ${backend.name} backend in ${wall_s.toFixed(1)} s`);
  return { meta, tasks, total: jobs.length, results: [...indices].sort((a, b) => a - b).map((i) => results.get(i)!), wall_s };
}

function parse(argv: string[]): { o: EvalOptions; shard: Shard | null } {
  const flags = takeShardFlags(argv);
  const o = parseEvalArgs(flags.rest);
  const shard = o.help ? null : resolveShard(flags);
  if (shard && !o.out?.endsWith('.jsonl')) {
    throw new UsageError(`--shard ${formatShard(shard)} writes the shard's episodes as JSON lines for npm run eval:merge: give --out FILE.jsonl` + (o.out ? ` (got "${o.out}")` : ''));
  }
  return { o, shard };
}

async function runShard(o: EvalOptions, shard: Shard): Promise<void> {
  const writer = new ShardWriter(o.out!);
  // A slice of the whole run's enumeration: each episode keeps its unsharded index and seed.
  const indices = stridedShard(o.tasks.length * o.trials, shard);
  const run = await runEval(o, {
    indices,
    onStart: (meta, tasks, total) => writer.header(shard, meta, tasks, total),
    onEpisode: (index, result) => writer.episode(index, result),
  });
  writer.end(run.results.length, run.wall_s);
  process.stdout.write(formatTable(reportOf(run), !!process.stdout.isTTY) + '\n');
  process.stdout.write(`shard ${formatShard(shard)}: ${indices.length} of ${run.total} episodes; wrote ${o.out} (merge the shards with npm run eval:merge)\n`);
}

async function main(): Promise<number> {
  let o: EvalOptions;
  let shard: Shard | null;
  try {
    ({ o, shard } = parse(process.argv.slice(2)));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    // Every episode's work would be lost with a report that cannot be written: find out first.
    if (o.out && o.out !== '-') checkWritableFile(o.out, shard ? 'the --out shard file' : 'the --out report');
    if (shard) await runShard(o, shard);
    else emitReport(reportOf(await runEval(o)), o.out);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`eval failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
