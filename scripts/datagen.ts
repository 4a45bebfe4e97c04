// Demonstration data: runs the scripted expert in headless Chromium through the built app's own runner
// page (same sim, renderer and cameras as the app) and writes the dataset of docs/dataset.md.
//
//   npm run datagen -- --suite <spatial|object|goal|long|chains|all>[,<suite>...] --episodes N --seed S --out DIR
//                      [--randomize] [--action-noise SCALE] [--dist dist] [--workers K] [--resume] [--no-build]
//                      [--shard K/N]
//
// With --shard only shard K's contiguous range of episodes is written; `npm run datagen:merge` puts the
// shard folders together into the dataset the unsharded run writes (docs/sharding.md).

import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { ensureBuilt } from './lib/build';
import { ensureWritableDir, runCli, UsageError } from './lib/cli';
import {
  DATAGEN_USAGE as PLAN_USAGE, parseDatagenArgs, planJobs, readEpisodeLog, resumeMismatches, runArguments, storedArguments,
  type Job, type LogEntry, type RunArguments,
} from './lib/datagenPlan';
import { buildCard, cardShard, cardText, type CardRenderer } from './lib/datagenCard';
import { shardResumeMismatches, storedShard } from './lib/datagenShard';
import { formatShard, rangeShard, resolveShard, SHARD_USAGE, takeShardFlags } from './lib/shard';
import { createProgress } from './lib/progress';
import { encodeNpy, type NpyDtype } from './lib/npy';
import { openRunner, runPool } from './lib/runnerClient';
import type { EncodedArray, RunnerEpisodeResult } from '../src/runner/protocol';
import type { Subtask } from '../src/sim/tasks';
import { sourcesInSuite } from '../src/engine/catalog';

const DATAGEN_USAGE = PLAN_USAGE + SHARD_USAGE;

/**
 * card.json is rewritten after each of a run's first 20 episodes, then once this long has passed since the
 * last rewrite, so a stopped run leaves a usable dataset whose card is at most an episode or two seconds old.
 */
const CARD_EVERY_MS = 2000;
/** Arrays written per episode directory (the runner's `goal` array is used to split chains, not written). */
const EPISODE_ARRAYS = ['front', 'wrist', 'proprio', 'action', 'gripper_px', 'gripper_vis', 'boxes', 'box_vis', 'subtask', 'move'];

