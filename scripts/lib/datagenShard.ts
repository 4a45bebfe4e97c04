import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { UsageError } from './cli';
import { buildCard, cardText, type CardRenderer, type CardShard, type DatasetCard } from './datagenCard';
import { planJobs, readEpisodeLog, type DatagenSuite, type LogEntry, type RunArguments } from './datagenPlan';
import type { AxisName } from '../../src/sim/axes';
import { formatIndexRanges, formatShard, rangeShard, type Shard } from './shard';

// Datagen shards (docs/sharding.md): a shard folder is an ordinary dataset folder holding a contiguous
// range of the run's episodes, its card saying which (`shard`). datagen:merge checks the folders are the
// N shards of one run, each complete, and writes the dataset the unsharded run writes: the same episode
// folders (copied byte for byte), episodes.jsonl in episode order, and the card buildCard makes from them.

/** The shard a dataset folder's card says it holds; null for an unsharded folder or no card. */
export function storedShard(cardPath: string): Shard | null {
  if (!existsSync(cardPath)) return null;
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { shard?: Shard };
  return card.shard ? { index: card.shard.index, count: card.shard.count } : null;
}

/** Why `--resume` with `now` must not continue a folder holding shard `stored`; empty when it may. */
export function shardResumeMismatches(stored: Shard | null, now: Shard | null, storedArgs: RunArguments, nowArgs: RunArguments): string[] {
  const name = (s: Shard | null) => (s ? `--shard ${formatShard(s)}` : 'no --shard');
  if (!stored && !now) return [];
  if (!stored || !now || stored.index !== now.index || stored.count !== now.count) return [`--shard: the run used ${name(stored)}, this command gives ${name(now)}`];
  // A shard's range is a fraction of the whole run, so another --episodes would move its borders.
  if (storedArgs.episodes !== nowArgs.episodes) return [`--episodes: a shard's range depends on it; the run used ${storedArgs.episodes}, this command gives ${nowArgs.episodes}`];
  return [];
}

interface ShardDir {
  dir: string;
  card: DatasetCard;
  shard: Shard;
  entries: LogEntry[];
}

