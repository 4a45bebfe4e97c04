import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../scripts/lib/build';
import { buildCard, cardShard, cardText, type CardRenderer } from '../../scripts/lib/datagenCard';
import { parseDatagenArgs, planJobs, runArguments, type LogEntry } from '../../scripts/lib/datagenPlan';
import { planMerge, writeMerged } from '../../scripts/lib/datagenShard';
import { rangeShard, type Shard } from '../../scripts/lib/shard';

// Sharded data generation (docs/sharding.md): shard folders merge into the dataset an unsharded run writes
// (episode files byte for byte, the card but for its creation time), and the merge refuses folders that
// are not the shards of one run. The real run needs the built runner page (VLA_DIST, or built here).

const ROOT = resolve(import.meta.dirname, '../..');
const STACK = /\n\s+at /;
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vla-datagen-shard-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete clean.JOB_COMPLETION_INDEX;
  delete clean.SLURM_ARRAY_TASK_ID;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...clean, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const datagen = (args: string[], env?: NodeJS.ProcessEnv) => cli('scripts/datagen.ts', args, env);
const mergeCli = (args: string[]) => cli('scripts/datagen-merge.ts', args);

/** Every file under `dir`, relative path -> bytes. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.set(relative(dir, join(d, e.name)), readFileSync(join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}
const card = (dir: string) => {
  const c = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as Record<string, unknown>;
  delete c.created;
  return c;
};
/** episodes.jsonl without the time each episode took. */
const log = (dir: string) =>
  readFileSync(join(dir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const e: Partial<LogEntry> = JSON.parse(l);
    delete e.wall_ms;
    delete e.timing;
    return e;
  });

// ------------------------------------------------------------------------------------ folders made here

const ARGS = ['--suite', 'goal', '--episodes', '5', '--seed', '100'];
const RENDERER: CardRenderer = { webgl: 'test renderer', cameras: [{ name: 'front', width: 64, height: 64, fovy: 42 }] };

/** A shard folder as datagen leaves it, without a browser: `done` of its episodes, each with a meta.json. */
function fakeShard(name: string, shard: Shard | null, opts: { args?: string[]; done?: number; renderer?: CardRenderer } = {}): string {
  const dir = join(tmp, name);
  const o = parseDatagenArgs([...(opts.args ?? ARGS), '--out', dir]);
  const plan = planJobs(o);
  const mine = shard ? rangeShard(plan.length, shard) : plan.map((j) => j.index);
  const entries: LogEntry[] = mine.slice(0, opts.done ?? mine.length).map((i) => {
    const j = plan[i];
    const d = `ep_${String(i).padStart(6, '0')}`;
    mkdirSync(join(dir, 'episodes', d), { recursive: true });
    writeFileSync(join(dir, 'episodes', d, 'meta.json'), JSON.stringify({ task: j.task, seed: j.seed }));
    writeFileSync(join(dir, 'episodes', d, 'action.npy'), Buffer.from([i, 1, 2, 3]));
    return { index: i, task: j.task, suite: 'goal', seed: j.seed, instruction: 'x', success: true, steps: 3, reason: null, completed: 1, goals: 1, wall_ms: 5, timing: { sim: 1, render: 1, policy: 1, record: 1 } as LogEntry['timing'], dirs: [d], frames: 3 };
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'episodes.jsonl'), entries.map((e) => JSON.stringify(e) + '\n').join(''));
  const c = buildCard(runArguments(o), entries, entries.length === mine.length, opts.renderer ?? RENDERER, shard ? cardShard(shard, plan.length) : null);
  writeFileSync(join(dir, 'card.json'), cardText(c));
  return dir;
}

