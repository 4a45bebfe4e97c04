import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { holds } from '../../src/sim/predicates';
import { BOWL, BUTTON, CABINET, CUBE_HALF, DRAWER, PLATE, WORKSPACE } from '../../src/sim/scene';
import { goalOf, stepText } from '../../src/sim/goals';
import { SUITES, TASKS, getTask, tasksInSuite } from '../../src/sim/tasks';
import { CUBES, type ObjectName } from '../../src/sim/vocab';
import { sharedEnv } from './helpers';

// The task registry (LIBERO-style suites + CALVIN-style chains) and the seeded initial-state samplers,
// checked against the scene's geometry independently of the sampler's own rules.

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

describe('task registry', () => {
  it('has at least 4 tasks in every LIBERO-style suite and a chain task', () => {
    for (const s of ['spatial', 'object', 'goal', 'long'] as const) expect(tasksInSuite(s).length, s).toBeGreaterThanOrEqual(4);
    expect(tasksInSuite('chains').length).toBeGreaterThanOrEqual(1);
    expect(new Set(TASKS.map((t) => t.suite))).toEqual(new Set(SUITES));
    expect(new Set(TASKS.map((t) => t.id)).size).toBe(TASKS.length);
  });

  it('gives every single task at least 3 distinct instruction templates, and samples from them', () => {
    for (const t of TASKS.filter((x) => x.suite !== 'chains')) {
      expect(new Set(t.templates).size, t.id).toBeGreaterThanOrEqual(3);
      const used = new Set(Array.from({ length: 40 }, (_, s) => { const spec = t.sample(s); return spec.text ?? spec.goals[0].instruction; }));
      for (const u of used) expect(t.templates, t.id).toContain(u);
      expect(used.size, `${t.id} uses more than one paraphrase`).toBeGreaterThan(1);
    }
  });

  it('long tasks are programs of 2-3 atoms said in one sentence; chains have 5 instructions', () => {
    for (const t of tasksInSuite('long')) {
      const spec = t.sample(0);
      expect(spec.goals.length, t.id).toBeGreaterThanOrEqual(2);
      expect(spec.goals.length, t.id).toBeLessThanOrEqual(3);
      expect(t.templates).toContain(spec.text);
      // Each step reads its own words, made from its atom, and plans only its own subtasks.
      for (const g of spec.goals) {
        expect(g.instruction).toBe(stepText(g.atom));
        expect(g).toEqual(goalOf(g.atom));
      }
    }
    for (let s = 0; s < 50; s++) {
      const spec = getTask('chains/five').sample(s);
      expect(spec.goals.length).toBe(5);
      for (const g of spec.goals) expect(g.plan.length).toBeGreaterThan(0);
    }
  });

  it('every goal has a success predicate, a plan and a step limit', () => {
    for (const t of TASKS) {
      for (const g of t.sample(1).goals) {
        expect(g.relations.length, t.id).toBeGreaterThan(0);
        expect(g.plan.length, t.id).toBeGreaterThan(0);
        expect(g.stepLimit, t.id).toBeGreaterThanOrEqual(100);
      }
    }
  });

  it('rejects unknown task ids with the list of valid ones', () => {
    expect(() => getTask('object/purple_to_bowl')).toThrow(/unknown task "object\/purple_to_bowl". Valid tasks: .*object\/red_to_bowl/);
  });
});

/** Footprint radius in the table plane (a cube's is its half diagonal, whatever its yaw). */
const FOOTPRINT: Partial<Record<ObjectName, number>> = {
  red_cube: CUBE_HALF * Math.SQRT2,
  green_cube: CUBE_HALF * Math.SQRT2,
  blue_cube: CUBE_HALF * Math.SQRT2,
  yellow_cube: CUBE_HALF * Math.SQRT2,
  blue_bowl: BOWL.radius,
  plate: PLATE.radius,
};
const SHOULDER = [0, 0, 0.333];
/** The arm's reach from the shoulder to the wrist plus the hand (Panda: 0.316 + 0.384 + 0.107 + 0.103). */
const REACH = 0.316 + 0.384 + 0.088 + 0.107 + 0.1034;

