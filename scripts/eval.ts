// Evaluation CLI (docs/architecture.md, Contracts): N seeded trials of every task of a suite, success rates per task,
// CALVIN-style completed length for chains, a summary table and a JSON report.
//
//   npm run eval -- --suite <spatial|object|goal|long|chains|all> --trials N --seed S --policy <expert|model>
//                   [--model DIR] [--execution chunk:K|ensemble[:M]] [--perturb a,b] [--out file.json] [--via node|browser] [--workers K]
//
// Trial k of every task uses seed S + k. Exit codes: 0 ran (whatever the success rate), 1 crashed, 2 bad
// request (unknown suite, task, policy or perturbation; the message lists the valid ones).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkWritableFile } from './lib/cli';
import { displayPath } from './lib/evalModel';
import { parseEvalArgs, USAGE, type EvalOptions } from './lib/evalArgs';
import { formatExecution } from '../src/policy/execution';
import { openBackend, UsageError, type EpisodeJob } from './lib/evalBackends';
import { buildReport, formatTable, type EvalReport } from './lib/evalReport';
import { createProgress } from './lib/progress';
import { runPool } from './lib/pool';
import type { EpisodeResult } from '../src/sim/rollout';

async function runEval(o: EvalOptions, log: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<EvalReport> {
  const t0 = performance.now();
  const backend = await openBackend(o.via, {
    policy: o.policy,
    model: o.model,
    modelDir: o.modelDir,
    execution: o.execution,
    reading: o.reading,
    interventions: o.interventions,
    perturbations: o.perturbations,
    workers: o.workers,
    distDir: resolve(o.distDir),
    build: o.build,
  });
  // Task-major order, so the per-task lines of a non-TTY log arrive in a readable order.
  const jobs: EpisodeJob[] = o.tasks.flatMap((t) => Array.from({ length: o.trials }, (_, k) => ({ task: t.id, seed: o.seed + k })));
  const results: EpisodeResult[] = new Array(jobs.length);
  const progress = createProgress(jobs.length, `eval ${o.suite}`, 'success {rate} | {task}');
  progress.update(0, { rate: '-', task: `${backend.name} backend, ${backend.lanes} lane(s)` });
  let done = 0;
  let ok = 0;
  try {
    await runPool(
      jobs.map((j, i) => ({ j, i })),
      backend.lanes,
      async ({ j, i }, lane) => {
        const r = await backend.run(j, lane);
        results[i] = r;
        done += 1;
        if (r.success) ok += 1;
        progress.update(done, { rate: `${((100 * ok) / done).toFixed(1)}%`, task: `${j.task} #${j.seed}` });
      },
    );
  } finally {
    progress.stop();
    await backend.close();
  }
  log(`ran ${jobs.length} episodes on the ${backend.name} backend in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return buildReport(
    {
      suite: o.split ? `${o.suite}/${o.split}` : o.suite,
      policy: o.policy,
      model: o.modelDir ? displayPath(o.modelDir) : null,
      model_sha256: backend.modelSha256,
      execution: o.execution ? formatExecution(o.execution) : null,
      reading: o.reading,
      interventions: o.interventions,
      backend: backend.name,
      seed: o.seed,
      trials: o.trials,
      perturbations: o.perturbations.map((s) => `${s.axis}:${s.level}`),
      wall_s: (performance.now() - t0) / 1000,
    },
    o.tasks.map((t) => ({ id: t.id, suite: t.suite })),
    results,
  );
}

/** Run `work` over `items` on `lanes` concurrent lanes (worker threads or browser pages). */
async function main(): Promise<number> {
  let o: EvalOptions;
  try {
    o = parseEvalArgs(process.argv.slice(2));
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
  let report: EvalReport;
  try {
    // Every episode's work would be lost with a report that cannot be written: find out first.
    if (o.out && o.out !== '-') checkWritableFile(o.out, 'the --out report');
    report = await runEval(o);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const toStdout = o.out === '-';
  const table = formatTable(report, !toStdout && !!process.stdout.isTTY);
  if (toStdout) {
    process.stderr.write(table + '\n');
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    process.stdout.write(table + '\n');
    if (o.out) {
      mkdirSync(dirname(resolve(o.out)), { recursive: true });
      writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
      process.stdout.write(`wrote ${o.out}\n`);
    }
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
