// Demonstration data: runs the scripted expert in headless Chromium through the built app's own runner
// page (same sim, renderer and cameras as the app) and writes the dataset of docs/dataset.md.
//
//   npm run datagen -- --suite <spatial|object|goal|long|chains|all>[,<suite>...] --episodes N --seed S --out DIR
//                      [--randomize] [--action-noise SCALE] [--dist dist] [--workers K] [--resume] [--no-build]

import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { ensureBuilt } from './lib/build';
import { createProgress } from './lib/progress';
import { encodeNpy, type NpyDtype } from './lib/npy';
import { openRunner, runPool } from './lib/runnerClient';
import type { EncodedArray, EpisodeResult, RunnerInfo } from '../src/runner/protocol';
import { CONTROL_HZ } from '../src/sim/env';
import { SUITES, tasksInSuite, type Subtask, type SuiteName } from '../src/sim/tasks';
import { MOVES, OBJECTS, VERBS } from '../src/sim/vocab';

const EVAL_SEED_START = 1_000_000;
/** Rewrite card.json after this many episodes, so an interrupted run leaves a usable dataset. */
const CARD_EVERY = 20;
const PROPRIO_LAYOUT = ['tcp_x', 'tcp_y', 'tcp_z', 'sin_yaw', 'cos_yaw', 'gripper_width', 'q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7'];
const ACTION_LAYOUT = ['dx', 'dy', 'dz', 'drx', 'dry', 'drz', 'grip'];
/** Arrays written per episode directory (the runner's `goal` array is used to split chains, not written). */
const EPISODE_ARRAYS = ['front', 'wrist', 'proprio', 'action', 'gripper_px', 'gripper_vis', 'boxes', 'box_vis', 'subtask', 'move'];

function usage(msg?: string): never {
  if (msg) process.stderr.write(`error: ${msg}\n\n`);
  process.stderr.write(
    'usage: npm run datagen -- --suite <spatial|object|goal|long|chains|all>[,<suite>...] --episodes N --seed S --out DIR\n' +
      '                          [--randomize] [--action-noise SCALE] [--dist DIR] [--workers K] [--resume] [--no-build]\n' +
      '  Runs the scripted expert on N episodes, round-robin over the suite\'s tasks, seeds S, S+1, ...\n' +
      '  (training seeds must stay below 1,000,000). Successful episodes are written in the format of\n' +
      '  docs/dataset.md; every episode, kept or not, is listed in card.json.\n' +
      '  A list of suites is one round-robin over their tasks in order, so `all,spatial` gives each spatial\n' +
      '  task twice the episodes of the others.\n' +
      '  --action-noise SCALE (0..1) executes the expert\'s actions with seeded, correlated noise of SCALE x the\n' +
      '  action limits while the gripper is open (DART) and records the clean actions, so the data shows how to\n' +
      '  recover from drift (src/sim/actionNoise.ts).\n',
  );
  process.exit(msg ? 2 : 0);
}

