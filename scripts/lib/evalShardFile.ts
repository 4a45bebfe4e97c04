import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { EpisodeResult } from '../../src/sim/rollout';
import { UsageError } from './cli';
import { evalJobs, type RunMeta, type TaskRef } from './evalPlan';
import { formatIndexRanges, formatShard, stridedShard, type Shard } from './shard';

// One eval shard on disk (docs/sharding.md): JSON lines, so a shard killed half-way still says what it
// finished. Line 1 is the header (the run's identity: the report's header fields, the task order, the
// episode count, and which shard this is), then one line per episode as it finishes (any order), then an
// end line when the shard ran to its end. eval:merge checks the shards against each other and rebuilds
// the report with the same buildReport an unsharded run calls.

export const EVAL_SHARD_FORMAT = 'vla-eval-shard';
export const EVAL_SHARD_VERSION = 1;
export const SHARDING_RULE = 'episode i = trial k of task t (i = t * trials + k, seed = seed + k) belongs to shard i mod N';

export interface ShardHeader {
  kind: 'header';
  format: typeof EVAL_SHARD_FORMAT;
  version: number;
  shard: Shard;
  /** Episodes in the whole run (all shards). */
  episodes: number;
  sharding: string;
  meta: RunMeta;
  tasks: TaskRef[];
}

export interface ShardEpisode {
  kind: 'episode';
  index: number;
  trial: number;
  result: EpisodeResult;
}

export interface ShardEnd {
  kind: 'end';
  episodes: number;
  wall_s: number;
}

/** Writes a shard's lines as they come; the header truncates whatever an earlier attempt left. */
export class ShardWriter {
  private trials = 1;
  constructor(readonly path: string) {}

  header(shard: Shard, meta: RunMeta, tasks: TaskRef[], episodes: number): void {
    this.trials = meta.trials;
    const h: ShardHeader = { kind: 'header', format: EVAL_SHARD_FORMAT, version: EVAL_SHARD_VERSION, shard, episodes, sharding: SHARDING_RULE, meta, tasks };
    writeFileSync(this.path, JSON.stringify(h) + '\n');
  }

  episode(index: number, result: EpisodeResult): void {
    const line: ShardEpisode = { kind: 'episode', index, trial: index % this.trials, result };
    appendFileSync(this.path, JSON.stringify(line) + '\n');
  }

  end(episodes: number, wall_s: number): void {
    appendFileSync(this.path, JSON.stringify({ kind: 'end', episodes, wall_s } satisfies ShardEnd) + '\n');
  }
}

export interface ShardFile {
  path: string;
  header: ShardHeader;
  episodes: ShardEpisode[];
  /** Null when the shard stopped before its end (killed, crashed, still running). */
  end: ShardEnd | null;
}

/** Read and check one shard file; every problem names the file and the line. */
export function readShardFile(path: string): ShardFile {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const parsed: Array<{ n: number; v: Record<string, unknown> }> = [];
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      parsed.push({ n: i + 1, v: JSON.parse(text) as Record<string, unknown> });
    } catch {
      if (parsed.length === 0) throw new UsageError(`${path} is not an eval shard (its first line is not JSON; npm run eval -- --shard K/N --out FILE.jsonl writes shards)`);
      // A shard killed mid-write leaves a half line at the end; it is one more missing episode, said below.
      if (i >= lines.length - 2) return;
      throw new UsageError(`${path}: line ${i + 1} is not JSON (${text.slice(0, 60)})`);
    }
  });
  const first = parsed[0]?.v;
  if (!first || first.kind !== 'header' || first.format !== EVAL_SHARD_FORMAT) {
    throw new UsageError(`${path} is not an eval shard (its first line must be the ${EVAL_SHARD_FORMAT} header that npm run eval -- --shard K/N --out FILE.jsonl writes)`);
  }
  if (first.version !== EVAL_SHARD_VERSION) throw new UsageError(`${path}: shard format version ${String(first.version)}, this merge reads version ${EVAL_SHARD_VERSION}`);
  const header = first as unknown as ShardHeader;
  const episodes: ShardEpisode[] = [];
  let end: ShardEnd | null = null;
  for (const { n, v } of parsed.slice(1)) {
    if (end) throw new UsageError(`${path}: line ${n} comes after the end line`);
    if (v.kind === 'end') end = v as unknown as ShardEnd;
    else if (v.kind === 'episode' && Number.isInteger(v.index) && typeof (v.result as EpisodeResult | undefined)?.task === 'string') episodes.push(v as unknown as ShardEpisode);
    else throw new UsageError(`${path}: line ${n} is neither an episode nor the end line`);
  }
  return { path, header, episodes, end };
}

