import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { norm, sub } from '../../src/sim/math';
import { parseAxes } from '../../src/sim/axes';
import { planPerturbations } from '../../src/sim/perturbations';
import type { StepPolicy } from '../../src/engine/types';
import { startEpisode } from '../../src/engine/episodeStart';
import { expertStepPolicy, runEpisode } from '../../src/sim/rollout';
import { getTask, tasksInSuite } from '../../src/sim/tasks';
import { CUBE_HALF } from '../../src/sim/scene';
import { qposOf, sameBits, sharedEnv, ZERO } from './helpers';

// Seeded perturbations under their older names (each now an alias of one axis level, src/sim/axes.ts): each
// does what it says, deterministically from the episode seed, and leaves the shared model as it found it.
// tests/sim/axes.test.ts covers every axis and level.

const P = (list: string) => parseAxes(list);

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

const idle: StepPolicy = { needsImages: false, reset() {}, act: () => ({ action: ZERO, decision: null }) };

describe('perturbation names', () => {
  it('parses lists and rejects unknown names with the valid ones', () => {
    expect(P('shift, push,shift')).toEqual([{ axis: 'layout', level: 2 }, { axis: 'push', level: 2 }]);
    expect(P('')).toEqual([]);
    expect(P(undefined as unknown as string)).toEqual([]);
    expect(() => P('shift,wind')).toThrow(/unknown perturbation "wind". Valid axes: camera, robot_init, lighting/);
    expect(() => P('camera:4')).toThrow(/level of "camera" must be 1, 2 or 3/);
  });

  it('draws every number from the episode seed (and the task), nothing else', () => {
    const spec = (task: string, seed: number) => getTask(task).sample(seed);
    const all = P('shift,push,distractor,friction,camera');
    const a = planPerturbations(all, spec('object/red_to_bowl', 1_000_005));
    expect(planPerturbations(all, spec('object/red_to_bowl', 1_000_005))).toEqual(a);
    expect(planPerturbations(all, spec('object/red_to_bowl', 1_000_006))).not.toEqual(a);
    expect(planPerturbations(all, spec('object/green_to_bowl', 1_000_005)).shift!.angle).not.toBe(a.shift!.angle);
    // Adding a perturbation does not change the draws of the others.
    expect(planPerturbations(P('shift'), spec('object/red_to_bowl', 1_000_005)).shift).toEqual(a.shift);
  });
});

