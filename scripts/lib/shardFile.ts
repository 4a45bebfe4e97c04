import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EpisodeResult } from '../../src/sim/rollout';
import { UsageError } from './cli';
import type { TaskRef } from './evalPlan';
import { formatIndexRanges, formatShard, stridedShard, type Shard } from './shard';

// A shard of a run on disk, for every CLI whose run is a list of seeded episodes (eval, the robustness
// sweep; docs/sharding.md). JSON lines, so a shard killed half-way still says what it finished: line 1 is
// the header (the run's identity, the task order, the episode count, which shard this is), then one line
// per episode as it finishes (any order), then an end line when the shard ran to its end. What differs
// between the CLIs is only the header's identity (`meta`), how that identity enumerates the run's
// episodes, and the fields an episode line carries beside its result: a ShardFormat says those, and the
// writer, the reader and the merge below are the same code for all of them.

/** One episode of the whole run, as the merge checks a line against it. */
export interface ShardJob {
  task: string;
  seed: number;
}

/** One kind of shard file. M: the header's run identity; X: what an episode line adds to index and result. */
export interface ShardFormat<M extends object, X extends object> {
  /** The header's `format` value. */
  name: string;
  version: number;
  /** How messages call one file ("an eval shard"). */
  noun: string;
  /** The command that writes them, for messages about a file that is not one. */
  writtenBy: string;
  /** The sharding rule in words, kept in every header: shards cut by another rule never merge. */
  sharding: string;
  /** The whole run's episodes, in index order (the order the unsharded run reports them), from a header. */
  jobs(meta: M, tasks: readonly TaskRef[]): ShardJob[];
  /** The fields an episode line carries between its index and its result. */
  lineFields(index: number, meta: M, tasks: readonly TaskRef[]): X;
  /** How messages name an episode; `task seed S` when absent. */
  describe?(index: number, meta: M, tasks: readonly TaskRef[]): string;
}

export interface ShardHeader<M extends object> {
  kind: 'header';
  format: string;
  version: number;
  shard: Shard;
  /** Episodes in the whole run (all shards). */
  episodes: number;
  sharding: string;
  meta: M;
  tasks: TaskRef[];
}

export type ShardEpisode<X extends object> = { kind: 'episode'; index: number; result: EpisodeResult } & X;

export interface ShardEnd {
  kind: 'end';
  episodes: number;
  wall_s: number;
}

export interface ShardFile<M extends object, X extends object> {
  path: string;
  header: ShardHeader<M>;
  episodes: Array<ShardEpisode<X>>;
  /** Null when the shard stopped before its end (killed, crashed, still running). */
  end: ShardEnd | null;
}

/** Writes a shard's lines as they come; the header truncates whatever an earlier attempt left. */
export class ShardFileWriter<M extends object, X extends object> {
  private run: { meta: M; tasks: TaskRef[] } | null = null;
  constructor(
    readonly format: ShardFormat<M, X>,
    readonly path: string,
  ) {}

  header(shard: Shard, meta: M, tasks: TaskRef[], episodes: number): void {
    this.run = { meta, tasks };
    const f = this.format;
    const h: ShardHeader<M> = { kind: 'header', format: f.name, version: f.version, shard, episodes, sharding: f.sharding, meta, tasks };
    writeFileSync(this.path, JSON.stringify(h) + '\n');
  }

  episode(index: number, result: EpisodeResult): void {
    if (!this.run) throw new Error(`${this.path}: an episode line before the header`);
    const line = { kind: 'episode', index, ...this.format.lineFields(index, this.run.meta, this.run.tasks), result };
    appendFileSync(this.path, JSON.stringify(line) + '\n');
  }

  end(episodes: number, wall_s: number): void {
    appendFileSync(this.path, JSON.stringify({ kind: 'end', episodes, wall_s } satisfies ShardEnd) + '\n');
  }
}

