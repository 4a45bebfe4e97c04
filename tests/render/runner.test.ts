import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../scripts/lib/build';
import { openRunner, type RunnerSession } from '../../scripts/lib/runnerClient';
import type { EncodedArray } from '../../src/runner/protocol';
import { project, objectBoxes } from '../../src/sim/camera';
import { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import { CUBES, OBJECTS, type CubeName } from '../../src/sim/vocab';

// The headless runner page against the Node simulation: same episodes, same labels, and pixels where the
// projection says objects are. Builds the app into a private directory (VLA_DIST overrides it).

const DIST = process.env.VLA_DIST ?? join(tmpdir(), 'vla-runner-test-dist');
let runner: RunnerSession;
let env: TabletopEnv;
const errors: string[] = [];

beforeAll(async () => {
  if (!process.env.VLA_DIST) ensureBuilt(DIST);
  runner = await openRunner({ distDir: DIST, onError: (t) => errors.push(t) });
  env = await TabletopEnv.create();
}, 180_000);

afterAll(async () => {
  await runner?.close();
  env?.dispose();
});

const bytes = (a: EncodedArray) => new Uint8Array(Buffer.from(a.base64, 'base64'));
const floats = (a: EncodedArray) => {
  const b = Buffer.from(a.base64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Coarse colour classes of the cubes, robust to lighting. */
function looksLike(cube: CubeName, [r, g, b]: number[]): boolean {
  switch (cube) {
    case 'red_cube':
      return r > g + 50 && r > b + 50;
    case 'green_cube':
      return g > r + 30 && g > b + 20;
    case 'blue_cube':
      return b > r + 50 && b > g + 20;
    case 'yellow_cube':
      return r > b + 70 && g > b + 50;
  }
}

describe('headless runner', () => {
  it('reports its renderer and cameras', () => {
    expect(runner.info.policies).toContain('expert');
    expect(runner.info.cameras.map((c) => c.name)).toEqual(['front', 'wrist']);
  });

  it('draws each cube where camera.project() puts its centre, and labels match the Node sim', async () => {
    let checked = 0;
    for (const [task, seed] of [['object/red_to_bowl', 3], ['spatial/left_cube_to_bowl', 4], ['goal/press_button', 5]] as const) {
      const r = await runner.runEpisode(runner.pages[0], { taskId: task, seed, record: true, maxSteps: 1 });
      const arrays = r.recording!.arrays;
      Episode.fromTask(env, task, seed);
      runner.info.cameras.forEach((cam, ci) => {
        const img = bytes(arrays[cam.name]);
        const pose = env.cameraPose(cam.name);
        for (const cube of CUBES) {
          const q = project(pose, env.objectPos(cube), cam.width / cam.height);
          if (q.depth <= 0 || q.u < 0.05 || q.u > 0.95 || q.v < 0.05 || q.v > 0.95) continue;
          const x = Math.floor(q.u * cam.width), y = Math.floor(q.v * cam.height);
          const o = (y * cam.width + x) * 3;
          const rgb = [img[o], img[o + 1], img[o + 2]];
          expect(looksLike(cube, rgb), `${task}/${seed} ${cam.name} ${cube} at (${x}, ${y}) is rgb(${rgb})`).toBe(true);
          checked++;
        }
        // Boxes computed in the page equal those computed here from the Node simulation.
        const boxes = floats(arrays.boxes);
        for (const b of objectBoxes(env, cam.name)) {
          const i = (ci * OBJECTS.length + OBJECTS.indexOf(b.object)) * 4;
          for (let k = 0; k < 4; k++) expect(boxes[i + k]).toBeCloseTo(b.box[k], 4);
        }
      });
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('gives identical pixels for identical inputs, and randomization changes them', async () => {
    const run = (randomize: boolean) => runner.runEpisode(runner.pages[0], { taskId: 'goal/red_on_plate', seed: 11, record: true, randomize, maxSteps: 4 });
    const a = await run(true);
    await run(false); // render something else in between
    const b = await run(true);
    const c = await run(false);
    expect(a.recording!.arrays.front.base64).toBe(b.recording!.arrays.front.base64);
    expect(a.recording!.arrays.wrist.base64).toBe(b.recording!.arrays.wrist.base64);
    expect(a.recording!.arrays.front.base64).not.toBe(c.recording!.arrays.front.base64);
    expect(a.randomization).toEqual(b.randomization);
  });

  it('runs the expert to the same outcome as the Node simulation', async () => {
    for (const [task, seed] of [['object/green_to_bowl', 1], ['goal/open_drawer', 2], ['long/red_bowl_then_button', 3]] as const) {
      const ep = Episode.fromTask(env, task, seed);
      const expert = new ExpertPolicy();
      while (!ep.done) ep.apply(expert.decide(ep).actions[0]);
      const r = await runner.runEpisode(runner.pages[0], { taskId: task, seed });
      expect({ success: r.success, steps: r.steps, reason: r.reason, completed: r.completed }).toEqual({
        success: ep.status === 'success', steps: ep.step, reason: ep.reason, completed: ep.completed,
      });
    }
  });

  it('refuses unknown tasks and policies with a clear error', async () => {
    await expect(runner.runEpisode(runner.pages[0], { taskId: 'nope', seed: 0 })).rejects.toThrow(/unknown task/);
    await expect(runner.runEpisode(runner.pages[0], { taskId: 'object/red_to_bowl', seed: 0, policy: 'nope' })).rejects.toThrow(/unknown policy/);
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