const { values: args } = parseArgs({
  options: {
    suite: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    randomize: { type: 'boolean', default: false },
    'action-noise': { type: 'string', default: '0' },
    dist: { type: 'string', default: 'dist' },
    workers: { type: 'string', default: '1' },
    resume: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) usage();
const suite = args.suite;
const suiteList = (suite ?? '').split(',').map((s) => s.trim());
const isSuite = (s: string): s is SuiteName | 'all' => s === 'all' || (SUITES as readonly string[]).includes(s);
if (!suite || !suiteList.every(isSuite)) usage(`--suite must be one of ${[...SUITES, 'all'].join(', ')}, or a comma-separated list of them`);
const episodes = Number(args.episodes);
if (!Number.isInteger(episodes) || episodes < 1) usage('--episodes must be a positive integer');
const seed0 = Number(args.seed);
if (!Number.isInteger(seed0) || seed0 < 0) usage('--seed must be a non-negative integer');
if (seed0 + episodes - 1 >= EVAL_SEED_START) {
  usage(`seeds ${seed0}..${seed0 + episodes - 1} reach ${EVAL_SEED_START.toLocaleString('en')}: seeds from there on are reserved for evaluation`);
}
if (!args.out) usage('--out DIR is required');
const actionNoise = Number(args['action-noise']);
if (!/^\s*[0-9.]+\s*$/.test(args['action-noise']!) || !(actionNoise >= 0 && actionNoise <= 1)) usage('--action-noise must be a number in 0..1');
const workers = Number(args.workers);
if (!Number.isInteger(workers) || workers < 1 || workers > 8) usage('--workers must be 1..8');
const outDir = resolve(args.out);
const distDir = resolve(args.dist);

// ------------------------------------------------------------------------------------------ plan
const tasks = suiteList.filter(isSuite).flatMap((s) => tasksInSuite(s));
interface Job {
  index: number;
  task: string;
  seed: number;
}
const jobs: Job[] = Array.from({ length: episodes }, (_, i) => ({ index: i, task: tasks[i % tasks.length].id, seed: seed0 + i }));

/** One line per attempted episode, appended as they finish: the source of truth for the card and --resume. */
type LogEntry = Pick<EpisodeResult, 'task' | 'suite' | 'seed' | 'instruction' | 'success' | 'steps' | 'reason' | 'completed' | 'goals' | 'wall_ms' | 'timing'> & {
  index: number;
  /** Episode directories written (chains: one per completed goal). */
  dirs: string[];
  frames: number;
};
const logPath = join(outDir, 'episodes.jsonl');
const previous = new Map<number, LogEntry>();
if (existsSync(outDir) && readdirSync(outDir).length > 0) {
  if (!args.resume) usage(`${outDir} is not empty; pass --resume to continue it, or choose another --out`);
  if (existsSync(logPath)) {
    for (const line of readFileSync(logPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as LogEntry;
      const job = jobs[e.index];
      if (job && job.task === e.task && job.seed === e.seed) previous.set(e.index, e);
    }
  }
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
function writeEpisode(job: Job, r: EpisodeResult): { dirs: string[]; frames: number } {
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

/**
 * The dataset card, from every episode attempted so far. Rewritten as the run goes, so a long run that is
 * stopped early still leaves a consistent dataset (`complete: false`); --resume finishes it.
 */
function buildCard(complete: boolean, info: RunnerInfo) {
  const done = finished();
  const keptDirs = done.flatMap((e) => e.dirs);
  const taskCounts: Record<string, number> = {};
  for (const e of done) if (e.dirs.length) taskCounts[e.task] = (taskCounts[e.task] ?? 0) + e.dirs.length;
  const card = {
    format: 'vla-playground-demos',
    version: 1,
    complete,
    created: new Date().toISOString(),
    generator: `npm run datagen -- --suite ${suite} --episodes ${episodes} --seed ${seed0}${args.randomize ? ' --randomize' : ''}${actionNoise ? ` --action-noise ${actionNoise}` : ''}`,
    suites: SUITES.filter((name) => suiteList.includes('all') || suiteList.includes(name)),
    /** Episode directories written (a chain contributes one per completed goal). */
    episodes: keptDirs.length,
    frames: done.reduce((s, e) => s + e.frames, 0),
    attempted: done.length,
    succeeded: done.filter((e) => e.success).length,
    tasks: taskCounts,
    seeds: [seed0, seed0 + episodes - 1],
    cameras: info.cameras.map((c) => ({ name: c.name, width: c.width, height: c.height, fovy: c.fovy })),
    proprio_layout: PROPRIO_LAYOUT,
    action_layout: ACTION_LAYOUT,
    control_hz: CONTROL_HZ,
    vocab: { objects: [...OBJECTS], verbs: [...VERBS], moves: [...MOVES] },
    randomization: args.randomize
      ? { enabled: true, per_episode: 'key light intensity/direction, ambient light, table colour, front and wrist camera pose jitter; seeded by the episode seed (meta.json has the values)' }
      : { enabled: false },
    /** DART noise scale of the executed actions (recorded actions are the expert's clean ones); 0 = none. */
    action_noise: actionNoise,
    renderer: info.webgl,
    /** Every attempted episode, in order: kept ones with their directories, failures with the reason. */
    runs: done.map((e) => ({ index: e.index, task: e.task, seed: e.seed, success: e.success, steps: e.steps, completed: e.completed, goals: e.goals, reason: e.reason, dirs: e.dirs })),
  };
  return card;
}

function writeCard(complete: boolean, info: RunnerInfo) {
  const card = buildCard(complete, info);
  const tmp = join(outDir, 'card.json.tmp');
  writeFileSync(tmp, JSON.stringify(card, null, 1) + '\n');
  renameSync(tmp, join(outDir, 'card.json'));
  return card;
}

// ------------------------------------------------------------------------------------------ run
const t0 = Date.now();
if (!args['no-build']) process.stderr.write(`app: ${ensureBuilt(distDir)}\n`);
const pageErrors: string[] = [];
const runner = await openRunner({
  distDir,
  pages: workers,
  onError: (t) => {
    pageErrors.push(t);
    process.stderr.write(`\n[page error] ${t}\n`);
  },
});
process.stderr.write(`runner: ${runner.info.webgl}; ${workers} page(s); ${jobs.length} episodes over ${tasks.length} task(s)` +
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
    const r = await runner.runEpisode(runner.pages[lane], { taskId: job.task, seed: job.seed, policy: 'expert', record: true, randomize: args.randomize, actionNoise });
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
    if (entries.size % CARD_EVERY === 0) writeCard(false, runner.info);
  });
} finally {
  progress.stop();
  await runner.close();
}
const all = finished();
const card = writeCard(all.length === jobs.length, runner.info);

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
if (pageErrors.length) process.exitCode = 1;
