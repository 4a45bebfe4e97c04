import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRobustnessShards, readRobustnessShard, type SweepMeta } from '../../scripts/lib/robustnessPlan';
import type { RobustnessReport } from '../../scripts/lib/robustnessReport';

// Sharded robustness sweep (docs/sharding.md): three shards of a small scripted-expert sweep, two of them
// taking their index from the environment, merge into the report and chart of the unsharded sweep; and the
// merge refuses shards that do not make one sweep, with eval:merge's refusals.

const ROOT = resolve(import.meta.dirname, '../..');
// 3 cells (clean, layout:1, push:1) x 2 tasks x 2 trials = 12 episodes, 4 per shard.
const RUN = ['--policy', 'expert', '--suite', 'goal', '--task', 'goal/open_drawer,goal/press_button', '--trials', '2', '--axes', 'layout,push', '--levels', '1'];
const STACK = /\n\s+at /;
let tmp: string;

function cli(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete clean.JOB_COMPLETION_INDEX;
  delete clean.SLURM_ARRAY_TASK_ID;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...clean, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sweep = (args: string[], env?: NodeJS.ProcessEnv) => cli('scripts/robustness.ts', args, env);
const merge = (args: string[]) => cli('scripts/robustness-merge.ts', args);
const shardPath = (k: number) => join(tmp, `shard-${k}.jsonl`);
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as RobustnessReport;
const files = (...paths: string[]) => paths.map(readRobustnessShard);

/** The fields that say when and how long, not what happened: left out of the equality (docs/sharding.md). */
const withoutTimes = (r: RobustnessReport) => ({ ...r, created: '', wall_s: 0 });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vla-robustness-shard-test-'));
  const whole = sweep([...RUN, '--out', join(tmp, 'whole.json')]);
  expect(whole.code, whole.stderr).toBe(0);
  for (const [k, how] of [[0, ['--shard', '0/3']], [1, ['--shard-count', '3']], [2, ['--shard', '/3']]] as const) {
    const env = k === 1 ? { JOB_COMPLETION_INDEX: '1' } : k === 2 ? { SLURM_ARRAY_TASK_ID: '2' } : {};
    const r = sweep([...RUN, ...how, '--out', shardPath(k)], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`shard ${k}/3: 4 of 12 episodes`);
  }
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('robustness --shard', () => {
  it('merges three shards into the unsharded report and chart (times aside)', () => {
    const r = merge([shardPath(2), shardPath(0), shardPath(1), '--out', join(tmp, 'merged.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('push');
    const whole = json(join(tmp, 'whole.json'));
    const merged = json(join(tmp, 'merged.json'));
    expect(merged.clean.episodes).toHaveLength(4);
    expect(merged.axes.map((a) => [a.axis, a.levels.map((l) => l.episodes.length)])).toEqual([['layout', [4]], ['push', [4]]]);
    expect(withoutTimes(merged)).toEqual(withoutTimes(whole));
    expect(readFileSync(join(tmp, 'merged.svg'), 'utf8')).toBe(readFileSync(join(tmp, 'whole.svg'), 'utf8'));
    const shardWall = [0, 1, 2].reduce((s, k) => s + readRobustnessShard(shardPath(k)).end!.wall_s, 0);
    expect(merged.wall_s).toBeCloseTo(shardWall, 1);
  });

  it('writes a header with the sweep identity, one line per episode with its index and cell, and an end line', () => {
    const f = readRobustnessShard(shardPath(1));
    expect(f.header).toMatchObject({
      format: 'vla-robustness-shard',
      shard: { index: 1, count: 3 },
      episodes: 12,
      meta: { policy: 'expert', model: null, model_sha256: null, suite: 'goal', seed: 1_000_000, trials: 2, backend: 'node', axes: ['layout', 'push'], levels: [1] },
      tasks: [{ id: 'goal/open_drawer' }, { id: 'goal/press_button' }],
    });
    // Episode i = (cell * 2 tasks + task) * 2 trials + trial; shard 1 of 3 holds i = 1, 4, 7, 10.
    expect(f.episodes.map((e) => [e.index, e.cell, e.result.task, e.result.seed]).sort()).toEqual([
      [1, 'clean', 'goal/open_drawer', 1_000_001],
      [10, 'push:1', 'goal/press_button', 1_000_000],
      [4, 'layout:1', 'goal/open_drawer', 1_000_000],
      [7, 'layout:1', 'goal/press_button', 1_000_001],
    ]);
    expect(f.end).toMatchObject({ episodes: 4 });
  });

  it('refuses --shard without a .jsonl --out before running anything', () => {
    for (const [args, msg] of [
      [['--shard', '0/3'], 'give --out FILE.jsonl'],
      [['--shard', '0/3', '--out', join(tmp, 'x.json')], 'give --out FILE.jsonl (got'],
      [['--shard', '3/3', '--out', join(tmp, 'x.jsonl')], '0-based, so K must be 0..2'],
    ] as const) {
      const r = sweep([...RUN, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).toContain('--shard K/N');
      expect(r.stderr).not.toMatch(STACK);
      // Nothing ran: no progress, no table, no file.
      expect(r.stderr).not.toContain('ran ');
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(tmp, 'x.jsonl')) || existsSync(join(tmp, 'x.json'))).toBe(false);
  });
});

describe('robustness:merge refuses', () => {
  /** A copy of shard k with its lines passed through `edit` (null drops a line). */
  function edited(k: number, name: string, edit: (line: Record<string, unknown>) => Record<string, unknown> | null): string {
    const out = join(tmp, name);
    const lines = readFileSync(shardPath(k), 'utf8').trim().split('\n').map((l) => edit(JSON.parse(l)));
    writeFileSync(out, lines.filter((l) => l !== null).map((l) => JSON.stringify(l) + '\n').join(''));
    return out;
  }

  it('shards of different sweeps, naming the header fields that differ (exit 2, no stack)', () => {
    const other = edited(1, 'other-axes.jsonl', (l) => (l.kind === 'header' ? { ...l, meta: { ...(l.meta as SweepMeta), axes: ['layout', 'dynamics'], seed: 7 } } : l));
    expect(() => mergeRobustnessShards(files(shardPath(0), other, shardPath(2)))).toThrow(
      /other-axes\.jsonl is from a different run than .*shard-0\.jsonl; they differ in:\n\s+seed: 1000000 vs 7\n\s+axes: \["layout","push"\] vs \["layout","dynamics"\]/,
    );
    const r = merge([shardPath(0), other, shardPath(2), '--out', join(tmp, 'no.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is from a different run');
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(join(tmp, 'no.json'))).toBe(false);
  });

  it('the same shard twice', () => {
    const twin = join(tmp, 'twin.jsonl');
    copyFileSync(shardPath(1), twin);
    expect(() => mergeRobustnessShards(files(shardPath(0), shardPath(1), twin, shardPath(2)))).toThrow(/overlapping shards: .*shard-1\.jsonl and .*twin\.jsonl are both shard 1\/3/);
    const r = merge([shardPath(0), shardPath(1), twin, shardPath(2), '--out', join(tmp, 'no.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('overlapping shards');
  });

  it('an episode line whose cell is not its index', () => {
    const wrong = edited(1, 'wrong-cell.jsonl', (l) => (l.kind === 'episode' && l.index === 4 ? { ...l, cell: 'push:1' } : l));
    expect(() => mergeRobustnessShards(files(shardPath(0), wrong, shardPath(2)))).toThrow(/wrong-cell\.jsonl: episode 4 says \{"cell":"push:1"\}, but episode 4 of this run is layout:1 goal\/open_drawer seed 1000000/);
  });

  it('a missing shard and a shard that stopped early, naming the episodes', () => {
    expect(() => mergeRobustnessShards(files(shardPath(0), shardPath(2)))).toThrow(
      /4 of 12 episodes are missing: 1, 4, 7, 10\n\s+shards not given: 1\/3\n\s+episode 1: clean goal\/open_drawer seed 1000001\n\s+episode 4: layout:1 goal\/open_drawer seed 1000000/,
    );
    const cut = edited(1, 'cut.jsonl', (l) => (l.kind === 'end' || (l.kind === 'episode' && l.index === 10) ? null : l));
    expect(() => mergeRobustnessShards(files(shardPath(0), cut, shardPath(2)))).toThrow(/1 of 12 episodes are missing: 10\n\s+.*cut\.jsonl \(shard 1\/3\) has 3 of its 4 episodes and no end line: it stopped early/);
    const r = merge([shardPath(0), shardPath(2), '--out', join(tmp, 'no.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('4 of 12 episodes are missing: 1, 4, 7, 10');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('an eval shard, and a file that is not a shard', () => {
    const evalShard = edited(0, 'eval-like.jsonl', (l) => (l.kind === 'header' ? { ...l, format: 'vla-eval-shard' } : l));
    expect(() => readRobustnessShard(evalShard)).toThrow(/is not a robustness shard/);
    expect(() => readRobustnessShard(join(tmp, 'whole.json'))).toThrow(/is not a robustness shard/);
  });
});
