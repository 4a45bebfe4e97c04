// Robustness sweep (docs/robustness.md): the clean baseline and every axis x level on the same seeds, in the
// LIBERO-Plus style: success per axis and level, the drop from clean in points, 95% Wilson intervals, and a
// chart of success versus level per axis.
//
//   npm run robustness -- --policy <expert|model> --suite <...> --trials N --seed S [--axes a,b] [--levels 1,2,3]
//                         [--out report.json] [--workers K] [--model DIR] [--execution ...] [--reading step|sentence]
//
// Writes the JSON report (its shape is a contract, src/robustness/report.ts), the table on stdout and the
// chart as SVG next to the JSON (report.svg). Every failed episode in the JSON carries the app link that
// replays it with its perturbation. Exit codes as eval's: 0 ran, 1 crashed, 2 bad request.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AXES, type AxisName, type AxisSetting, type Level } from '../src/sim/axes';
import { checkWritableFile, UsageError } from './lib/cli';
import { parseEvalArgs } from './lib/evalArgs';
import { openBackend, type EpisodeJob } from './lib/evalBackends';
import { displayPath } from './lib/evalModel';
import { formatExecution } from '../src/policy/execution';
import { createProgress } from './lib/progress';
import { runPool } from './lib/pool';
import { buildRobustnessReport, formatRobustnessTable, robustnessChartSvg } from './lib/robustnessReport';
import type { EpisodeResult } from '../src/sim/rollout';

const USAGE = `usage: npm run robustness -- --policy <expert|model> --suite <suite> [--split S] [--task ID,...] --trials N --seed S
                           [--axes ${AXES.join(',')}] [--levels 1,2,3] [--out report.json] [--workers K]
                           [--model DIR] [--execution chunk:K|ensemble[:M]] [--reading step|sentence] [--dist DIR] [--no-build]

  Runs N trials of every task of the suite clean, then under every axis at every level, all on the same
  seeds (trial k uses seed S + k). Axes and levels are explained in docs/robustness.md. Default: every axis,
  levels 1,2,3, seed 1000000 (evaluation seeds). --out also writes the chart next to it (.svg).
`;

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

async function main(): Promise<number> {
  let o: Options | null;
  let e: ReturnType<typeof parseEvalArgs>;
  try {
    o = parse(process.argv.slice(2));
    if (!o) {
      process.stdout.write(USAGE);
      return 0;
    }
    e = parseEvalArgs(o.evalArgv);
    if (o.out && o.out !== '-') checkWritableFile(o.out, 'the --out report');
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  const t0 = performance.now();
  const cells: Array<{ setting: AxisSetting | null }> = [{ setting: null }, ...o.axes.flatMap((axis) => o!.levels.map((level) => ({ setting: { axis, level } })))];
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
  const jobs: Array<EpisodeJob & { cell: number }> = cells.flatMap((c, cell) =>
    e.tasks.flatMap((t) => Array.from({ length: e.trials }, (_, k) => ({ task: t.id, seed: e.seed + k, perturb: c.setting ? [c.setting] : [], cell }))),
  );
  const results: EpisodeResult[][] = cells.map(() => []);
  const progress = createProgress(jobs.length, 'robustness', 'success {rate} | {cell}');
  let done = 0;
  let ok = 0;
  try {
    await runPool(jobs, backend.lanes, async (j, lane) => {
      const r = await backend.run(j, lane);
      results[j.cell].push(r);
      done += 1;
      if (r.success) ok += 1;
      const s = cells[j.cell].setting;
      progress.update(done, { rate: `${((100 * ok) / done).toFixed(1)}%`, cell: `${s ? `${s.axis}:${s.level}` : 'clean'} ${j.task} #${j.seed}` });
    });
  } finally {
    progress.stop();
    await backend.close();
  }
  // Episodes in seed order within a cell, whatever order the lanes finished in.
  const order = (rs: EpisodeResult[]) => [...rs].sort((a, b) => (a.task === b.task ? a.seed - b.seed : a.task < b.task ? -1 : 1));
  const strip = (r: EpisodeResult) => ({ task: r.task, seed: r.seed, success: r.success, steps: r.steps, completed: r.completed, goals: r.goals, reason: r.reason });
  const report = buildRobustnessReport(
    {
      policy: e.policy,
      model: e.modelUrl ?? (e.modelDir ? displayPath(e.modelDir) : null),
      suite: e.split ? `${e.suite}/${e.split}` : e.suite,
      seed: e.seed,
      trials: e.trials,
      execution: e.execution ? formatExecution(e.execution) : null,
      reading: e.reading,
      created: new Date().toISOString(),
      wall_s: Math.round((performance.now() - t0) / 100) / 10,
    },
    order(results[0]).map(strip),
    cells.slice(1).map((c, i) => ({ axis: c.setting!.axis, level: c.setting!.level, episodes: order(results[i + 1]).map(strip) })),
  );
  process.stdout.write(formatRobustnessTable(report) + '\n');
  if (o.out === '-') {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else if (o.out) {
    mkdirSync(dirname(resolve(o.out)), { recursive: true });
    writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
    const svg = o.out.replace(/\.json$/i, '') + '.svg';
    writeFileSync(svg, robustnessChartSvg(report));
    process.stdout.write(`wrote ${o.out} and ${svg}\n`);
  }
  process.stderr.write(`ran ${jobs.length} episodes (${cells.length} cells) on the ${backend.name} backend in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

