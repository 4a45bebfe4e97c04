import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../scripts/lib/evalReport';
import { mergeShards, readShardFile, type ShardHeader } from '../../scripts/lib/evalShardFile';

// Sharded evaluation (docs/sharding.md): three shards of a small scripted-expert run, one of them taking
// its index from the environment, merge into the report of the unsharded run; and the merge refuses shards
// that do not make one run.

const ROOT = resolve(import.meta.dirname, '../..');
const RUN = ['--suite', 'goal', '--task', 'goal/open_drawer,goal/press_button', '--trials', '3', '--policy', 'expert'];
const STACK = /\n\s+at /;
let tmp: string;

function cli(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete clean.JOB_COMPLETION_INDEX;
  delete clean.SLURM_ARRAY_TASK_ID;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...clean, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const evalCli = (args: string[], env?: NodeJS.ProcessEnv) => cli('scripts/eval.ts', args, env);
const merge = (args: string[]) => cli('scripts/eval-merge.ts', args);
const shardPath = (k: number) => join(tmp, `shard-${k}.jsonl`);
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as EvalReport;

/** The fields that say how long things took, not what happened: left out of the equality (docs/sharding.md). */
function withoutTimings(r: EvalReport) {
  return { ...r, wall_s: 0, episodes: r.episodes.map((e) => ({ ...e, wall_ms: 0 })) };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vla-eval-shard-test-'));
  const whole = evalCli([...RUN, '--out', join(tmp, 'whole.json')]);
  expect(whole.code, whole.stderr).toBe(0);
  for (const [k, how] of [[0, ['--shard', '0/3']], [1, ['--shard-count', '3']], [2, ['--shard', '/3']]] as const) {
    const env = k === 1 ? { JOB_COMPLETION_INDEX: '1' } : k === 2 ? { SLURM_ARRAY_TASK_ID: '2' } : {};
    const r = evalCli([...RUN, ...how, '--out', shardPath(k)], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`shard ${k}/3: 2 of 6 episodes`);
  }
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('eval --shard', () => {
  it('merges three shards into the unsharded report (timings aside)', () => {
    const r = merge([shardPath(2), shardPath(0), shardPath(1), '--out', join(tmp, 'merged.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('goal/press_button');
    const whole = json(join(tmp, 'whole.json'));
    const merged = json(join(tmp, 'merged.json'));
    expect(merged.episodes).toHaveLength(6);
    expect(withoutTimings(merged)).toEqual(withoutTimings(whole));
    // The merged wall time is the shards' machine time added up.
    const shardWall = [0, 1, 2].reduce((s, k) => s + readShardFile(shardPath(k)).end!.wall_s, 0);
    expect(merged.wall_s).toBeCloseTo(shardWall, 1);
  });

  it('writes a header, one line per episode with its index and trial, and an end line', () => {
    const f = readShardFile(shardPath(1));
    expect(f.header).toMatchObject({ format: 'vla-eval-shard', shard: { index: 1, count: 3 }, episodes: 6, meta: { policy: 'expert', seed: 1_000_000, trials: 3, backend: 'node' } });
    expect(f.episodes.map((e) => [e.index, e.trial, e.result.task, e.result.seed]).sort()).toEqual([
      [1, 1, 'goal/open_drawer', 1_000_001],
      [4, 1, 'goal/press_button', 1_000_001],
    ]);
    expect(f.end).toMatchObject({ episodes: 2 });
  });

  it('refuses a shard index out of range, and a shard without a .jsonl --out, before running', () => {
    for (const [args, env, msg] of [
      [['--shard', '3/3', '--out', join(tmp, 'x.jsonl')], {}, '0-based, so K must be 0..2'],
      [['--shard-count', '3', '--out', join(tmp, 'x.jsonl')], { SLURM_ARRAY_TASK_ID: '3' }, 'submit the array as --array=0-2'],
      [['--shard', '/3', '--out', join(tmp, 'x.jsonl')], {}, 'needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID'],
      [['--shard', '0/3', '--out', join(tmp, 'x.json')], {}, 'give --out FILE.jsonl (got'],
    ] as const) {
      const r = evalCli([...RUN, ...args], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).toContain('--shard K/N');
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});

describe('eval:merge refuses', () => {
  /** A copy of shard k with its lines passed through `edit` (null drops a line). */
  function edited(k: number, name: string, edit: (line: Record<string, unknown>) => Record<string, unknown> | null): string {
    const out = join(tmp, name);
    const lines = readFileSync(shardPath(k), 'utf8').trim().split('\n').map((l) => edit(JSON.parse(l)));
    writeFileSync(out, lines.filter((l) => l !== null).map((l) => JSON.stringify(l) + '\n').join(''));
    return out;
  }
  const files = (...paths: string[]) => paths.map(readShardFile);

  it('shards of different runs, naming the options that differ (exit 2, no stack)', () => {
    const other = edited(1, 'other-seed.jsonl', (l) => (l.kind === 'header' ? { ...l, meta: { ...(l.meta as ShardHeader['meta']), seed: 7, policy: 'model' } } : l));
    expect(() => mergeShards(files(shardPath(0), other, shardPath(2)))).toThrow(/other-seed\.jsonl is from a different run than .*shard-0\.jsonl; they differ in:\n\s+policy: "expert" vs "model"\n\s+seed: 1000000 vs 7/);
    const r = merge([shardPath(0), other, shardPath(2), '--out', join(tmp, 'no.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is from a different run');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a shard given twice, shards of different splits, and an episode in two shards', () => {
    const twin = join(tmp, 'twin.jsonl');
    copyFileSync(shardPath(1), twin);
    expect(() => mergeShards(files(shardPath(0), shardPath(1), twin, shardPath(2)))).toThrow(/overlapping shards: .*shard-1\.jsonl and .*twin\.jsonl are both shard 1\/3/);
    const four = edited(2, 'of-four.jsonl', (l) => (l.kind === 'header' ? { ...l, shard: { index: 2, count: 4 } } : l));
    expect(() => mergeShards(files(shardPath(0), shardPath(1), four))).toThrow(/is shard 0\/3 but .*of-four\.jsonl is shard 2\/4/);
    // An episode that is not its shard's: refused before it could be counted twice.
    const stray = edited(0, 'stray.jsonl', (l) => (l.kind === 'episode' && l.index === 3 ? { ...l, index: 1, trial: 1, result: { ...(l.result as object), seed: 1_000_001 } } : l));
    expect(() => mergeShards(files(stray, shardPath(1), shardPath(2)))).toThrow(/stray\.jsonl: episode 1 is not in shard 0\/3/);
  });

  it('missing shards and episodes, saying which', () => {
    expect(() => mergeShards(files(shardPath(0), shardPath(2)))).toThrow(
      /2 of 6 episodes are missing: 1, 4\n\s+shards not given: 1\/3\n\s+episode 1: goal\/open_drawer seed 1000001\n\s+episode 4: goal\/press_button seed 1000001/,
    );
    // A shard killed after one episode: no end line, a half-written last line.
    const cut = edited(1, 'cut.jsonl', (l) => (l.kind === 'end' || (l.kind === 'episode' && l.index === 4) ? null : l));
    writeFileSync(cut, readFileSync(cut, 'utf8') + '{"kind":"episode","index":4,"tri');
    expect(() => mergeShards(files(shardPath(0), cut, shardPath(2)))).toThrow(/1 of 6 episodes are missing: 4\n\s+.*cut\.jsonl \(shard 1\/3\) has 1 of its 2 episodes and no end line: it stopped early/);
    const r = merge([shardPath(0), '--out', join(tmp, 'no.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('4 of 6 episodes are missing: 1-2, 4-5');
  });

  it('a file that is not a shard', () => {
    expect(() => readShardFile(join(tmp, 'whole.json'))).toThrow(/is not an eval shard/);
    expect(() => readShardFile(join(tmp, 'nope.jsonl'))).toThrow(/no such file/);
  });
});
