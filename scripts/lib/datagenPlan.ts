import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { SUITES, type SuiteName } from '../../src/sim/tasks';
import { sourcesInSuite } from '../../src/engine/catalog';
import { AXES, formatAxes, type AxisName, type AxisSetting, type Level } from '../../src/sim/axes';
import { Rng } from '../../src/sim/rng';
import type { RunnerEpisodeResult } from '../../src/runner/protocol';
import { parseFlags, UsageError } from './cli';

// datagen's request and its record on disk, apart from the browser work, so they can be checked (and
// tested) before a page is opened: the arguments, the episode plan, the log a stopped run leaves and
// whether a --resume continues the same run.

import { EVAL_SEED_START } from '../../src/sim/seeds';

export { EVAL_SEED_START };

export const DATAGEN_USAGE =
  'usage: npm run datagen -- --suite <spatial|object|goal|long|chains|open|all>[,<suite>...] --episodes N --seed S --out DIR\n' +
  '                          [--randomize] [--action-noise SCALE] [--perturb-random P] [--perturb-axes a,b] [--dist DIR] [--workers K] [--resume] [--no-build]\n' +
  '  Runs the scripted expert on N episodes, round-robin over the suite\'s tasks, seeds S, S+1, ...\n' +
  '  (training seeds must stay below 1,000,000). Successful episodes are written in the format of\n' +
  '  docs/dataset.md; every episode, kept or not, is listed in card.json.\n' +
  '  A list of suites is one round-robin over their tasks in order, so `all,spatial` gives each spatial\n' +
  '  task twice the episodes of the others.\n' +
  '  --action-noise SCALE (0..1) executes the expert\'s actions with seeded, correlated noise of SCALE x the\n' +
  '  action limits while the gripper is open (DART) and records the clean actions, so the data shows how to\n' +
  '  recover from drift (src/sim/actionNoise.ts).\n' +
  '  --suite open samples programs from the open grammar\'s train split only (docs/language.md); a program\n' +
  '  is written one directory per atom, like a chain, each with the step\'s words (what a step-reading\n' +
  '  policy reads). The held-out split is never generated.\n' +
  '  --perturb-random P (0..1) applies, to that fraction of episodes, 1-3 robustness axes at levels 1-2\n' +
  '  drawn from the episode seed (docs/robustness.md; not the language axis: words are augmented in\n' +
  '  training); meta.json records them. --perturb-axes a,b draws them from these axes only (e.g.\n' +
  '  robot_init: every perturbed episode starts with the arm away from home).\n' +
  '  --resume continues a stopped run in DIR with the arguments it was started with (a larger --episodes\n' +
  '  extends it); other arguments are refused.\n';

export interface DatagenOptions {
  /** As given, e.g. "all,spatial". */
  suite: string;
  suites: Array<DatagenSuite>;
  episodes: number;
  seed: number;
  out: string;
  randomize: boolean;
  actionNoise: number;
  /** Fraction of episodes with random robustness axes (0 = none). */
  perturbRandom: number;
  /** The axes --perturb-random draws from (empty = every axis but language). */
  perturbAxes: AxisName[];
  dist: string;
  workers: number;
  resume: boolean;
  build: boolean;
  help: boolean;
}

export type DatagenSuite = SuiteName | 'open' | 'all';
const isSuite = (s: string): s is DatagenSuite => s === 'all' || s === 'open' || (SUITES as readonly string[]).includes(s);

