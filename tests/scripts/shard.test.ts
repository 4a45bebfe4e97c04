import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/lib/cli';
import { parseDatagenArgs, planJobs } from '../../scripts/lib/datagenPlan';
import { evalJobs } from '../../scripts/lib/evalPlan';
import { formatIndexRanges, rangeShard, resolveShard, stridedShard, takeShardFlags, type Shard } from '../../scripts/lib/shard';

// How a run is cut into shards (docs/sharding.md): which shard the command line and the scheduler's
// environment pick, and that the slices are disjoint, cover the run, and leave every episode its seed.

const shards = (N: number): Shard[] => Array.from({ length: N }, (_, index) => ({ index, count: N }));

describe('shard slices', () => {
  it.each([1, 2, 3, 4, 7, 13, 40])('are disjoint and cover the run for N = %i (strided for eval, ranges for datagen)', (N) => {
    for (const total of [0, 1, 5, 12, 39, 40, 41]) {
      for (const slice of [stridedShard, rangeShard]) {
        const parts = shards(N).map((s) => slice(total, s));
        const all = parts.flat();
        expect(new Set(all).size, `${slice.name} ${total}/${N}`).toBe(all.length);
        expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
        // Balanced: no shard has more than one episode more than another.
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('ranges are contiguous, strides deal the tasks out', () => {
    expect(shards(3).map((s) => rangeShard(10, s))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
    expect(shards(3).map((s) => stridedShard(7, s))).toEqual([[0, 3, 6], [1, 4], [2, 5]]);
  });

  it('give each eval episode the seed of the unsharded run, whatever N', () => {
    const tasks = [{ id: 'goal/open_drawer', suite: 'goal' }, { id: 'goal/press_button', suite: 'goal' }, { id: 'chains/a', suite: 'chains' }];
    const whole = evalJobs(tasks, 5, 1_000_000);
    expect(whole[7]).toEqual({ task: 'goal/press_button', seed: 1_000_002 });
    for (const N of [1, 2, 3, 6, 15, 20]) {
      for (const s of shards(N)) for (const i of stridedShard(whole.length, s)) expect(evalJobs(tasks, 5, 1_000_000)[i]).toEqual(whole[i]);
    }
  });

  it('give each datagen episode the task and seed of the unsharded run, whatever N', () => {
    const o = parseDatagenArgs(['--suite', 'goal,object', '--episodes', '23', '--seed', '500', '--out', 'x', '--perturb-random', '0.5']);
    const whole = planJobs(o);
    for (const N of [2, 3, 5, 23]) {
      const merged = shards(N).flatMap((s) => rangeShard(whole.length, s).map((i) => whole[i]));
      expect(merged).toEqual(whole);
    }
    expect(whole.map((j) => j.seed)).toEqual(Array.from({ length: 23 }, (_, i) => 500 + i));
  });

  it('lists missing indices as short ranges', () => {
    expect(formatIndexRanges([9, 3, 5, 6, 7, 12])).toBe('3, 5-7, 9, 12');
    expect(formatIndexRanges(Array.from({ length: 30 }, (_, i) => 2 * i), 3)).toBe('0, 2, 4, ... (27 more ranges)');
  });
});

describe('choosing the shard', () => {
  const none = {};
  it('takes --shard and --shard-count out of the arguments, in both spellings', () => {
    expect(takeShardFlags(['--suite', 'goal', '--shard', '1/3', '--trials', '2'])).toEqual({ rest: ['--suite', 'goal', '--trials', '2'], shard: '1/3', shardCount: null });
    expect(takeShardFlags(['--shard-count=4', '--seed', '3'])).toEqual({ rest: ['--seed', '3'], shard: null, shardCount: '4' });
    expect(() => takeShardFlags(['--shard', '--seed', '3'])).toThrow(/--shard needs a value/);
    expect(() => takeShardFlags(['--shard', '0/2', '--shard=1/2'])).toThrow(/given twice/);
  });

  it('reads K/N, 0-based, and refuses K out of 0..N-1', () => {
    expect(resolveShard({ shard: null, shardCount: null }, none)).toBeNull();
    expect(resolveShard({ shard: '0/3', shardCount: null }, none)).toEqual({ index: 0, count: 3 });
    expect(resolveShard({ shard: ' 2 / 3 ', shardCount: null }, none)).toEqual({ index: 2, count: 3 });
    expect(() => resolveShard({ shard: '3/3', shardCount: null }, none)).toThrow(/0-based, so K must be 0\.\.2/);
    for (const bad of ['1', '1/0', 'a/3', '-1/3', '1/3/4', '1.5/3']) expect(() => resolveShard({ shard: bad, shardCount: null }, none), bad).toThrow(UsageError);
    expect(() => resolveShard({ shard: '0/2', shardCount: '2' }, none)).toThrow(/not both/);
  });

  it('takes K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID with --shard /N or --shard-count N', () => {
    expect(resolveShard({ shard: '/4', shardCount: null }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(resolveShard({ shard: null, shardCount: '4' }, { SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 0, count: 4 });
    expect(resolveShard({ shard: null, shardCount: '4' }, { SLURM_ARRAY_TASK_ID: '2', JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 4 });
    expect(() => resolveShard({ shard: null, shardCount: '4' }, none)).toThrow(/needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID/);
    expect(() => resolveShard({ shard: null, shardCount: '4' }, { SLURM_ARRAY_TASK_ID: '4' })).toThrow(/SLURM_ARRAY_TASK_ID=4 is out of range for 4 shard\(s\); shard indices are 0-based: submit the array as --array=0-3/);
    expect(() => resolveShard({ shard: '/4', shardCount: null }, { JOB_COMPLETION_INDEX: '4' })).toThrow(/JOB_COMPLETION_INDEX=4 is out of range/);
    expect(() => resolveShard({ shard: '/4', shardCount: null }, { JOB_COMPLETION_INDEX: '1', SLURM_ARRAY_TASK_ID: '2' })).toThrow(/disagree/);
    expect(() => resolveShard({ shard: '/4', shardCount: null }, { JOB_COMPLETION_INDEX: 'x' })).toThrow(/JOB_COMPLETION_INDEX must be an integer/);
    // The flag names the shard outright; the environment only fills in a missing index.
    expect(resolveShard({ shard: '1/4', shardCount: null }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 1, count: 4 });
  });
});
