import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../../scripts/lib/browser';
import { openBackend, type EpisodeBackend, type EpisodeJob } from '../../scripts/lib/evalBackends';
import { parseAxes, type AxisSetting } from '../../src/sim/axes';
import type { EpisodeResult } from '../../src/sim/rollout';

// `eval --via browser` runs episodes in the built app's headless runner page (the only place a learned
// policy can run). The expert there must give exactly the results it gives in Node: same sim code, same
// WASM, same seeds, same perturbations.

const DIST = process.env.VLA_DIST ?? join(tmpdir(), 'vla-eval-test-dist');
const haveBrowser = existsSync(CHROMIUM_PATH);
// On CI a missing browser is a failure (test-all installs it); locally the test is skipped without one.
const run = haveBrowser || process.env.CI ? describe : describe.skip;

const JOBS: EpisodeJob[] = [
  { task: 'goal/press_button', seed: 1_000_000 },
  { task: 'object/red_to_bowl', seed: 1_000_001 },
  { task: 'long/open_drawer_then_button', seed: 1_000_002 },
];

run('eval browser backend', () => {
  const backends: EpisodeBackend[] = [];
  const open = async (via: 'node' | 'browser', perturbations: AxisSetting[] = []) => {
    const b = await openBackend(via, { policy: 'expert', model: null, perturbations, workers: 1, distDir: DIST, build: !process.env.VLA_DIST });
    backends.push(b);
    return b;
  };
  beforeAll(async () => {
    // Build (if stale) once up front, so the timeouts below measure episodes, not vite.
    await open('browser');
  }, 300_000);
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  const strip = ({ wall_ms: _w, ...r }: EpisodeResult) => r;

  it('runs the expert with the same outcomes as Node', async () => {
    const [browser, node] = [backends[0], await open('node')];
    for (const j of JOBS) {
      const b = await browser.run(j, 0);
      const n = await node.run(j, 0);
      expect(strip(b), `${j.task} ${j.seed}`).toEqual(strip(n));
      expect(b.success).toBe(true);
    }
  }, 300_000);

  it('evaluates the shipped model end to end (pipeline check, not its success rate)', async () => {
    const model = await openBackend('browser', { policy: 'model', model: 'models/vla-small', perturbations: [], workers: 1, distDir: DIST, build: false });
    backends.push(model);
    const jobs = [JOBS[0], { task: 'chains/five', seed: 1_000_003 }];
    for (const j of jobs) {
      const r = await model.run(j, 0);
      expect(r).toMatchObject({ task: j.task, seed: j.seed });
      expect(r.steps, `${j.task}: the model drove the arm`).toBeGreaterThan(0);
      // Success is the model's business; an episode must end by its predicate, step limit or a stated fault.
      if (!r.success) expect(r.reason, `${j.task} failure reason`).toMatch(/step limit|fault|physics|stopped/);
    }
  }, 300_000);

  it('applies the same seeded perturbations as Node', async () => {
    // The physical axes and the words; the pixel axes are the renderer's and the expert never looks.
    const names = parseAxes('layout:2,push:2,distractor:2,dynamics:2,robot_init:2,language:3');
    const [browser, node] = [await open('browser', names), await open('node', names)];
    const j = JOBS[1];
    const b = await browser.run(j, 0);
    const n = await node.run(j, 0);
    expect(b.events.length).toBeGreaterThan(0);
    expect(strip(b)).toEqual(strip(n));
  }, 300_000);
});
