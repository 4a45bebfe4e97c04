import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/lib/cli';
import { parseDatagenArgs, planJobs, randomAxes, readEpisodeLog, resumeMismatches, runArguments, storedArguments, type LogEntry } from '../../scripts/lib/datagenPlan';

// datagen's faults: what a hard kill leaves (a torn last log line, no card), --resume with another run's
// arguments, an output folder it cannot write, unknown flags. All are answered before a browser starts.

const ROOT = resolve(import.meta.dirname, '../..');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vla-datagen-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(script: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const datagen = (args: string[]) => cli('scripts/datagen.ts', args);
/** No build and no dist: a run gets as far as everything checked before the browser. */
const NO_DIST = () => ['--no-build', '--dist', join(tmp, 'no-dist')];
const STACK = /\n\s+at /;

const entry = (index: number, task: string, seed: number): LogEntry => ({
  index, task, seed, suite: task.split('/')[0] as LogEntry['suite'], instruction: 'x', success: true, steps: 10, reason: null,
  completed: 1, goals: 1, wall_ms: 1, timing: { sim: 0, render: 0, policy: 0, record: 0 } as LogEntry['timing'], dirs: [`ep_${index}`], frames: 10,
});

/** A dataset folder as a run of `args` leaves it after `done` episodes (card.json from the start of the run). */
function stoppedRun(dir: string, args: string[], done: number, card = true): string {
  mkdirSync(join(dir, 'episodes'), { recursive: true });
  const o = parseDatagenArgs([...args, '--out', dir]);
  const jobs = planJobs(o);
  writeFileSync(join(dir, 'episodes.jsonl'), jobs.slice(0, done).map((j) => JSON.stringify(entry(j.index, j.task, j.seed)) + '\n').join(''));
  if (card) writeFileSync(join(dir, 'card.json'), JSON.stringify({ format: 'vla-playground-demos', complete: false, arguments: runArguments(o) }));
  return dir;
}

describe('datagen arguments', () => {
  it('refuses an unknown flag with the usage and exit code 2, in every CLI', () => {
    expect(() => parseDatagenArgs(['--suite', 'goal', '--episodes', '2', '--out', 'x', '--frobnicate'])).toThrow(UsageError);
    for (const [script, usage] of [['scripts/datagen.ts', 'usage: npm run datagen'], ['scripts/bench.ts', 'usage: npm run bench'], ['scripts/eval.ts', 'usage: npm run eval']]) {
      const r = cli(script, ['--frobnicate']);
      expect(r.code, `${script}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain("Unknown option '--frobnicate'");
      expect(r.stderr).toContain(usage);
      expect(r.stderr, script).not.toMatch(STACK);
    }
  });

  it('refuses an output folder it cannot write, before starting, with exit code 2', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    for (const out of [join(file, 'data'), '/proc/vla-datagen-test']) {
      const r = datagen(['--suite', 'goal', '--episodes', '2', '--out', out, ...NO_DIST()]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`cannot write the output folder ${out}`);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('writes card.json with the run arguments before the first episode', () => {
    const out = join(tmp, 'fresh');
    const r = datagen(['--suite', 'goal', '--episodes', '3', '--seed', '5', '--out', out, ...NO_DIST()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('runner.html is missing');
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8'));
    expect(card).toMatchObject({ complete: false, attempted: 0, arguments: { suite: 'goal', episodes: 3, seed: 5, randomize: false, action_noise: 0 } });
  });
});

describe('datagen --resume', () => {
  const ARGS = ['--suite', 'goal', '--episodes', '6', '--seed', '100'];

  it.each([
    [['--suite', 'object', '--episodes', '6', '--seed', '100'], ['--suite: the run used "goal", this command gives "object"']],
    [['--suite', 'goal', '--episodes', '6', '--seed', '7'], ['--seed: the run used 100, this command gives 7']],
    [[...ARGS, '--action-noise', '0.3'], ['--action-noise: the run used 0, this command gives 0.3']],
    [[...ARGS, '--randomize'], ['--randomize: the run used false, this command gives true']],
    [['--suite', 'goal', '--episodes', '4', '--seed', '100'], ['--episodes: the run was started with 6']],
    [['--suite', 'long', '--episodes', '6', '--seed', '1', '--randomize'], ['--suite', '--seed', '--randomize']],
  ])('refuses %j on a run of goal/6/100, listing what differs', (args, expected) => {
    const dir = stoppedRun(join(tmp, `mismatch-${Math.random().toString(36).slice(2)}`), ARGS, 2);
    const before = readFileSync(join(dir, 'episodes.jsonl'), 'utf8');
    const r = datagen([...args, '--out', dir, '--resume', ...NO_DIST()]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('holds a run made with other arguments');
    for (const e of expected) expect(r.stderr).toContain(e);
    expect(r.stderr).not.toMatch(STACK);
    expect(readFileSync(join(dir, 'episodes.jsonl'), 'utf8')).toBe(before);
  });

  it('accepts the same arguments, and a larger --episodes (it extends the run)', () => {
    expect(resumeMismatches(runArguments(parseDatagenArgs([...ARGS, '--out', 'x'])), runArguments(parseDatagenArgs([...ARGS, '--out', 'y', '--workers', '2'])))).toEqual([]);
    const more = runArguments(parseDatagenArgs(['--suite', 'goal', '--episodes', '60', '--seed', '100', '--out', 'x']));
    expect(resumeMismatches(runArguments(parseDatagenArgs([...ARGS, '--out', 'x'])), more)).toEqual([]);
  });

  it('checks a folder without stored arguments against its log and its card\'s generator line', () => {
    const dir = stoppedRun(join(tmp, 'legacy'), ARGS, 2, false);
    const r = datagen(['--suite', 'object', '--episodes', '6', '--seed', '100', '--out', dir, '--resume', ...NO_DIST()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/records episode 0 as goal\/\w+ seed 100, but this command would run object\//);
    writeFileSync(join(dir, 'card.json'), JSON.stringify({ generator: 'npm run datagen -- --suite goal --episodes 6 --seed 100 --action-noise 0.3' }));
    expect(storedArguments(join(dir, 'card.json'))).toEqual({ suite: 'goal', episodes: 6, seed: 100, randomize: false, action_noise: 0.3 });
  });

  it('drops a half-written last line (a hard kill) and runs that episode again', () => {
    const dir = stoppedRun(join(tmp, 'torn'), ARGS, 3);
    const log = join(dir, 'episodes.jsonl');
    const good = readFileSync(log, 'utf8');
    appendFileSync(log, JSON.stringify(entry(3, 'goal/x', 103)).slice(0, 40));
    const r = datagen([...ARGS, '--out', dir, '--resume', ...NO_DIST()]);
    expect(r.stderr).not.toContain('SyntaxError');
    expect(r.stderr).toContain('half-written line');
    // It got past the log to the next check (the missing build).
    expect(r.stderr).toContain('runner.html is missing');
    expect(r.code).toBe(2);
    expect(readFileSync(log, 'utf8')).toBe(good);
  });

  it('reads the log: torn tail cut off, a complete record missing its newline kept, damage elsewhere refused', () => {
    const log = join(tmp, 'log.jsonl');
    const a = JSON.stringify(entry(0, 'goal/open_drawer', 0));
    const b = JSON.stringify(entry(1, 'goal/close_drawer', 1));
    writeFileSync(log, `${a}\n${b}\n{"index":2,"ta`);
    expect(readEpisodeLog(log)).toMatchObject({ torn: '{"index":2,"ta' });
    expect(readFileSync(log, 'utf8')).toBe(`${a}\n${b}\n`);
    writeFileSync(log, `${a}\n${b}`);
    expect(readEpisodeLog(log).entries.map((e) => e.index)).toEqual([0, 1]);
    expect(readFileSync(log, 'utf8')).toBe(`${a}\n${b}\n`);
    writeFileSync(log, `${a}\n{"index":1,\n${b}\n`);
    expect(() => readEpisodeLog(log)).toThrow(/line 2 is not an episode record/);
    expect(readEpisodeLog(join(tmp, 'none.jsonl'))).toEqual({ entries: [], torn: null });
  });
});

// Real episodes through the runner page: needs a build (VLA_DIST).
const DIST = process.env.VLA_DIST;
describe.skipIf(!DIST || !existsSync(join(DIST, 'runner.html')))('datagen in the runner page', () => {
  it('leaves a card after one episode, and resumes past a torn line to a complete dataset', () => {
    const out = join(tmp, 'real');
    const args = ['--suite', 'goal', '--seed', '40', '--out', out, '--no-build', '--dist', DIST!];
    const first = datagen([...args, '--episodes', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'card.json'), 'utf8'))).toMatchObject({ complete: true, attempted: 1 });
    appendFileSync(join(out, 'episodes.jsonl'), '{"index":1,"task":"goal/clo');
    const second = datagen([...args, '--episodes', '2', '--resume']);
    expect(second.code, second.stderr).toBe(0);
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8'));
    expect(card).toMatchObject({ complete: true, attempted: 2, arguments: { episodes: 2, seed: 40 } });
    expect(card.runs.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    const lines = readFileSync(join(out, 'episodes.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as LogEntry).index)).toEqual([0, 1]);
  }, 300_000);
});

describe('datagen over programs and robustness axes', () => {
  it('--suite open plans the train split only, and --perturb-random draws 1-3 axes at levels 1-2 from the seed', () => {
    const o = parseDatagenArgs(['--suite', 'open,object', '--episodes', '40', '--seed', '100', '--out', '/tmp/x', '--perturb-random', '0.5']);
    const jobs = planJobs(o);
    expect(new Set(jobs.map((j) => j.task))).toEqual(new Set(['open/train', 'object/red_to_bowl', 'object/green_to_bowl', 'object/blue_to_bowl', 'object/yellow_to_bowl']));
    expect(planJobs(o)).toEqual(jobs);
    const perturbed = jobs.filter((j) => j.perturb);
    expect(perturbed.length).toBeGreaterThan(8);
    expect(perturbed.length).toBeLessThan(32);
    for (const j of perturbed) {
      const axes = j.perturb.split(',');
      expect(axes.length).toBeGreaterThanOrEqual(1);
      expect(axes.length).toBeLessThanOrEqual(3);
      for (const a of axes) expect(a).toMatch(/^(camera|robot_init|lighting|background|sensor_noise|layout|distractor|dynamics|push):[12]$/);
    }
    expect(randomAxes(5, 0)).toEqual([]);
    expect(runArguments(o).perturb_random).toBe(0.5);
    expect(resumeMismatches(runArguments(o), { ...runArguments(o), perturb_random: 0 })).toEqual([expect.stringMatching(/--perturb-random/)]);
    expect(() => parseDatagenArgs(['--suite', 'open', '--episodes', '1', '--out', '/tmp/x', '--perturb-random', '2'])).toThrow(/perturb-random/);
  });

  it('--perturb-axes draws from the named axes only, is part of the run, and refuses language and unknown names', () => {
    const all = parseDatagenArgs(['--suite', 'object', '--episodes', '30', '--seed', '100', '--out', '/tmp/x', '--perturb-random', '0.5']);
    const o = parseDatagenArgs(['--suite', 'object', '--episodes', '30', '--seed', '100', '--out', '/tmp/x', '--perturb-random', '0.5', '--perturb-axes', 'robot_init']);
    const jobs = planJobs(o);
    // The same episodes are perturbed (the draw starts the same), each with robot_init alone.
    expect(jobs.map((j) => j.perturb !== '')).toEqual(planJobs(all).map((j) => j.perturb !== ''));
    for (const j of jobs.filter((x) => x.perturb)) expect(j.perturb).toMatch(/^robot_init:[12]$/);
    expect(runArguments(o).perturb_axes).toBe('robot_init');
    expect(runArguments(all).perturb_axes).toBeUndefined();
    expect(resumeMismatches(runArguments(o), runArguments(all))).toEqual([expect.stringMatching(/--perturb-axes/)]);
    expect(() => parseDatagenArgs(['--suite', 'object', '--episodes', '1', '--out', '/tmp/x', '--perturb-random', '1', '--perturb-axes', 'language'])).toThrow(/perturb-axes/);
    expect(() => parseDatagenArgs(['--suite', 'object', '--episodes', '1', '--out', '/tmp/x', '--perturb-random', '1', '--perturb-axes', 'gravity'])).toThrow(/gravity/);
    expect(() => parseDatagenArgs(['--suite', 'object', '--episodes', '1', '--out', '/tmp/x', '--perturb-axes', 'camera'])).toThrow(/--perturb-random/);
  });
});