/** Read and check one shard file; every problem names the file and the line. */
export function readShard<M extends object, X extends object>(format: ShardFormat<M, X>, path: string): ShardFile<M, X> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const parsed: Array<{ n: number; v: Record<string, unknown> }> = [];
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      parsed.push({ n: i + 1, v: JSON.parse(text) as Record<string, unknown> });
    } catch {
      if (parsed.length === 0) throw new UsageError(`${path} is not ${format.noun} (its first line is not JSON; ${format.writtenBy} writes shards)`);
      // A shard killed mid-write leaves a half line at the end; it is one more missing episode, said later.
      if (i >= lines.length - 2) return;
      throw new UsageError(`${path}: line ${i + 1} is not JSON (${text.slice(0, 60)})`);
    }
  });
  const first = parsed[0]?.v;
  if (!first || first.kind !== 'header' || first.format !== format.name) {
    throw new UsageError(`${path} is not ${format.noun} (its first line must be the ${format.name} header that ${format.writtenBy} writes)`);
  }
  if (first.version !== format.version) throw new UsageError(`${path}: shard format version ${String(first.version)}, this merge reads version ${format.version}`);
  const header = first as unknown as ShardHeader<M>;
  const episodes: Array<ShardEpisode<X>> = [];
  let end: ShardEnd | null = null;
  for (const { n, v } of parsed.slice(1)) {
    if (end) throw new UsageError(`${path}: line ${n} comes after the end line`);
    if (v.kind === 'end') end = v as unknown as ShardEnd;
    else if (v.kind === 'episode' && Number.isInteger(v.index) && typeof (v.result as EpisodeResult | undefined)?.task === 'string') episodes.push(v as unknown as ShardEpisode<X>);
    else throw new UsageError(`${path}: line ${n} is neither an episode nor the end line`);
  }
  return { path, header, episodes, end };
}

/** The run-identity fields where two headers differ, as `field: a vs b`. */
function headerDifferences<M extends object>(a: ShardHeader<M>, b: ShardHeader<M>): string[] {
  const out: string[] = [];
  const am = a.meta as Record<string, unknown>;
  const bm = b.meta as Record<string, unknown>;
  for (const k of new Set([...Object.keys(am), ...Object.keys(bm)])) if (!isDeepStrictEqual(am[k], bm[k])) out.push(`${k}: ${JSON.stringify(am[k])} vs ${JSON.stringify(bm[k])}`);
  if (!isDeepStrictEqual(a.tasks, b.tasks)) out.push(`tasks: ${a.tasks.map((t) => t.id).join(',')} vs ${b.tasks.map((t) => t.id).join(',')}`);
  if (a.episodes !== b.episodes) out.push(`episodes in the run: ${a.episodes} vs ${b.episodes}`);
  if (a.sharding !== b.sharding) out.push(`sharding rule: "${a.sharding}" vs "${b.sharding}"`);
  return out;
}

export interface MergedShards<M extends object> {
  meta: M;
  tasks: TaskRef[];
  /** Every episode of the run, in index order (the order an unsharded run reports them). */
  results: EpisodeResult[];
  /** The shards' wall times added up: machine time spent, not the elapsed time of any one run. */
  wall_s: number;
}

/**
 * Put the shards of one run back together. Refuses shards of different runs (listing the fields that
 * differ), shards given twice or overlapping, episodes that are not where the sharding puts them, and a
 * run with episodes missing (listing them, and which shards stopped early or were not given).
 */