describe('perturbed episodes', () => {
  it('are reproducible bit for bit', async () => {
    const names = P('shift,push,distractor,friction');
    const a = await runEpisode(env, 'object/yellow_to_bowl', 1_000_040, expertStepPolicy(), names);
    const qa = qposOf(env);
    const b = await runEpisode(env, 'object/yellow_to_bowl', 1_000_040, expertStepPolicy(), names);
    expect({ ...b, wall_ms: 0 }).toEqual({ ...a, wall_ms: 0 });
    expect(sameBits(qposOf(env), qa)).toBe(true);
    expect(a.events.length).toBeGreaterThanOrEqual(3);
  });

  it('camera is renderer-only: physics and outcome are untouched', async () => {
    const plain = await runEpisode(env, 'goal/red_on_plate', 1_000_041, expertStepPolicy());
    const q = qposOf(env);
    const cam = await runEpisode(env, 'goal/red_on_plate', 1_000_041, expertStepPolicy(), P('camera'));
    expect(cam.steps).toBe(plain.steps);
    expect(sameBits(qposOf(env), q)).toBe(true);
    const plan = planPerturbations(P('camera'), getTask('goal/red_on_plate').sample(1_000_041));
    expect(norm(plan.camera!.front.pos)).toBeGreaterThan(0);
    expect(plan.camera!.wrist).toEqual({ pos: [0, 0, 0], rot: [0, 0, 0] });
  });

  it('shift teleports the resting target cube 3-5 cm at its step', () => {
    let shifted = 0;
    for (const seed of [1_000_050, 1_000_051, 1_000_052, 1_000_053]) {
      const { episode: ep, driver, plan } = startEpisode(env, 'object/blue_to_bowl', seed, P('shift'));
      try {
        for (let k = 0; k < plan.shift!.step + 1; k++) {
          const before = env.objectPos('blue_cube');
          if (k === 0) {
            // The layout axis's initial displacement is already in the spec; only the shift moves it now.
            expect(ep.spec.init.objects.blue_cube!.pos).toEqual(env.objectPos('blue_cube').map((x, i) => (i === 2 ? ep.spec.init.objects.blue_cube!.pos[2] : x)));
          }
          driver.beforeStep(ep);
          const jump = norm(sub(env.objectPos('blue_cube'), before));
          if (k === plan.shift!.step && driver.events.some((e) => e.startsWith('shift: blue_cube moved'))) {
            shifted += 1;
            expect(jump).toBeGreaterThan(0.029);
            expect(jump).toBeLessThan(0.051);
          } else {
            expect(jump).toBe(0);
          }
          ep.apply(ZERO);
        }
      } finally {
        driver.end();
      }
    }
    expect(shifted).toBeGreaterThanOrEqual(3);
  });

  it('push shoves a resting cube a few centimetres, then stops pushing', () => {
    const { episode: ep, driver, plan } = startEpisode(env, 'object/green_to_bowl', 1_000_060, P('push'));
    try {
      const p = plan.push!;
      let start = env.objectPos(p.object);
      for (let k = 0; k < p.step + 15; k++) {
        if (k === p.step) start = env.objectPos(p.object);
        driver.beforeStep(ep);
        ep.apply(ZERO);
      }
      const moved = norm(sub(env.objectPos(p.object), start));
      expect(moved).toBeGreaterThan(0.005);
      expect(moved).toBeLessThan(0.1);
      expect(env.objectPos(p.object)[2]).toBeCloseTo(CUBE_HALF, 2);
      expect(Array.from(env.data.xfrc_applied as Float64Array).every((x) => x === 0)).toBe(true);
      expect(env.objectSpeed(p.object)).toBeLessThan(0.01);
    } finally {
      driver.end();
    }
  });

  it('friction lowers the cube and finger friction during the episode and restores the model after', async () => {
    const before = Float64Array.from(env.model.geom_friction as Float64Array);
    const mass = Float64Array.from(env.model.body_mass as Float64Array);
    const { episode: ep, driver, plan } = startEpisode(env, 'object/red_to_bowl', 1_000_070, P('friction'));
    const during = Float64Array.from(env.model.geom_friction as Float64Array);
    const cubeGeom = env.mj.mj_name2id(env.model, env.mj.mjtObj.mjOBJ_GEOM.value, 'red_cube');
    expect(during[3 * cubeGeom]).toBeCloseTo(before[3 * cubeGeom] * plan.dynamics!.friction, 12);
    const cubeBody = env.objectBody.red_cube;
    expect((env.model.body_mass as Float64Array)[cubeBody]).toBeCloseTo(mass[cubeBody] * plan.dynamics!.mass, 12);
    const table = env.mj.mj_name2id(env.model, env.mj.mjtObj.mjOBJ_GEOM.value, 'table');
    expect(during[3 * table]).toBe(before[3 * table]);
    ep.apply(ZERO);
    driver.end();
    expect(sameBits(Float64Array.from(env.model.geom_friction as Float64Array), before)).toBe(true);
    expect(sameBits(Float64Array.from(env.model.body_mass as Float64Array), mass)).toBe(true);
    // Also when the episode runs through runEpisode and ends early with a fault.
    await runEpisode(env, 'object/red_to_bowl', 1_000_070, { needsImages: false, reset() {}, act: () => ({ action: [NaN, 0, 0, 0, 0, 0, 0], decision: null }) }, P('friction'));
    expect(sameBits(Float64Array.from(env.model.geom_friction as Float64Array), before)).toBe(true);
  });

  it('distractor puts a cube the goal does not use next to the target, keeping spatial instructions true', () => {
    let placed = 0;
    for (const t of [...tasksInSuite('spatial'), getTask('object/red_to_bowl')]) {
      for (let s = 0; s < 12; s++) {
        const seed = 1_000_100 + s;
        const { episode: ep, driver, plan } = startEpisode(env, t.id, seed, P('distractor'));
        driver.end();
        const d = { object: plan.distractor!.objects[0] };
        if (!driver.events.some((e) => e.startsWith(`distractor: ${d.object} placed`))) continue;
        placed += 1;
        const target = ep.spec.goals[0].plan[0].object;
        const gap = norm(sub(env.objectPos(d.object!), env.objectPos(target)));
        expect(gap, `${t.id} ${seed}`).toBeLessThan(0.12);
        expect(ep.spec.goals[0].relations.some((r) => 'object' in r && r.object === d.object)).toBe(false);
        if (t.refersTo) expect(t.refersTo(ep.spec.init.objects)).toBe(target);
      }
    }
    expect(placed).toBeGreaterThan(40);
  });

  it('push and shift apply during runEpisode too (with an idle policy the goal is simply not met)', async () => {
    const r = await runEpisode(env, 'goal/press_button', 1_000_080, idle, P('shift,push'));
    expect(r.success).toBe(false);
    expect(r.reason).toMatch(/step limit/);
    expect(r.events.some((e) => e.startsWith('push:'))).toBe(true);
    expect(r.events.some((e) => e.startsWith('shift:'))).toBe(true);
  });
});
