import { CONTROL_HZ } from '../../src/sim/env';
import { SUITES } from '../../src/sim/tasks';
import { MOVES, OBJECTS, VERBS } from '../../src/sim/vocab';
import type { LogEntry, RunArguments } from './datagenPlan';
import { rangeShard, type Shard } from './shard';

// The dataset card (docs/dataset.md), made from the run's arguments and its episode log: datagen rewrites
// it as a run goes, and datagen:merge writes it once for the merged shards, with this same function, so
// a merged dataset's card is the card of the unsharded run.

export const PROPRIO_LAYOUT = ['tcp_x', 'tcp_y', 'tcp_z', 'sin_yaw', 'cos_yaw', 'gripper_width', 'q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7'];
export const ACTION_LAYOUT = ['dx', 'dy', 'dz', 'drx', 'dry', 'drz', 'grip'];

/** What the card says about the renderer: the runner page's info, or a shard card's copy of it. */
export interface CardRenderer {
  webgl: string;
  cameras: Array<{ name: string; width: number; height: number; fovy: number }>;
}

/** How a shard folder says which part of the run it holds (absent in an unsharded dataset). */
export interface CardShard extends Shard {
  /** The episode indices it holds: [first, last], or null when the range is empty. */
  episodes: [number, number] | null;
  sharding: string;
}

export const DATAGEN_SHARDING = 'shard K of N holds episodes floor(K*E/N) .. floor((K+1)*E/N)-1 of the E episodes';

export function cardShard(shard: Shard, episodes: number): CardShard {
  const range = rangeShard(episodes, shard);
  return { ...shard, episodes: range.length ? [range[0], range.at(-1)!] : null, sharding: DATAGEN_SHARDING };
}

/**
 * The card, from every episode attempted so far (`done`, in episode order). `complete` says whether every
 * episode the run (or shard) owns is among them.
 */
export function buildCard(args: RunArguments, done: LogEntry[], complete: boolean, info: CardRenderer | null, shard: CardShard | null = null) {
  const { suite, episodes, seed: seed0, randomize } = args;
  const actionNoise = args.action_noise;
  const perturbRandom = args.perturb_random ?? 0;
  const suiteList = suite.split(',').map((s) => s.trim());
  const keptDirs = done.flatMap((e) => e.dirs);
  const taskCounts: Record<string, number> = {};
  for (const e of done) if (e.dirs.length) taskCounts[e.task] = (taskCounts[e.task] ?? 0) + e.dirs.length;
  return {
    format: 'vla-playground-demos',
    version: 1,
    complete,
    created: new Date().toISOString(),
    generator: `npm run datagen -- --suite ${suite} --episodes ${episodes} --seed ${seed0}${randomize ? ' --randomize' : ''}${actionNoise ? ` --action-noise ${actionNoise}` : ''}${perturbRandom ? ` --perturb-random ${perturbRandom}` : ''}${args.perturb_axes ? ` --perturb-axes ${args.perturb_axes}` : ''}`,
    /** What --resume must be given again (checked): the arguments that decide the episodes. */
    arguments: args,
    ...(shard ? { shard } : {}),
    suites: [...SUITES.filter((name) => suiteList.includes('all') || suiteList.includes(name)), ...(suiteList.includes('open') ? ['open/train'] : [])],
    /** Fraction of episodes given random robustness axes at levels 1-2 (docs/robustness.md); meta.json has each episode's. */
    perturb_random: perturbRandom,
    /** The axes those are drawn from (null: every axis but language). */
    perturb_axes: args.perturb_axes ?? null,
    /** Episode directories written (a chain contributes one per completed goal). */
    episodes: keptDirs.length,
    frames: done.reduce((s, e) => s + e.frames, 0),
    attempted: done.length,
    succeeded: done.filter((e) => e.success).length,
    tasks: taskCounts,
    seeds: [seed0, seed0 + episodes - 1],
    // Null only in the card written before the runner page is up.
    cameras: info ? info.cameras.map((c) => ({ name: c.name, width: c.width, height: c.height, fovy: c.fovy })) : null,
    proprio_layout: PROPRIO_LAYOUT,
    action_layout: ACTION_LAYOUT,
    control_hz: CONTROL_HZ,
    vocab: { objects: [...OBJECTS], verbs: [...VERBS], moves: [...MOVES] },
    randomization: randomize
      ? { enabled: true, per_episode: 'key light intensity/direction, ambient light, table colour, front and wrist camera pose jitter; seeded by the episode seed (meta.json has the values)' }
      : { enabled: false },
    /** DART noise scale of the executed actions (recorded actions are the expert's clean ones); 0 = none. */
    action_noise: actionNoise,
    renderer: info?.webgl ?? null,
    /** Every attempted episode, in order: kept ones with their directories, failures with the reason. */
    runs: done.map((e) => ({ index: e.index, task: e.task, seed: e.seed, success: e.success, steps: e.steps, completed: e.completed, goals: e.goals, reason: e.reason, dirs: e.dirs })),
  };
}

export type DatasetCard = ReturnType<typeof buildCard>;

/** card.json's bytes. */
export const cardText = (card: DatasetCard) => JSON.stringify(card, null, 1) + '\n';