function readShardDir(dir: string): ShardDir {
  const cardPath = join(dir, 'card.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: no such folder`);
  if (!existsSync(cardPath)) throw new UsageError(`${dir} has no card.json: not a datagen output folder`);
  let card: DatasetCard;
  try {
    card = JSON.parse(readFileSync(cardPath, 'utf8')) as DatasetCard;
  } catch (e) {
    throw new UsageError(`${cardPath} is not valid JSON (${(e as Error).message})`);
  }
  if (card.format !== 'vla-playground-demos' || !card.arguments) throw new UsageError(`${cardPath} is not a datagen card with its run arguments (written by npm run datagen)`);
  // An unsharded dataset is the whole run: shard 0 of 1.
  const s = (card as { shard?: CardShard }).shard;
  const shard = s ? { index: s.index, count: s.count } : { index: 0, count: 1 };
  // Read without repairing: a merge never changes its inputs (a torn last line is just a missing episode).
  const { entries } = readEpisodeLog(join(dir, 'episodes.jsonl'), false);
  return { dir, card, shard, entries };
}

function argumentDifferences(a: RunArguments, b: RunArguments): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as Array<keyof RunArguments>;
  return keys.filter((k) => (a[k] ?? 0) !== (b[k] ?? 0)).map((k) => `${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
}

export interface MergePlan {
  args: RunArguments;
  /** Every episode of the run, in index order, with the folder it is copied from. */
  episodes: Array<{ entry: LogEntry; from: string }>;
  renderer: CardRenderer;
  shards: number;
}

/**
 * Check the folders are the shards of one run, each once, together every episode: refuses other runs'
 * folders (listing the arguments that differ), different renderers, overlaps, and missing episodes
 * (listing them and the shards that are absent or stopped early).
 */
export function planMerge(dirs: string[]): MergePlan {
  if (!dirs.length) throw new UsageError('give the shard folders to merge');
  const shards = dirs.map((d) => readShardDir(resolve(d)));
  const ref = shards[0];
  const N = ref.shard.count;
  const byIndex = new Map<number, ShardDir>();
  for (const s of shards) {
    const diff = argumentDifferences(ref.card.arguments, s.card.arguments);
    if (diff.length) throw new UsageError(`${s.dir} is from a different run than ${ref.dir}; their arguments differ:\n  ${diff.join('\n  ')}`);
    for (const k of ['renderer', 'cameras'] as const) {
      // A shard that never reached its runner page has none; the others decide.
      if (s.card[k] !== null && ref.card[k] !== null && !isDeepStrictEqual(s.card[k], ref.card[k])) {
        throw new UsageError(`${s.dir} was rendered with other ${k} than ${ref.dir} (${JSON.stringify(s.card[k])} vs ${JSON.stringify(ref.card[k])}): one dataset must come from one renderer`);
      }
    }
    if (s.shard.count !== N) throw new UsageError(`${ref.dir} is shard ${formatShard(ref.shard)} but ${s.dir} is shard ${formatShard(s.shard)}: merge shards of one split (the same N)`);
    const twin = byIndex.get(s.shard.index);
    if (twin) throw new UsageError(`overlapping shards: ${twin.dir} and ${s.dir} are both shard ${formatShard(s.shard)}`);
    byIndex.set(s.shard.index, s);
  }
  const args = ref.card.arguments;
  const plan = planJobs({ suites: args.suite.split(',').map((x) => x.trim()) as DatagenSuite[], episodes: args.episodes, seed: args.seed, perturbRandom: args.perturb_random ?? 0, perturbAxes: args.perturb_axes ? (args.perturb_axes.split(',') as AxisName[]) : [] });
  const found: Array<{ entry: LogEntry; from: string } | undefined> = new Array(plan.length);
  for (const s of shards) {
    const mine = new Set(rangeShard(plan.length, s.shard));
    for (const e of s.entries) {
      const job = plan[e.index];
      if (!mine.has(e.index) || !job) throw new UsageError(`${s.dir}: episode ${e.index} is not in shard ${formatShard(s.shard)} of a ${plan.length}-episode run`);
      if (job.task !== e.task || job.seed !== e.seed) throw new UsageError(`${s.dir}: episode ${e.index} is ${e.task} seed ${e.seed}, but episode ${e.index} of this run is ${job.task} seed ${job.seed}`);
      if (found[e.index]) throw new UsageError(`overlapping shards: episode ${e.index} (${job.task} seed ${job.seed}) is in ${found[e.index]!.from} and in ${s.dir}`);
      for (const d of e.dirs) if (!existsSync(join(s.dir, 'episodes', d, 'meta.json'))) throw new UsageError(`${s.dir}: episodes.jsonl lists ${d}, but episodes/${d} is missing or incomplete`);
      found[e.index] = { entry: e, from: s.dir };
    }
  }
  const missing = plan.map((_, i) => i).filter((i) => !found[i]);
  if (missing.length) {
    const absent = Array.from({ length: N }, (_, k) => k).filter((k) => !byIndex.has(k));
    const lines = [`${missing.length} of ${plan.length} episodes are missing: ${formatIndexRanges(missing)}`];
    if (absent.length) lines.push(`shards not given: ${absent.map((k) => `${k}/${N}`).join(', ')}`);
    for (const s of shards) {
      const want = rangeShard(plan.length, s.shard).length;
      if (s.entries.length < want) lines.push(`${s.dir} (shard ${formatShard(s.shard)}) has ${s.entries.length} of its ${want} episodes: it stopped early; finish it with the same command and --resume`);
    }
    throw new UsageError(lines.join('\n  '));
  }
  const renderer = shards.find((s) => s.card.cameras && s.card.renderer);
  if (!renderer) throw new UsageError('no shard card names its renderer and cameras');
  return { args, episodes: found as Array<{ entry: LogEntry; from: string }>, renderer: { webgl: renderer.card.renderer!, cameras: renderer.card.cameras! }, shards: shards.length };
}

/** Write the merged dataset into `out` (a new or empty folder); returns its card. */
export function writeMerged(p: MergePlan, out: string): DatasetCard {
  const dir = resolve(out);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new UsageError(`${dir} is not an empty folder; merge into a new --out`);
  mkdirSync(join(dir, 'episodes'), { recursive: true });
  for (const { entry, from } of p.episodes) {
    for (const d of entry.dirs) cpSync(join(from, 'episodes', d), join(dir, 'episodes', d), { recursive: true });
  }
  writeFileSync(join(dir, 'episodes.jsonl'), p.episodes.map((e) => JSON.stringify(e.entry) + '\n').join(''));
  const card = buildCard(p.args, p.episodes.map((e) => e.entry), true, p.renderer);
  // Last, and whole: a card.json in the folder means the merge finished.
  writeFileSync(join(dir, 'card.json.tmp'), cardText(card));
  renameSync(join(dir, 'card.json.tmp'), join(dir, 'card.json'));
  return card;
}