/** Parse and validate datagen's command line; throws UsageError (exit 2) for anything it cannot run. */
export function parseDatagenArgs(argv: string[]): DatagenOptions {
  const args = parseFlags(argv, {
    suite: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    randomize: { type: 'boolean', default: false },
    'action-noise': { type: 'string', default: '0' },
    'perturb-random': { type: 'string', default: '0' },
    'perturb-axes': { type: 'string', default: '' },
    dist: { type: 'string', default: 'dist' },
    workers: { type: 'string', default: '1' },
    resume: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const base = {
    randomize: !!args.randomize,
    dist: String(args.dist),
    resume: !!args.resume,
    build: !args['no-build'],
  };
  if (args.help) return { ...base, suite: '', suites: [], episodes: 0, seed: 0, out: '', actionNoise: 0, perturbRandom: 0, perturbAxes: [], workers: 1, help: true };
  const suite = args.suite;
  const suites = (suite ?? '').split(',').map((s) => s.trim());
  if (!suite || !suites.every(isSuite)) throw new UsageError(`--suite must be one of ${[...SUITES, 'open', 'all'].join(', ')}, or a comma-separated list of them`);
  const episodes = Number(args.episodes);
  if (!/^\d+$/.test(String(args.episodes ?? '').trim()) || !Number.isSafeInteger(episodes) || episodes < 1) throw new UsageError('--episodes must be a positive integer');
  const seed = Number(args.seed);
  if (!/^\d+$/.test(String(args.seed).trim()) || !Number.isSafeInteger(seed)) throw new UsageError('--seed must be a non-negative integer');
  if (seed + episodes - 1 >= EVAL_SEED_START) {
    throw new UsageError(`seeds ${seed}..${seed + episodes - 1} reach ${EVAL_SEED_START.toLocaleString('en')}: seeds from there on are reserved for evaluation`);
  }
  if (!args.out) throw new UsageError('--out DIR is required');
  const noiseRaw = String(args['action-noise']);
  const actionNoise = Number(noiseRaw);
  if (!/^\s*[0-9.]+\s*$/.test(noiseRaw) || !(actionNoise >= 0 && actionNoise <= 1)) throw new UsageError('--action-noise must be a number in 0..1');
  const prRaw = String(args['perturb-random']);
  const perturbRandom = Number(prRaw);
  if (!/^\s*[0-9.]+\s*$/.test(prRaw) || !(perturbRandom >= 0 && perturbRandom <= 1)) throw new UsageError('--perturb-random must be a number in 0..1');
  const perturbAxes = parsePerturbAxes(String(args['perturb-axes']));
  if (perturbAxes.length && !perturbRandom) throw new UsageError('--perturb-axes needs --perturb-random P > 0 (the fraction of episodes it applies to)');
  const workers = Number(args.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) throw new UsageError('--workers must be 1..8');
  return { ...base, suite, suites: suites.filter(isSuite), episodes, seed, out: String(args.out), actionNoise, perturbRandom, perturbAxes, workers, help: false };
}

export interface Job {
  index: number;
  task: string;
  seed: number;
  /** Robustness axes of this episode (axis:level list), '' for none. */
  perturb: string;
}

/** Axes that change the demonstrations or their pixels; words are the training's augmentation. */
const DATA_AXES: readonly AxisName[] = AXES.filter((a) => a !== 'language');
const PERTURB_SALT = 0xa7e5;

function parsePerturbAxes(raw: string): AxisName[] {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(DATA_AXES as readonly string[]).includes(n));
  if (bad.length) throw new UsageError(`--perturb-axes: unknown or untrainable axis ${bad.join(', ')}; choose from ${DATA_AXES.join(', ')}`);
  return [...new Set(names)] as AxisName[];
}

/**
 * The axes drawn for one episode: with probability `p`, 1-3 distinct axes at levels 1-2, from the seed,
 * among `from` (every data axis when empty; the draw is the same as before the option existed).
 */
export function randomAxes(seed: number, p: number, from: readonly AxisName[] = []): AxisSetting[] {
  if (p <= 0) return [];
  const rng = new Rng(seed).fork(PERTURB_SALT);
  if (rng.next() >= p) return [];
  const axes = rng.shuffle([...(from.length ? from : DATA_AXES)]).slice(0, 1 + rng.int(3));
  return axes.map((axis) => ({ axis, level: (1 + rng.int(2)) as Level }));
}

/** Episode i runs task i mod ntasks with seed S + i: independent of N, so a larger N extends a run. */
export function planJobs(o: Pick<DatagenOptions, 'suites' | 'episodes' | 'seed'> & { perturbRandom?: number; perturbAxes?: readonly AxisName[] }): Job[] {
  // The open suite's train split only: held-out compositions and wordings never reach training data.
  const tasks = o.suites.flatMap((s) => (s === 'open' ? sourcesInSuite('open', 'train') : sourcesInSuite(s)));
  return Array.from({ length: o.episodes }, (_, i) => ({ index: i, task: tasks[i % tasks.length].id, seed: o.seed + i, perturb: formatAxes(randomAxes(o.seed + i, o.perturbRandom ?? 0, o.perturbAxes)) }));
}

/**
 * What decides the episodes a run writes, stored in card.json when the run starts: a --resume with other
 * values would mix two datasets in one folder, so it is refused. (--workers and --dist do not change a byte.)
 */
export interface RunArguments {
  suite: string;
  episodes: number;
  seed: number;
  randomize: boolean;
  action_noise: number;
  /** Absent in cards written before it existed (= 0). */
  perturb_random?: number;
  /** The axes it draws from, as given (absent = all). */
  perturb_axes?: string;
}

export function runArguments(o: DatagenOptions): RunArguments {
  // Stored only when used, so cards written before the option compare equal.
  return { suite: o.suite, episodes: o.episodes, seed: o.seed, randomize: o.randomize, action_noise: o.actionNoise, ...(o.perturbRandom ? { perturb_random: o.perturbRandom } : {}), ...(o.perturbAxes.length ? { perturb_axes: o.perturbAxes.join(',') } : {}) };
}

/** The differences that make `now` a different run from `stored`, one line each; empty when it may resume. */
export function resumeMismatches(stored: RunArguments, now: RunArguments): string[] {
  const out: string[] = [];
  const flag = (k: keyof RunArguments) => `--${k.replace(/_/g, '-')}`;
  for (const k of ['suite', 'seed', 'randomize', 'action_noise', 'perturb_random', 'perturb_axes'] as const) {
    if ((stored[k] ?? 0) !== (now[k] ?? 0)) out.push(`${flag(k)}: the run used ${JSON.stringify(stored[k])}, this command gives ${JSON.stringify(now[k])}`);
  }
  // A larger count extends the run (the index -> task/seed mapping does not change); a smaller one would
  // leave written episodes that the card no longer lists.
  if (now.episodes < stored.episodes) out.push(`--episodes: the run was started with ${stored.episodes}; resuming may keep or extend it, not shrink it to ${now.episodes}`);
  return out;
}

/** One line per attempted episode, appended as they finish: the source of truth for the card and --resume. */
export type LogEntry = Pick<RunnerEpisodeResult, 'task' | 'suite' | 'seed' | 'instruction' | 'success' | 'steps' | 'reason' | 'completed' | 'goals' | 'wall_ms' | 'timing'> & {
  index: number;
  /** Episode directories written (chains: one per completed goal). */
  dirs: string[];
  frames: number;
};

export interface EpisodeLog {
  entries: LogEntry[];
  /** The half-written last line a hard kill leaves, when there was one (it was cut off the file). */
  torn: string | null;
}

/**
 * Read episodes.jsonl. A kill mid-append leaves a partial last line: it is cut off the file (so the next
 * append starts a fresh line) and its episode runs again. A bad line anywhere else is real damage and an
 * error naming the line.
 */
export function readEpisodeLog(path: string, repair = true): EpisodeLog {
  if (!existsSync(path)) return { entries: [], torn: null };
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  let lastLine = lines.length - 1;
  while (lastLine >= 0 && !lines[lastLine].trim()) lastLine--;
  const entries: LogEntry[] = [];
  let torn: string | null = null;
  let offset = 0;
  for (let i = 0; i <= lastLine; i++) {
    const line = lines[i];
    const start = offset;
    offset += Buffer.byteLength(line, 'utf8') + 1;
    if (!line.trim()) continue;
    let entry: Partial<LogEntry> | null;
    try {
      entry = JSON.parse(line) as Partial<LogEntry>;
    } catch {
      entry = null;
    }
    if (entry && typeof entry === 'object' && Number.isInteger(entry.index) && typeof entry.task === 'string' && Number.isInteger(entry.seed)) {
      entries.push(entry as LogEntry);
      // A complete record whose newline was not written yet: the next append must not join it.
      if (i === lastLine && !text.endsWith('\n') && repair) appendFileSync(path, '\n');
      continue;
    }
    if (i !== lastLine) throw new UsageError(`${path}: line ${i + 1} is not an episode record (${line.slice(0, 80)}); the log is damaged, start a new --out`);
    torn = line;
    if (repair) truncateSync(path, start);
  }
  return { entries, torn };
}

/**
 * The arguments a dataset folder was made with: card.json's `arguments`, or for a card written before they
 * were stored, the command in its `generator` line. Null when there is no card (or it names no command).
 */
export function storedArguments(cardPath: string): RunArguments | null {
  if (!existsSync(cardPath)) return null;
  let card: { arguments?: RunArguments; generator?: string };
  try {
    card = JSON.parse(readFileSync(cardPath, 'utf8')) as typeof card;
  } catch (e) {
    throw new UsageError(`${cardPath} is not valid JSON (${(e as Error).message}); this folder cannot be resumed, start a new --out`);
  }
  if (card.arguments) return card.arguments;
  const argv = card.generator?.split(/\s+/).slice(card.generator.split(/\s+/).indexOf('--') + 1);
  if (!argv?.length) return null;
  try {
    return runArguments(parseDatagenArgs([...argv, '--out', '.']));
  } catch {
    return null;
  }
}
