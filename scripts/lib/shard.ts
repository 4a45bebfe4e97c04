import { UsageError } from './cli';

// Splitting one eval, robustness or datagen run over machines (docs/sharding.md). A shard is picked by the
// command line or, on a cluster that starts N copies of one command, by the index the scheduler gives each copy.
// Indices are 0-based everywhere: Kubernetes' JOB_COMPLETION_INDEX is 0..N-1 by definition, and SLURM's
// array ids are whatever --array says, so the docs ask for --array=0-(N-1).

export interface Shard {
  /** 0-based, 0..count-1. */
  index: number;
  count: number;
}

/** Where a shard index may come from when the command line gives only the count, in the order read. */
export const SHARD_INDEX_ENV = ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID'] as const;

export const MAX_SHARDS = 10_000;

export const SHARD_USAGE = `
  --shard K/N       run only shard K of N (K = 0..N-1, 0-based), for the merge command (eval and
                    robustness: --out FILE.jsonl, then npm run eval:merge or robustness:merge; datagen:
                    --out DIR, then npm run datagen:merge);
                    slices are disjoint, cover the whole run, and every episode keeps the seed the
                    unsharded run gives it (docs/sharding.md)
  --shard /N, --shard-count N
                    the same, with K read from ${SHARD_INDEX_ENV[0]} (Kubernetes Indexed Job) or
                    ${SHARD_INDEX_ENV[1]} (SLURM array; submit it with --array=0-(N-1))
`;

export interface ShardFlags {
  /** The other arguments, for the CLI's own parser. */
  rest: string[];
  shard: string | null;
  shardCount: string | null;
}

/**
 * Take --shard and --shard-count out of argv (both `--flag value` and `--flag=value`), so the eval and
 * datagen parsers stay as they were and both CLIs read the shard the same way.
 */
export function takeShardFlags(argv: string[]): ShardFlags {
  const rest: string[] = [];
  const found: Record<'shard' | 'shard-count', string | null> = { shard: null, 'shard-count': null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const m = /^--(shard|shard-count)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const name = m[1] as 'shard' | 'shard-count';
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      // A following flag is not a value: `--shard --seed 3` is a missing value, not shard "--seed".
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value (${name === 'shard' ? 'K/N or /N' : 'N'})`);
      i++;
    }
    if (found[name] !== null) throw new UsageError(`--${name} given twice`);
    found[name] = value;
  }
  return { rest, shard: found.shard, shardCount: found['shard-count'] };
}

function wholeNumber(what: string, v: string, min: number, max: number): number {
  const t = v.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${what} must be an integer in ${min}..${max}, got "${v}"`);
  return n;
}

/**
 * The shard asked for, or null for the whole run. `--shard K/N` names it; `--shard /N` or `--shard-count N`
 * take K from the environment. An index out of 0..N-1 is refused, saying which convention applies.
 */
export function resolveShard(flags: Pick<ShardFlags, 'shard' | 'shardCount'>, env: NodeJS.ProcessEnv = process.env): Shard | null {
  if (flags.shard === null && flags.shardCount === null) return null;
  let indexText: string | null = null;
  let countText: string;
  if (flags.shard !== null) {
    if (flags.shardCount !== null) throw new UsageError('give either --shard K/N or --shard-count N (the index from the environment), not both');
    const m = /^\s*(\d*)\s*\/\s*(\S+)\s*$/.exec(flags.shard);
    if (!m) throw new UsageError(`--shard must be K/N (shard K of N, K = 0..N-1) or /N (K from ${SHARD_INDEX_ENV.join(' or ')}), got "${flags.shard}"`);
    indexText = m[1] === '' ? null : m[1];
    countText = m[2];
  } else {
    countText = flags.shardCount!;
  }
  const count = wholeNumber('the shard count N', countText, 1, MAX_SHARDS);
  if (indexText !== null) {
    const index = wholeNumber('the shard index K', indexText, 0, Number.MAX_SAFE_INTEGER);
    if (index >= count) throw new UsageError(`--shard ${index}/${count}: shard indices are 0-based, so K must be 0..${count - 1}`);
    return { index, count };
  }
  return { index: indexFromEnv(count, env), count };
}

function indexFromEnv(count: number, env: NodeJS.ProcessEnv): number {
  const set = SHARD_INDEX_ENV.filter((k) => env[k] !== undefined && env[k] !== '');
  if (set.length === 0) {
    throw new UsageError(`a shard count without an index needs ${SHARD_INDEX_ENV.join(' or ')} in the environment (neither is set); or give --shard K/${count}`);
  }
  // Both set and different: the job runs under two schedulers' variables and we cannot know which is meant.
  const values = set.map((k) => env[k]!.trim());
  if (new Set(values).size > 1) throw new UsageError(`${set.map((k, i) => `${k}=${values[i]}`).join(' and ')} disagree; unset one, or give --shard K/${count}`);
  const name = set[0];
  const index = wholeNumber(`${name}`, values[0], 0, Number.MAX_SAFE_INTEGER);
  if (index >= count) {
    const hint = name === 'SLURM_ARRAY_TASK_ID' ? `; shard indices are 0-based: submit the array as --array=0-${count - 1}` : ` (0-based: 0..${count - 1}); the Job's completions must equal the shard count`;
    throw new UsageError(`${name}=${index} is out of range for ${count} shard(s)${hint}`);
  }
  return index;
}

export const formatShard = (s: Shard) => `${s.index}/${s.count}`;

/**
 * Eval's slice: episode i belongs to shard i mod N. Episodes are task-major, so a contiguous range would
 * give one machine all the five-instruction chains; striding deals every task out evenly.
 */
export function stridedShard(total: number, s: Shard): number[] {
  const out: number[] = [];
  for (let i = s.index; i < total; i += s.count) out.push(i);
  return out;
}

/**
 * Datagen's slice: the contiguous range [floor(K*total/N), floor((K+1)*total/N)). Datagen's order already
 * rotates through the tasks, so a range is balanced, and each shard's seeds and episode folders stay
 * contiguous.
 */
export function rangeShard(total: number, s: Shard): number[] {
  const lo = Math.floor((s.index * total) / s.count);
  const hi = Math.floor(((s.index + 1) * total) / s.count);
  return Array.from({ length: hi - lo }, (_, i) => lo + i);
}

/** "3, 5-9, 12": a list of indices, short enough for an error message. */
export function formatIndexRanges(indices: number[], limit = 12): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return runs.length > limit ? `${runs.slice(0, limit).join(', ')}, ... (${runs.length - limit} more ranges)` : runs.join(', ');
}
