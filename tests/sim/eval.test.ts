import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEvalArgs } from '../../scripts/lib/evalArgs';
import { UsageError } from '../../scripts/lib/evalBackends';
import type { EvalReport } from '../../scripts/lib/evalReport';
import type { TabletopEnv } from '../../src/sim/env';
import { expertStepPolicy, runEpisode } from '../../src/sim/rollout';
import { EVAL_SUITES } from '../../src/engine/catalog';
import { tasksInSuite } from '../../src/sim/tasks';
import { sharedEnv } from './helpers';

// `npm run eval`: argument validation (exit code 2 with the valid names), the JSON report of docs/architecture.md
// section 2, chain figures, and that the CLI runs exactly the episodes the library runs.

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let env: TabletopEnv;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vla-eval-test-'));
  env = await sharedEnv();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function evalCli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function evalJson(args: string[]): EvalReport {
  const out = join(dir, `r${Math.random().toString(36).slice(2)}.json`);
  const r = evalCli([...args, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as EvalReport;
}

describe('eval arguments', () => {
  it('defaults to the expert on evaluation seeds from 1,000,000, in Node', () => {
    const o = parseEvalArgs(['--suite', 'object']);
    expect(o).toMatchObject({ suite: 'object', trials: 10, seed: 1_000_000, policy: 'expert', via: 'node', perturbations: [] });
    expect(o.tasks.map((t) => t.id)).toEqual(tasksInSuite('object').map((t) => t.id));
    expect(parseEvalArgs(['--suite', 'all']).tasks.length).toBe(tasksInSuite('all').length);
  });

  it('runs a learned policy in the browser runner, loading the model from public/ by URL path', () => {
    expect(parseEvalArgs(['--suite', 'goal', '--policy', 'model', '--model', 'public/models/tiny'])).toMatchObject({ policy: 'model', model: 'models/tiny', via: 'browser' });
    expect(parseEvalArgs(['--suite', 'goal', '--policy', 'model']).model).toMatch(/^models\//);
  });

  it('executes model chunks as asked: chunk:K or ACT ensembling, chunk:4 by default', () => {
    const model = ['--suite', 'goal', '--policy', 'model'];
    expect(parseEvalArgs(model).execution).toEqual({ kind: 'chunk', k: 4 });
    expect(parseEvalArgs([...model, '--execution', 'chunk:1']).execution).toEqual({ kind: 'chunk', k: 1 });
    expect(parseEvalArgs([...model, '--execution', 'ensemble']).execution).toEqual({ kind: 'ensemble', m: 0.1 });
    expect(parseEvalArgs([...model, '--execution', 'ensemble:0.5']).execution).toEqual({ kind: 'ensemble', m: 0.5 });
    expect(parseEvalArgs(['--suite', 'goal']).execution).toBeNull();
  });

  it.each([
    [['--suite', 'bogus'], `unknown suite "bogus". Valid suites: ${[...EVAL_SUITES, 'all'].join(', ')}`],
    [['--trials', '3'], 'Valid suites'],
    [['--suite', 'goal', '--task', 'goal/fly'], 'unknown task "goal/fly". Valid tasks: spatial/left_cube_to_bowl'],
    [['--suite', 'goal', '--task', 'object/red_to_bowl'], 'is not in suite "goal". Its tasks: goal/open_drawer'],
    [['--suite', 'goal', '--policy', 'oracle'], 'unknown policy "oracle". Valid policies: expert, model'],
    [['--suite', 'goal', '--model', 'public/models/x'], '--model only applies to --policy model'],
    [['--suite', 'goal', '--execution', 'chunk:2'], '--execution only applies to --policy model'],
    [['--suite', 'goal', '--policy', 'model', '--execution', 'chunk:0'], 'unknown execution "chunk:0": use chunk:K'],
    [['--suite', 'goal', '--policy', 'model', '--execution', 'replan'], 'unknown execution "replan"'],
    [['--suite', 'goal', '--perturb', 'shift,gravity'], 'unknown perturbation "gravity". Valid axes: camera, robot_init, lighting, background, sensor_noise, layout, distractor, language, dynamics, push'],
    [['--suite', 'goal', '--trials', '0'], '--trials must be an integer'],
    [['--suite', 'goal', '--seed', '-4'], '--seed'],
    [['--suite', 'goal', '--via', 'gpu'], 'unknown backend "gpu"'],
    [['--suite', 'goal', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j is refused: %s', (args, message) => {
    expect(() => parseEvalArgs(args)).toThrow(UsageError);
    expect(() => parseEvalArgs(args)).toThrow(message);
  });
});

describe('eval CLI', () => {
  it('exits with code 2 and lists the valid suites for an unknown suite', () => {
    const r = evalCli(['--suite', 'kitchen']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown suite "kitchen". Valid suites: spatial, object, goal, long, chains, open, all');
    expect(r.stderr).toContain('usage: npm run eval');
  });

  it('exits with code 2 when the model policy is asked to run without the browser', () => {
    const r = evalCli(['--suite', 'goal', '--policy', 'model', '--model', 'public/models/x', '--via', 'node']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--via browser');
  });

  it('writes the documented report: trial k uses seed S + k, per-task and per-episode figures', async () => {
    const rep = evalJson(['--suite', 'goal', '--task', 'goal/press_button,goal/close_drawer', '--trials', '2', '--seed', '1000200']);
    expect(rep).toMatchObject({ suite: 'goal', policy: 'expert', model: null, execution: null, seed: 1_000_200, trials: 2, perturbations: [], backend: 'node' });
    expect(rep.tasks.map((t) => t.id)).toEqual(['goal/close_drawer', 'goal/press_button']);
    for (const t of rep.tasks) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['id', 'instruction', 'trials', 'successes', 'success_rate']));
      expect(t.trials).toBe(2);
      expect(t.success_rate).toBe(t.successes / 2);
    }
    expect(rep.episodes.map((e) => [e.task, e.seed])).toEqual([
      ['goal/close_drawer', 1_000_200],
      ['goal/close_drawer', 1_000_201],
      ['goal/press_button', 1_000_200],
      ['goal/press_button', 1_000_201],
    ]);
    for (const e of rep.episodes) expect(Object.keys(e)).toEqual(expect.arrayContaining(['task', 'seed', 'success', 'steps', 'wall_ms', 'reason']));
    expect(rep.success_rate).toBe(rep.episodes.filter((e) => e.success).length / 4);
    // The CLI runs exactly the library's episodes.
    const direct = await runEpisode(env, 'goal/press_button', 1_000_201, expertStepPolicy());
    expect(rep.episodes[3]).toMatchObject({ steps: direct.steps, success: direct.success, reason: direct.reason });
  });

  it('a named suite reworded by the language axis has sentences but no open-program section', () => {
    const rep = evalJson(['--suite', 'goal', '--trials', '1', '--seed', '1000200', '--perturb', 'language:2']);
    expect(rep.episodes.length).toBe(5);
    for (const e of rep.episodes) expect(e.text!.length).toBeGreaterThan(0);
    expect(rep.open).toBeUndefined();
  });

  it('runs the open suite on a split, with success by program length and by atom type', () => {
    const rep = evalJson(['--suite', 'open', '--split', 'heldout', '--trials', '3', '--seed', '1000000']);
    expect(rep.suite).toBe('open/heldout');
    expect(rep.tasks.map((t) => t.id)).toEqual(['open/heldout']);
    expect(rep.episodes).toHaveLength(3);
    for (const e of rep.episodes) expect(e.text!.length).toBeGreaterThan(0);
    const byLength = rep.open!.by_length;
    expect(byLength.reduce((a, l) => a + l.episodes, 0)).toBe(3);
    // The report's figures are the per-episode records, summed.
    const attempted = rep.open!.by_atom.reduce((a, x) => a + x.attempted, 0);
    expect(attempted).toBe(rep.episodes.reduce((a, e) => a + Math.min(e.completed + 1, e.atoms!.length), 0));
    expect(() => parseEvalArgs(['--suite', 'goal', '--split', 'heldout'])).toThrow(/--split only applies to --suite open/);
    expect(() => parseEvalArgs(['--suite', 'open', '--split', 'test'])).toThrow(/unknown split "test"/);
  });

  it('reports chains as average completed length and per-length counts', () => {
    const rep = evalJson(['--suite', 'chains', '--trials', '1', '--seed', '1000003']);
    expect(rep.avg_completed_length).toBeGreaterThanOrEqual(0);
    expect(rep.avg_completed_length).toBeLessThanOrEqual(5);
    expect(rep.chains!.completed_counts).toHaveLength(6);
    expect(rep.chains!.completed_counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(rep.chains!.success_at_length).toHaveLength(5);
    expect(rep.tasks[0].avg_completed_length).toBe(rep.episodes[0].completed);
    expect(rep.episodes[0].completed).toBe(rep.avg_completed_length);
  });

  it('records the perturbations and what they did', () => {
    const rep = evalJson(['--suite', 'object', '--task', 'object/red_to_bowl', '--trials', '1', '--perturb', 'shift,friction']);
    // The older names are aliases of axis levels, and the report says which (docs/robustness.md).
    expect(rep.perturbations).toEqual(['layout:2', 'dynamics:3']);
    expect(rep.episodes[0].events!.some((e) => e.startsWith('dynamics:'))).toBe(true);
  });

  it('gives the same episodes with worker threads as in-process', () => {
    const args = ['--suite', 'goal', '--task', 'goal/open_drawer,goal/press_button', '--trials', '2', '--seed', '1000300'];
    const one = evalJson(args);
    const two = evalJson([...args, '--workers', '2']);
    const strip = (r: EvalReport) => r.episodes.map(({ wall_ms: _w, ...e }) => e);
    expect(strip(two)).toEqual(strip(one));
  });
});