async function main(): Promise<number> {
  const flags = takeShardFlags(process.argv.slice(2));
  const o = parseDatagenArgs(flags.rest);
  if (o.help) {
    process.stdout.write(DATAGEN_USAGE);
    return 0;
  }
  const shard = resolveShard(flags);
  const { actionNoise, workers } = o;
  const outDir = resolve(o.out);
  const distDir = resolve(o.dist);

  // ------------------------------------------------------------------------------------------ plan
  const tasks = [...new Map(o.suites.flatMap((s) => (s === 'open' ? sourcesInSuite('open', 'train') : sourcesInSuite(s))).map((t) => [t.id, t])).values()];
  const plan: Job[] = planJobs(o);
  // A shard is a slice of the whole run's plan: every episode keeps its index, task and seed.
  const jobs: Job[] = shard ? rangeShard(plan.length, shard).map((i) => plan[i]) : plan;
  const jobAt = new Map(jobs.map((j) => [j.index, j]));
  const shardCard = shard ? cardShard(shard, plan.length) : null;

  // Everything that can refuse the run is checked before the build and the browser, which take a minute.
  const logPath = join(outDir, 'episodes.jsonl');
  const cardPath = join(outDir, 'card.json');
  ensureWritableDir(outDir);
  const previous = new Map<number, LogEntry>();
  const runArgs: RunArguments = runArguments(o);
  // A card and empty files are what a run leaves that stopped before its first episode (or whose build
  // failed): nothing to continue, so the same command may simply start again.
  const isEmpty = (name: string) => {
    const st = statSync(join(outDir, name));
    return st.isDirectory() ? readdirSync(join(outDir, name)).length === 0 : st.size === 0;
  };
  const held = readdirSync(outDir).filter((f) => !['card.json', 'card.json.tmp'].includes(f) && !isEmpty(f));
  if (held.length > 0) {
    if (!o.resume) throw new UsageError(`${outDir} is not empty; pass --resume to continue it, or choose another --out`);
    const stored = storedArguments(cardPath);
    if (stored) {
      const mismatches = [...resumeMismatches(stored, runArgs), ...shardResumeMismatches(storedShard(cardPath), shard, stored, runArgs)];
      if (mismatches.length) {
        throw new UsageError(`${outDir} holds a run made with other arguments; --resume continues it only with its own:\n  ${mismatches.join('\n  ')}`);
      }
    }
    const log = readEpisodeLog(logPath);
    if (log.torn !== null) process.stderr.write(`episodes.jsonl ended in a half-written line (the run was killed); dropped it, that episode runs again\n`);
    for (const e of log.entries) {
      const job = jobAt.get(e.index);
      // Without stored arguments (an older folder) the log itself shows whether this is the same run.
      if (!job || job.task !== e.task || job.seed !== e.seed) {
        const runs = shard ? `only episodes ${shardCard!.episodes?.join('..') ?? '(none)'} (shard ${formatShard(shard)})` : `only ${jobs.length} episodes`;
        throw new UsageError(
          `${logPath} records episode ${e.index} as ${e.task} seed ${e.seed}, but this command would run ` +
            (job ? `${job.task} seed ${job.seed}` : runs) + ': it belongs to another run; use its arguments or another --out',
        );
      }
      previous.set(e.index, e);
    }
  } else if (o.resume) {
    process.stderr.write(`${outDir} is empty; starting a new run\n`);
  }
  mkdirSync(join(outDir, 'episodes'), { recursive: true });

  // ------------------------------------------------------------------------------------------ writing
  const pairs = (plan: Subtask[]) => plan.map((s) => [s.verb, s.object]);

  function decode(a: EncodedArray): Uint8Array {
    const b = Buffer.from(a.base64, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  const ITEM: Record<NpyDtype, number> = { uint8: 1, int32: 4, float32: 4 };

  /** Rows [t0, t1) of an array along its first axis, as raw bytes. */
  function rows(a: EncodedArray, bytes: Uint8Array, t0: number, t1: number): { shape: number[]; bytes: Uint8Array } {
    const rowBytes = (a.shape.slice(1).reduce((x, y) => x * y, 1) * ITEM[a.dtype]) | 0;
    return { shape: [t1 - t0, ...a.shape.slice(1)], bytes: bytes.subarray(t0 * rowBytes, t1 * rowBytes) };
  }

  /**
   * Write a finished episode. Single-goal episodes become one directory. A chain becomes one directory per
   * goal it completed, each with that goal's own instruction and plan, so every directory holds exactly one
   * instruction (what the model is conditioned on); the remainder of a failed chain is not kept.
   */
  function writeEpisode(job: Job, r: RunnerEpisodeResult): { dirs: string[]; frames: number } {
    const rec = r.recording!;
    const bytes = Object.fromEntries(Object.entries(rec.arrays).map(([k, a]) => [k, decode(a)]));
    const goalOf = new Int32Array(bytes.goal.buffer.slice(bytes.goal.byteOffset, bytes.goal.byteOffset + bytes.goal.byteLength));
    const T = r.steps;
    const segments: { goal: number; t0: number; t1: number }[] = [];
    for (let t = 0; t < T; t++) {
      const g = goalOf[t];
      if (segments.length && segments.at(-1)!.goal === g) segments.at(-1)!.t1 = t + 1;
      else segments.push({ goal: g, t0: t, t1: t + 1 });
    }
    const kept = segments.filter((s) => s.goal < r.completed);
    const dirs: string[] = [];
    let frames = 0;
    for (const s of kept) {
      const name = rec.goals.length > 1 ? `ep_${String(job.index).padStart(6, '0')}_g${s.goal}` : `ep_${String(job.index).padStart(6, '0')}`;
      const dir = join(outDir, 'episodes', name);
      mkdirSync(dir, { recursive: true });
      for (const k of EPISODE_ARRAYS) {
        const a = rec.arrays[k];
        const part = rows(a, bytes[k], s.t0, s.t1);
        writeFileSync(join(dir, `${k}.npy`), encodeNpy(a.dtype, part.shape, part.bytes));
      }
      const goal = rec.goals[s.goal];
      const meta = {
        task: r.task,
        suite: r.suite,
        seed: r.seed,
        instruction: goal.instruction,
        plan: pairs(goal.plan),
        success: true,
        steps: s.t1 - s.t0,
        reason: null,
        randomization: r.randomization,
        perturb: job.perturb || null,
        ...(rec.goals.length > 1
          ? { chain: { goal: s.goal, goals: rec.goals.length, start_step: s.t0, completed: r.completed, episode_success: r.success, episode_reason: r.reason } }
          : {}),
      };
      writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
      dirs.push(name);
      frames += s.t1 - s.t0;
    }
    return { dirs, frames };
  }

  function dirSize(path: string): number {
    const st = statSync(path);
    if (!st.isDirectory()) return st.size;
    return readdirSync(path).reduce((s, e) => s + dirSize(join(path, e)), 0);
  }

  // ------------------------------------------------------------------------------------------ card
  const entries = new Map<number, LogEntry>(previous);
  /** Log entries of the episodes finished so far, in job order. */
  const finished = () => jobs.map((j) => entries.get(j.index)).filter((e): e is LogEntry => !!e);

  let lastCard = 0;
  let cardInfo: CardRenderer | null = null;
  function writeCard(complete: boolean) {
    const card = buildCard(runArgs, finished(), complete, cardInfo, shardCard);
    const tmp = join(outDir, 'card.json.tmp');
    writeFileSync(tmp, cardText(card));
    renameSync(tmp, cardPath);
    lastCard = Date.now();
    return card;
  }
  // Written before anything runs: it holds the arguments a --resume is checked against, and a run stopped
  // after any number of episodes leaves a card.
  writeCard(false);
  // Ctrl-C keeps what was done; a hard kill leaves the card of at most CARD_EVERY_MS ago (the log has it all).
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      try {
        writeCard(false);
      } finally {
        process.stderr.write(`\nstopped; card.json lists the ${finished().length} episodes done: --resume continues\n`);
        process.exit(sig === 'SIGINT' ? 130 : 143);
      }
    });
  }

  // ------------------------------------------------------------------------------------------ run
  const t0 = Date.now();
  if (o.build) process.stderr.write(`app: ${ensureBuilt(distDir)}\n`);
  else if (!existsSync(join(distDir, 'runner.html'))) throw new UsageError(`${distDir}/runner.html is missing: build the app (npx vite build) or drop --no-build`);
  const pageErrors: string[] = [];
  const runner = await openRunner({
    distDir,
    pages: workers,
    onError: (t) => {
      pageErrors.push(t);
      process.stderr.write(`\n[page error] ${t}\n`);
    },
  });
  cardInfo = runner.info;
  writeCard(false);
  process.stderr.write(`runner: ${runner.info.webgl}; ${workers} page(s); ${jobs.length} episodes over ${tasks.length} task(s)` +
    (shard ? `; shard ${formatShard(shard)} of ${plan.length} episodes` : '') +
    (previous.size ? `; resuming, ${previous.size} already done` : '') + '\n');

  let frames = [...previous.values()].reduce((s, e) => s + e.frames, 0);
  let steps = 0;
  let ok = [...previous.values()].filter((e) => e.dirs.length > 0).length;
  let failed = [...previous.values()].filter((e) => !e.success).length;
  const runStart = Date.now();
  const progress = createProgress(jobs.length, 'datagen', 'kept {ok} failed {failed} | {frames} frames | {fps} frames/s');
  progress.update(entries.size, { ok, failed, frames, fps: '-' });

  try {
    await runPool(jobs.filter((j) => !previous.has(j.index)), workers, async (job, lane) => {
      const r = await runner.runEpisode(runner.pages[lane], { taskId: job.task, seed: job.seed, policy: 'expert', record: true, randomize: o.randomize, actionNoise, ...(job.perturb ? { perturbations: [job.perturb] } : {}) });
      const written = r.recording ? writeEpisode(job, r) : { dirs: [], frames: 0 };
      const entry: LogEntry = {
        index: job.index, task: r.task, suite: r.suite, seed: r.seed, instruction: r.instruction, success: r.success, steps: r.steps,
        reason: r.reason, completed: r.completed, goals: r.goals, wall_ms: r.wall_ms, timing: r.timing, ...written,
      };
      appendFileSync(logPath, JSON.stringify(entry) + '\n');
      entries.set(job.index, entry);
      frames += written.frames;
      steps += r.steps;
      if (written.dirs.length) ok++;
      if (!r.success) failed++;
      const fps = steps / ((Date.now() - runStart) / 1000);
      progress.update(entries.size, { ok, failed, frames, fps: fps.toFixed(1) });
      if (Date.now() - lastCard >= CARD_EVERY_MS || entries.size - previous.size <= 20) writeCard(false);
    });
  } finally {
    progress.stop();
    await runner.close();
  }
  const all = finished();
  const card = writeCard(all.length === jobs.length);

  // ------------------------------------------------------------------------------------------ summary
  const table = new Table({
    head: ['task', 'attempted', 'success', 'kept dirs', 'frames', 'avg steps', 'failures'],
    // Colour codes only on a terminal; logs stay plain text.
    ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }),
  });
  for (const t of tasks) {
    const es = all.filter((e) => e.task === t.id);
    if (!es.length) continue;
    const fails = es.filter((e) => !e.success);
    table.push([
      t.id, es.length, es.length - fails.length, es.reduce((s, e) => s + e.dirs.length, 0), es.reduce((s, e) => s + e.frames, 0),
      (es.reduce((s, e) => s + e.steps, 0) / es.length).toFixed(0),
      fails.slice(0, 2).map((e) => `seed ${e.seed}: ${(e.reason ?? '').slice(0, 60)}`).join('\n'),
    ]);
  }
  process.stdout.write(table.toString() + '\n');
  const wall = (Date.now() - t0) / 1000;
  const runWall = (Date.now() - runStart) / 1000;
  const newEntries = all.filter((e) => !previous.has(e.index));
  const sum = (k: keyof LogEntry['timing']) => newEntries.reduce((s, e) => s + e.timing[k], 0) / 1000;
  process.stdout.write(
    `${card.attempted} episodes attempted, ${card.succeeded} succeeded; ${card.episodes} episode dirs, ${card.frames} frames kept\n` +
      `this run: ${newEntries.length} episodes, ${steps} steps in ${runWall.toFixed(1)} s = ${(steps / runWall).toFixed(1)} steps/s ` +
      `(in-page time: sim ${sum('sim').toFixed(1)} s, render ${sum('render').toFixed(1)} s, policy ${sum('policy').toFixed(1)} s, labels+encode ${sum('record').toFixed(1)} s); total wall ${wall.toFixed(1)} s\n` +
      `wrote ${outDir} (${(dirSize(outDir) / 1e6).toFixed(1)} MB)` + (pageErrors.length ? `; ${pageErrors.length} page errors` : '') + '\n',
  );
  return pageErrors.length ? 1 : 0;
}

runCli('datagen', DATAGEN_USAGE, main);