/** The run-identity fields where two headers differ, as `field: a vs b`. */
function headerDifferences(a: ShardHeader, b: ShardHeader): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(a.meta), ...Object.keys(b.meta)])] as Array<keyof RunMeta>;
  for (const k of keys) if (!isDeepStrictEqual(a.meta[k], b.meta[k])) out.push(`${k}: ${JSON.stringify(a.meta[k])} vs ${JSON.stringify(b.meta[k])}`);
  if (!isDeepStrictEqual(a.tasks, b.tasks)) out.push(`tasks: ${a.tasks.map((t) => t.id).join(',')} vs ${b.tasks.map((t) => t.id).join(',')}`);
  if (a.episodes !== b.episodes) out.push(`episodes in the run: ${a.episodes} vs ${b.episodes}`);
  if (a.sharding !== b.sharding) out.push(`sharding rule: "${a.sharding}" vs "${b.sharding}"`);
  return out;
}

export interface MergedRun {
  meta: RunMeta;
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
export function mergeShards(files: ShardFile[]): MergedRun {
  if (files.length === 0) throw new UsageError('no shard files given');
  const ref = files[0];
  for (const f of files.slice(1)) {
    const diff = headerDifferences(ref.header, f.header);
    if (diff.length) throw new UsageError(`${f.path} is from a different run than ${ref.path}; they differ in:\n  ${diff.join('\n  ')}`);
  }
  const N = ref.header.shard.count;
  const byIndex = new Map<number, ShardFile>();
  for (const f of files) {
    if (f.header.shard.count !== N) {
      throw new UsageError(`${ref.path} is shard ${formatShard(ref.header.shard)} but ${f.path} is shard ${formatShard(f.header.shard)}: merge shards of one split (the same N)`);
    }
    const twin = byIndex.get(f.header.shard.index);
    if (twin) throw new UsageError(`overlapping shards: ${twin.path} and ${f.path} are both shard ${formatShard(f.header.shard)}`);
    byIndex.set(f.header.shard.index, f);
  }
  const { meta, tasks } = ref.header;
  const jobs = evalJobs(tasks, meta.trials, meta.seed);
  if (jobs.length !== ref.header.episodes) throw new UsageError(`${ref.path}: the header says ${ref.header.episodes} episodes, its tasks and trials make ${jobs.length}`);
  const results: Array<EpisodeResult | undefined> = new Array(jobs.length);
  const source: string[] = [];
  for (const f of files) {
    const mine = new Set(stridedShard(jobs.length, f.header.shard));
    for (const e of f.episodes) {
      const job = jobs[e.index];
      if (!mine.has(e.index) || !job) throw new UsageError(`${f.path}: episode ${e.index} is not in shard ${formatShard(f.header.shard)} of a ${jobs.length}-episode run (${SHARDING_RULE})`);
      if (job.task !== e.result.task || job.seed !== e.result.seed) {
        throw new UsageError(`${f.path}: episode ${e.index} is ${e.result.task} seed ${e.result.seed}, but episode ${e.index} of this run is ${job.task} seed ${job.seed}`);
      }
      if (results[e.index]) throw new UsageError(`overlapping shards: episode ${e.index} (${job.task} seed ${job.seed}) is in ${source[e.index]} and in ${f.path}`);
      results[e.index] = e.result;
      source[e.index] = f.path;
    }
  }
  const missing = jobs.map((_, i) => i).filter((i) => !results[i]);
  if (missing.length) throw new UsageError(missingMessage(files, N, jobs, missing));
  return { meta, tasks, results: results as EpisodeResult[], wall_s: files.reduce((s, f) => s + (f.end?.wall_s ?? 0), 0) };
}

function missingMessage(files: ShardFile[], N: number, jobs: Array<{ task: string; seed: number }>, missing: number[]): string {
  const given = new Set(files.map((f) => f.header.shard.index));
  const absent = Array.from({ length: N }, (_, k) => k).filter((k) => !given.has(k));
  const lines = [`${missing.length} of ${jobs.length} episodes are missing: ${formatIndexRanges(missing)}`];
  if (absent.length) lines.push(`shards not given: ${absent.map((k) => `${k}/${N}`).join(', ')}`);
  for (const f of files) {
    const want = stridedShard(jobs.length, f.header.shard).length;
    if (f.episodes.length < want) lines.push(`${f.path} (shard ${formatShard(f.header.shard)}) has ${f.episodes.length} of its ${want} episodes${f.end ? '' : ' and no end line: it stopped early; run that shard again'}`);
  }
  const show = missing.slice(0, 20).map((i) => `episode ${i}: ${jobs[i].task} seed ${jobs[i].seed}`);
  if (missing.length > 20) show.push(`... and ${missing.length - 20} more`);
  return [...lines, ...show].join('\n  ');
}