export function mergeShardFiles<M extends object, X extends object>(format: ShardFormat<M, X>, files: Array<ShardFile<M, X>>): MergedShards<M> {
  if (files.length === 0) throw new UsageError('no shard files given');
  const ref = files[0];
  for (const f of files.slice(1)) {
    const diff = headerDifferences(ref.header, f.header);
    if (diff.length) throw new UsageError(`${f.path} is from a different run than ${ref.path}; they differ in:\n  ${diff.join('\n  ')}`);
  }
  const N = ref.header.shard.count;
  const byIndex = new Map<number, ShardFile<M, X>>();
  for (const f of files) {
    if (f.header.shard.count !== N) {
      throw new UsageError(`${ref.path} is shard ${formatShard(ref.header.shard)} but ${f.path} is shard ${formatShard(f.header.shard)}: merge shards of one split (the same N)`);
    }
    const twin = byIndex.get(f.header.shard.index);
    if (twin) throw new UsageError(`overlapping shards: ${twin.path} and ${f.path} are both shard ${formatShard(f.header.shard)}`);
    byIndex.set(f.header.shard.index, f);
  }
  const { meta, tasks } = ref.header;
  const jobs = format.jobs(meta, tasks);
  const describe = (i: number) => format.describe?.(i, meta, tasks) ?? `${jobs[i].task} seed ${jobs[i].seed}`;
  if (jobs.length !== ref.header.episodes) throw new UsageError(`${ref.path}: the header says ${ref.header.episodes} episodes, its tasks and options make ${jobs.length}`);
  const results: Array<EpisodeResult | undefined> = new Array(jobs.length);
  const source: string[] = [];
  for (const f of files) {
    const mine = new Set(stridedShard(jobs.length, f.header.shard));
    for (const e of f.episodes) {
      const job = jobs[e.index];
      if (!mine.has(e.index) || !job) throw new UsageError(`${f.path}: episode ${e.index} is not in shard ${formatShard(f.header.shard)} of a ${jobs.length}-episode run (${format.sharding})`);
      if (job.task !== e.result.task || job.seed !== e.result.seed) {
        throw new UsageError(`${f.path}: episode ${e.index} is ${e.result.task} seed ${e.result.seed}, but episode ${e.index} of this run is ${describe(e.index)}`);
      }
      // The line's own fields (eval's trial, the sweep's cell) must be the ones its index stands for.
      const want = format.lineFields(e.index, meta, tasks) as Record<string, unknown>;
      const got = Object.fromEntries(Object.keys(want).map((k) => [k, (e as Record<string, unknown>)[k]]));
      if (!isDeepStrictEqual(got, want)) throw new UsageError(`${f.path}: episode ${e.index} says ${JSON.stringify(got)}, but episode ${e.index} of this run is ${describe(e.index)}`);
      if (results[e.index]) throw new UsageError(`overlapping shards: episode ${e.index} (${describe(e.index)}) is in ${source[e.index]} and in ${f.path}`);
      results[e.index] = e.result;
      source[e.index] = f.path;
    }
  }
  const missing = jobs.map((_, i) => i).filter((i) => !results[i]);
  if (missing.length) throw new UsageError(missingMessage(files, N, jobs.length, missing, describe));
  return { meta, tasks, results: results as EpisodeResult[], wall_s: files.reduce((s, f) => s + (f.end?.wall_s ?? 0), 0) };
}

function missingMessage(files: Array<{ path: string; header: { shard: Shard }; episodes: unknown[]; end: ShardEnd | null }>, N: number, total: number, missing: number[], describe: (i: number) => string): string {
  const given = new Set(files.map((f) => f.header.shard.index));
  const absent = Array.from({ length: N }, (_, k) => k).filter((k) => !given.has(k));
  const lines = [`${missing.length} of ${total} episodes are missing: ${formatIndexRanges(missing)}`];
  if (absent.length) lines.push(`shards not given: ${absent.map((k) => `${k}/${N}`).join(', ')}`);
  for (const f of files) {
    const want = stridedShard(total, f.header.shard).length;
    if (f.episodes.length < want) lines.push(`${f.path} (shard ${formatShard(f.header.shard)}) has ${f.episodes.length} of its ${want} episodes${f.end ? '' : ' and no end line: it stopped early; run that shard again'}`);
  }
  const show = missing.slice(0, 20).map((i) => `episode ${i}: ${describe(i)}`);
  if (missing.length > 20) show.push(`... and ${missing.length - 20} more`);
  return [...lines, ...show].join('\n  ');
}

/** The merge CLIs' file arguments: a folder stands for every .jsonl file in it, in name order. */
export function shardFilePaths(args: string[]): string[] {
  return args.flatMap((a) => {
    if (!existsSync(a)) throw new UsageError(`${a}: no such file or folder`);
    if (!statSync(a).isDirectory()) return [a];
    const inside = readdirSync(a).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(a, f));
    if (!inside.length) throw new UsageError(`${a} holds no .jsonl shard files`);
    return inside;
  });
}
