// Robustness sweep (docs/robustness.md): the clean baseline and every axis x level on the same seeds, in the
// LIBERO-Plus style: success per axis and level, the drop from clean in points, 95% Wilson intervals, and a
// chart of success versus level per axis.
//
//   npm run robustness -- --policy <expert|model> --suite <...> --trials N --seed S [--axes a,b] [--levels 1,2,3]
//                         [--out report.json] [--workers K] [--model DIR] [--execution ...] [--reading step|sentence]
//                         [--shard K/N --out shard-K.jsonl]
//
// Writes the JSON report (its shape is a contract, src/robustness/report.ts), the table on stdout and the
// chart as SVG next to the JSON (report.svg). Every failed episode in the JSON carries the app link that
// replays it with its perturbation. With --shard only shard K's episodes run, written as JSON lines for
// `npm run robustness:merge`, which rebuilds the report with the same robustnessReportOf (docs/sharding.md).
// Exit codes as eval's: 0 ran, 1 crashed, 2 bad request.

import { resolve } from 'node:path';
import { AXES, type AxisName, type Level } from '../src/sim/axes';
import { checkWritableFile, UsageError } from './lib/cli';
import { parseEvalArgs, type EvalOptions } from './lib/evalArgs';
import { openBackend } from './lib/evalBackends';
import { displayPath } from './lib/evalModel';
import type { TaskRef } from './lib/evalPlan';
import { formatExecution } from '../src/policy/execution';
import { createProgress } from './lib/progress';
import { runPool } from './lib/pool';
import { formatRobustnessTable } from './lib/robustnessReport';
import { cellName, emitRobustnessReport, robustnessReportOf, RobustnessShardWriter, sweepCells, sweepJobs, type SweepMeta } from './lib/robustnessPlan';
import { formatShard, resolveShard, SHARD_USAGE, stridedShard, takeShardFlags, type Shard } from './lib/shard';
import type { EpisodeResult } from '../src/sim/rollout';

const USAGE = `usage: npm run robustness -- --policy <expert|model> --suite <suite> [--split S] [--task ID,...] --trials N --seed S
                           [--axes ${AXES.join(',')}] [--levels 1,2,3] [--out report.json] [--workers K]
                           [--model DIR] [--execution chunk:K|ensemble[:M]] [--reading step|sentence] [--dist DIR] [--no-build]

  Runs N trials of every task of the suite clean, then under every axis at every level, all on the same
  seeds (trial k uses seed S + k). Axes and levels are explained in docs/robustness.md. Default: every axis,
  levels 1,2,3, seed 1000000 (evaluation seeds). --out also writes the chart next to it (.svg); --out -
  writes the JSON to stdout (the table goes to stderr).

  Sharded (docs/sharding.md): --shard K/N --out FILE.jsonl runs episodes i mod N = K of the sweep's list
  (every cell x task x trial, the seeds as unsharded) and writes them as JSON lines; npm run
  robustness:merge -- FILE.jsonl... --out report.json writes the report and chart of the unsharded sweep.
` + SHARD_USAGE;

interface Options {
  axes: AxisName[];
  levels: Level[];
  out: string | null;
  evalArgv: string[];
}