describe('datagen:merge', () => {
  it('puts shard folders together: every episode folder, the log in episode order, one card without a shard', () => {
    const s = [0, 1, 2].map((k) => fakeShard(`ok-${k}`, { index: k, count: 3 }));
    const whole = fakeShard('ok-whole', null);
    const r = mergeCli([s[2], s[0], s[1], '--out', join(tmp, 'ok-merged')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('merged 3 shard(s): 5 episodes attempted');
    const merged = join(tmp, 'ok-merged');
    const withoutCard = (d: string) => new Map([...files(d)].filter(([p]) => p !== 'card.json'));
    expect(withoutCard(merged)).toEqual(withoutCard(whole));
    expect(card(merged)).toEqual(card(whole));
    expect(card(merged)).not.toHaveProperty('shard');
    expect(JSON.parse(readFileSync(join(s[1], 'card.json'), 'utf8')).shard).toMatchObject({ index: 1, count: 3, episodes: [1, 2] });
  });

  it('refuses folders of another run, naming the arguments that differ (exit 2, no stack)', () => {
    const a = fakeShard('args-0', { index: 0, count: 2 });
    const b = fakeShard('args-1', { index: 1, count: 2 }, { args: ['--suite', 'goal', '--episodes', '5', '--seed', '101', '--randomize'] });
    const r = mergeCli([a, b, '--out', join(tmp, 'args-merged')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/args-1 is from a different run than .*args-0; their arguments differ:\n\s+seed: 100 vs 101\n\s+randomize: false vs true/);
    expect(r.stderr).not.toMatch(STACK);
    const c = fakeShard('gpu-1', { index: 1, count: 2 }, { renderer: { ...RENDERER, webgl: 'another GPU' } });
    expect(() => planMerge([a, c])).toThrow(/rendered with other renderer/);
  });

  it('refuses overlapping shards and missing episodes, saying which', () => {
    const a = fakeShard('gap-0', { index: 0, count: 3 });
    const b = fakeShard('gap-1', { index: 1, count: 3 }, { done: 1 });
    expect(() => planMerge([a, a])).toThrow(/overlapping shards: .*gap-0 and .*gap-0 are both shard 0\/3/);
    expect(() => planMerge([a, fakeShard('gap-x', { index: 1, count: 2 })])).toThrow(/is shard 0\/3 but .*gap-x is shard 1\/2/);
    expect(() => planMerge([a, b])).toThrow(/3 of 5 episodes are missing: 2-4\n\s+shards not given: 2\/3\n\s+.*gap-1 \(shard 1\/3\) has 1 of its 2 episodes: it stopped early; finish it with the same command and --resume/);
    rmSync(join(a, 'episodes', 'ep_000000'), { recursive: true });
    expect(() => planMerge([a, b, fakeShard('gap-2', { index: 2, count: 3 })])).toThrow(/gap-0: episodes.jsonl lists ep_000000, but episodes\/ep_000000 is missing/);
  });

  it('writes only into a new or empty folder', () => {
    const s = [0, 1].map((k) => fakeShard(`full-${k}`, { index: k, count: 2 }));
    expect(() => writeMerged(planMerge(s), s[0])).toThrow(/is not an empty folder/);
  });

  it('datagen --resume continues a shard folder only as the same shard', () => {
    const dir = fakeShard('resume-0', { index: 0, count: 2 }, { done: 1 });
    const noDist = ['--no-build', '--dist', join(tmp, 'no-dist')];
    const other = datagen([...ARGS, '--out', dir, '--resume', '--shard', '1/2', ...noDist]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--shard: the run used --shard 0/2, this command gives --shard 1/2');
    const whole = datagen([...ARGS, '--out', dir, '--resume', ...noDist]);
    expect(whole.stderr).toContain('--shard: the run used --shard 0/2, this command gives no --shard');
    const same = datagen([...ARGS, '--out', dir, '--resume', '--shard-count', '2', ...noDist], { JOB_COMPLETION_INDEX: '0' });
    // Past every check, to the missing build.
    expect(same.stderr).toContain('runner.html is missing');
  });
});

// ------------------------------------------------------------------------------------ real episodes

describe('datagen --shard in the runner page', () => {
  const DIST = process.env.VLA_DIST ?? join(tmpdir(), 'vla-datagen-shard-test-dist');
  const RUN = ['--suite', 'goal', '--episodes', '3', '--seed', '40', '--no-build', '--dist', DIST];

  it('two shards merge into the unsharded dataset: identical episode files, the same card and log', () => {
    if (!process.env.VLA_DIST) ensureBuilt(DIST);
    const whole = join(tmp, 'real-whole');
    const w = datagen([...RUN, '--out', whole]);
    expect(w.code, w.stderr).toBe(0);
    const s0 = datagen([...RUN, '--shard', '0/2', '--out', join(tmp, 'real-0')]);
    expect(s0.code, s0.stderr).toBe(0);
    const s1 = datagen([...RUN, '--shard', '/2', '--out', join(tmp, 'real-1')], { SLURM_ARRAY_TASK_ID: '1' });
    expect(s1.code, s1.stderr).toBe(0);
    expect(readdirSync(join(tmp, 'real-1', 'episodes'))).toEqual(['ep_000001', 'ep_000002']);
    const merged = join(tmp, 'real-merged');
    const m = mergeCli([join(tmp, 'real-0'), join(tmp, 'real-1'), '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    const a = files(join(whole, 'episodes'));
    expect(a.size).toBeGreaterThan(10);
    expect(files(join(merged, 'episodes'))).toEqual(a);
    expect(card(merged)).toEqual(card(whole));
    expect(log(merged)).toEqual(log(whole));
  }, 300_000);
});