describe('initial-state sampler', () => {
  const SEEDS = Array.from({ length: 200 }, (_, i) => (i < 100 ? i : 1_000_000 + i));

  it('places objects inside the workspace, apart, reachable and clear of the fixtures (200 seeds x every task)', () => {
    const problems: string[] = [];
    for (const t of TASKS) {
      for (const seed of SEEDS) {
        const spec = t.sample(seed);
        const objs = Object.entries(spec.init.objects) as [ObjectName, { pos: number[]; yaw: number }][];
        const drawerOpen = spec.init.drawer < -0.01;
        const where = `${t.id} seed ${seed}`;
        for (const [o, { pos }] of objs) {
          const r = FOOTPRINT[o]!;
          if (pos[0] < WORKSPACE.xMin - 0.001 || pos[0] > WORKSPACE.xMax + 0.001 || pos[1] < WORKSPACE.yMin - 0.001 || pos[1] > WORKSPACE.yMax + 0.001) problems.push(`${where}: ${o} outside the workspace`);
          const grasp = [pos[0], pos[1], pos[2] + 0.1];
          if (Math.hypot(grasp[0] - SHOULDER[0], grasp[1] - SHOULDER[1], grasp[2] - SHOULDER[2]) > REACH - 0.1) problems.push(`${where}: ${o} out of reach`);
          // The cabinet (and the drawer's swept volume when open) and the button.
          // The handle is the part of the cabinet nearest the robot; an open drawer brings it closer.
          const cabFront = CABINET.pos[0] + DRAWER.handleX - 0.008 - (drawerOpen ? DRAWER.travel : 0);
          if (pos[0] + r > cabFront && Math.abs(pos[1] - CABINET.pos[1]) < CABINET.halfWidth + r) problems.push(`${where}: ${o} overlaps the cabinet or drawer`);
          if (Math.hypot(pos[0] - BUTTON.pos[0], pos[1] - BUTTON.pos[1]) < BUTTON.baseRadius + r) problems.push(`${where}: ${o} overlaps the button`);
        }
        for (let i = 0; i < objs.length; i++) {
          for (let j = i + 1; j < objs.length; j++) {
            const [a, pa] = objs[i];
            const [b, pb] = objs[j];
            if (Math.hypot(pa.pos[0] - pb.pos[0], pa.pos[1] - pb.pos[1]) < FOOTPRINT[a]! + FOOTPRINT[b]!) problems.push(`${where}: ${a} overlaps ${b}`);
          }
        }
        if (t.refersTo) {
          const goalCube = spec.goals[0].plan[0].object;
          if (t.refersTo(spec.init.objects) !== goalCube) problems.push(`${where}: the instruction does not single out ${goalCube}`);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('starts every episode at rest, without interpenetration, and with its first goal not yet achieved', () => {
    const problems: string[] = [];
    const geomBody = env.model.geom_bodyid as Int32Array;
    const table = env.mj.mj_name2id(env.model, env.mj.mjtObj.mjOBJ_GEOM.value, 'table');
    for (const t of TASKS) {
      for (const seed of SEEDS.filter((_, i) => i % 4 === 0)) {
        const spec = t.sample(seed);
        env.reset(spec.init);
        const contacts = env.data.contact;
        try {
          for (let i = 0; i < env.data.ncon; i++) {
            const c = contacts.get(i)!;
            const { dist, geom1, geom2 } = c;
            c.delete();
            // Objects resting on the table touch it; nothing may be pushed into anything.
            if (dist < -0.002) problems.push(`${t.id} seed ${seed}: geoms ${geom1}/${geom2} (bodies ${geomBody[geom1]}/${geomBody[geom2]}) interpenetrate by ${(-dist * 1000).toFixed(1)} mm`);
            if (geom1 !== table && geom2 !== table && dist < -0.0005) problems.push(`${t.id} seed ${seed}: bodies ${geomBody[geom1]}/${geomBody[geom2]} start in contact`);
          }
        } finally {
          contacts.delete();
        }
        if (spec.goals[0].relations.every((r) => holds(env, r, { buttonPressed: false }))) problems.push(`${t.id} seed ${seed}: goal already achieved at the start`);
        if (seed % 8 === 0) {
          const before = Object.keys(spec.init.objects).map((o) => env.objectPos(o as ObjectName));
          env.step([0, 0, 0, 0, 0, 0, -1]);
          Object.keys(spec.init.objects).forEach((o, i) => {
            const p = env.objectPos(o as ObjectName);
            const moved = Math.hypot(p[0] - before[i][0], p[1] - before[i][1], p[2] - before[i][2]);
            if (moved > 0.002) problems.push(`${t.id} seed ${seed}: ${o} moved ${(moved * 1000).toFixed(1)} mm in the first 100 ms`);
          });
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('uses all four cubes, the bowl and the plate in every single-task layout', () => {
    for (const t of TASKS) {
      const objs = Object.keys(t.sample(7).init.objects);
      for (const o of [...CUBES, 'blue_bowl', 'plate']) expect(objs, t.id).toContain(o);
    }
  });
});