function parse(argv: string[]): Options | null {
  // The sweep's own flags are taken out; everything else is eval's, checked by eval's parser (suite,
  // trials, seed, policy, model...), so the two commands cannot drift apart.
  const own: Record<string, string | undefined> = {};
  const evalArgv: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return null;
    const m = /^--(axes|levels|out)(?:=(.*))?$/.exec(a);
    if (m) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${m[1]} needs a value`);
      own[m[1]] = v;
      continue;
    }
    if (a === '--perturb' || a.startsWith('--perturb=')) throw new UsageError("--perturb is eval's; the sweep takes --axes and --levels");
    evalArgv.push(a);
  }
  const axes = own.axes !== undefined ? own.axes.split(',').map((s) => s.trim()).filter(Boolean) : [...AXES];
  for (const a of axes) if (!(AXES as readonly string[]).includes(a)) throw new UsageError(`unknown axis "${a}". Valid axes: ${AXES.join(', ')}`);
  const levels = own.levels !== undefined ? own.levels.split(',').map((s) => s.trim()).filter(Boolean) : ['1', '2', '3'];
  for (const l of levels) if (!/^[123]$/.test(l)) throw new UsageError(`level must be 1, 2 or 3, got "${l}"`);
  if (!axes.length || !levels.length) throw new UsageError('--axes and --levels need at least one entry');
  return {
    axes: [...new Set(axes)] as AxisName[],
    levels: [...new Set(levels.map(Number))].sort() as Level[],
    out: own.out ?? null,
    evalArgv,
  };
}

interface RunHooks {
  /** Only these episode indices (a shard); all when absent. */
  indices?: number[];
  /** Once the backend is up, before the first episode (the model's hash is part of the sweep's identity). */
  onStart?: (meta: SweepMeta, tasks: TaskRef[], total: number) => void;
  /** As each episode finishes, in completion order. */
  onEpisode?: (index: number, result: EpisodeResult) => void;
}

interface SweepRun {
  meta: SweepMeta;
  tasks: TaskRef[];
  /** Episodes in the whole (unsharded) sweep. */
  total: number;
  results: Map<number, EpisodeResult>;
  wall_s: number;
}

async function runSweep(o: Options, e: EvalOptions, hooks: RunHooks = {}): Promise<SweepRun> {
  const t0 = performance.now();
  const backend = await openBackend(e.via, {
    policy: e.policy,
    model: e.model,
    modelDir: e.modelDir,
    modelUrl: e.modelUrl,
    execution: e.execution,
    reading: e.reading,
    perturbations: [],
    workers: e.workers,
    distDir: resolve(e.distDir),
    build: e.build,
  });
  const meta: SweepMeta = {
    policy: e.policy,
    model: e.modelUrl ?? (e.modelDir ? displayPath(e.modelDir) : null),
    model_sha256: backend.modelSha256,
    suite: e.split ? `${e.suite}/${e.split}` : e.suite,
    seed: e.seed,
    trials: e.trials,
    execution: e.execution ? formatExecution(e.execution) : null,
    reading: e.reading,
    backend: backend.name,
    axes: o.axes,
    levels: o.levels,
  };
  const tasks: TaskRef[] = e.tasks.map((t) => ({ id: t.id, suite: t.suite }));
  const jobs = sweepJobs(meta, tasks);
  const indices = hooks.indices ?? jobs.map((_, i) => i);
  const results = new Map<number, EpisodeResult>();
  const progress = createProgress(indices.length, 'robustness', 'success {rate} | {cell}');
  let ok = 0;
  try {
    hooks.onStart?.(meta, tasks, jobs.length);
    await runPool(indices, backend.lanes, async (i, lane) => {
      const j = jobs[i];
      const r = await backend.run(j, lane);
      results.set(i, r);
      hooks.onEpisode?.(i, r);
      if (r.success) ok += 1;
      progress.update(results.size, { rate: `${((100 * ok) / results.size).toFixed(1)}%`, cell: `${cellName(j.perturb?.[0] ?? null)} ${j.task} #${j.seed}` });
    });
  } finally {
    progress.stop();
    await backend.close();
  }
  const wall_s = (performance.now() - t0) / 1000;
  process.stderr.write(`ran ${indices.length} episodes (${sweepCells(o.axes, o.levels).length} cells) on the ${backend.name} backend in ${wall_s.toFixed(1)} s\n`);
  return { meta, tasks, total: jobs.length, results, wall_s };
}

async function runShard(o: Options, e: EvalOptions, shard: Shard): Promise<void> {
  const writer = new RobustnessShardWriter(o.out!);
  // A slice of the whole sweep's enumeration: each episode keeps its unsharded index, cell and seed.
  const tasks = e.tasks.map((t) => ({ id: t.id, suite: t.suite }));
  const indices = stridedShard(sweepJobs({ axes: o.axes, levels: o.levels, trials: e.trials, seed: e.seed }, tasks).length, shard);
  const run = await runSweep(o, e, {
    indices,
    onStart: (meta, tasks, n) => writer.header(shard, meta, tasks, n),
    onEpisode: (index, result) => writer.episode(index, result),
  });
  writer.end(run.results.size, run.wall_s);
  process.stdout.write(formatRobustnessTable(robustnessReportOf(run), !!process.stdout.isTTY) + '\n');
  process.stdout.write(`shard ${formatShard(shard)}: ${indices.length} of ${run.total} episodes; wrote ${o.out} (merge the shards with npm run robustness:merge)\n`);
}

async function main(): Promise<number> {
  let o: Options | null;
  let e: EvalOptions;
  let shard: Shard | null;
  try {
    const flags = takeShardFlags(process.argv.slice(2));
    o = parse(flags.rest);
    if (!o) {
      process.stdout.write(USAGE);
      return 0;
    }
    e = parseEvalArgs(o.evalArgv);
    shard = resolveShard(flags);
    if (shard && !o.out?.endsWith('.jsonl')) {
      throw new UsageError(`--shard ${formatShard(shard)} writes the shard's episodes as JSON lines for npm run robustness:merge: give --out FILE.jsonl` + (o.out ? ` (got "${o.out}")` : ''));
    }
    // Every episode's work would be lost with an output that cannot be written: find out first.
    if (o.out && o.out !== '-') checkWritableFile(o.out, shard ? 'the --out shard file' : 'the --out report');
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (shard) await runShard(o, e, shard);
  else emitRobustnessReport(robustnessReportOf(await runSweep(o, e)), o.out);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

