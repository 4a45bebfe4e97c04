import { beforeAll, describe, expect, it } from 'vitest';
import { inImage, project } from '../../src/sim/camera';
import type { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy, type Decision } from '../../src/sim/expertPolicy';
import { norm, sub, type Vec3 } from '../../src/sim/math';
import { OBJECT_EXTENTS } from '../../src/sim/scene';
import { FUTURE_POINTS, MOVES, OBJECTS, type ObjectName } from '../../src/sim/vocab';
import { sharedEnv } from './helpers';

// The expert's reasoning labels (docs/architecture.md) agree with the simulation they describe.

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

interface Step {
  d: Decision;
  tcp: Vec3;
  action: number[];
}

function record(taskId: string, seed: number): { ep: Episode; steps: Step[]; checks: ((s: Step, k: number) => void)[] } {
  const ep = Episode.fromTask(env, taskId, seed);
  const pol = new ExpertPolicy();
  const steps: Step[] = [];
  const checks: ((s: Step, k: number) => void)[] = [];
  while (!ep.done) {
    const d = pol.decide(ep);
    const s = { d, tcp: env.tcpPos(), action: d.actions[0] };
    checks.forEach((c) => c(s, steps.length));
    steps.push(s);
    ep.apply(d.actions[0]);
  }
  return { ep, steps, checks };
}

/** In view by angle, computed from the camera frame directly (not through `project`). */
function inFrontView(p: Vec3): boolean {
  const cam = env.cameraPose('front');
  const d = sub(p, cam.pos);
  const m = cam.mat;
  const x = m[0] * d[0] + m[3] * d[1] + m[6] * d[2];
  const y = m[1] * d[0] + m[4] * d[1] + m[7] * d[2];
  const forward = -(m[2] * d[0] + m[5] * d[1] + m[8] * d[2]);
  const half = ((cam.fovy / 2) * Math.PI) / 180;
  return forward > 0 && Math.abs(Math.atan2(x, forward)) < half - 0.01 && Math.abs(Math.atan2(y, forward)) < half - 0.01;
}

function objectCentre(o: ObjectName): Vec3 {
  const c = env.bodyPos(env.objectBody[o]);
  const R = env.objectMat(o);
  const l = OBJECT_EXTENTS[o].center;
  return [c[0] + R[0] * l[0] + R[1] * l[1] + R[2] * l[2], c[1] + R[3] * l[0] + R[4] * l[1] + R[5] * l[2], c[2] + R[6] * l[0] + R[7] * l[1] + R[8] * l[2]];
}

describe('camera projection', () => {
  it('maps the optical axis to the image centre and the field-of-view edge to the image edge', () => {
    env.reset({ objects: {}, drawer: 0 });
    const cam = env.cameraPose('front');
    const m = cam.mat;
    const axis: Vec3 = [-m[2], -m[5], -m[8]];
    const up: Vec3 = [m[1], m[4], m[7]];
    const ahead: Vec3 = [cam.pos[0] + axis[0], cam.pos[1] + axis[1], cam.pos[2] + axis[2]];
    const c = project(cam, ahead);
    expect(c.u).toBeCloseTo(0.5, 9);
    expect(c.v).toBeCloseTo(0.5, 9);
    expect(c.depth).toBeCloseTo(1, 9);
    const t = Math.tan((cam.fovy * Math.PI) / 360);
    const top = project(cam, [ahead[0] + t * up[0], ahead[1] + t * up[1], ahead[2] + t * up[2]]);
    expect(top.v).toBeCloseTo(0, 9);
    expect(project(cam, [cam.pos[0] - axis[0], cam.pos[1] - axis[1], cam.pos[2] - axis[2]]).depth).toBeLessThan(0);
  });

  it('shows world -y on the left of the front image, and the robot (facing the camera) at the top', () => {
    env.reset({ objects: {}, drawer: 0 });
    const cam = env.cameraPose('front');
    expect(project(cam, [0.45, -0.2, 0]).u).toBeLessThan(project(cam, [0.45, 0.2, 0]).u);
    expect(project(cam, [0.3, 0, 0]).v).toBeLessThan(project(cam, [0.6, 0, 0]).v);
  });

  it('sees the whole workspace from the front camera', () => {
    env.reset({ objects: {}, drawer: 0 });
    const cam = env.cameraPose('front');
    for (const x of [0.32, 0.62]) for (const y of [-0.3, 0.3]) expect(inImage(project(cam, [x, y, 0])), `${x},${y}`).toBe(true);
  });
});

describe('reasoning labels', () => {
  it('are consistent with the simulation over a whole pick-and-place', () => {
    const { ep, steps } = record('object/red_to_bowl', 1_000_031);
    expect(ep.status).toBe('success');
    let inView = 0;
    steps.forEach(({ d, tcp }, k) => {
      const r = d.reasoning;
      expect(r.plan).toEqual(ep.spec.goals[0].plan);
      expect(MOVES).toContain(r.move);
      const g = r.gripper.front;
      expect(g.points.length).toBe(1 + FUTURE_POINTS);
      const q = project(env.cameraPose('front'), tcp);
      expect(g.points[0][0]).toBeCloseTo(q.u, 9);
      expect(g.points[0][1]).toBeCloseTo(q.v, 9);
      if (inFrontView(tcp)) {
        inView += 1;
        expect(g.visible[0], `step ${k}`).toBe(true);
        expect(g.points[0][0]).toBeGreaterThanOrEqual(0);
        expect(g.points[0][0]).toBeLessThanOrEqual(1);
        expect(g.points[0][1]).toBeGreaterThanOrEqual(0);
        expect(g.points[0][1]).toBeLessThanOrEqual(1);
      }
    });
    expect(inView).toBeGreaterThan(steps.length * 0.9);
  });

  it('box every visible object around its projected centre, in both cameras', () => {
    const ep = Episode.fromTask(env, 'long/stack_then_plate', 1_000_032);
    const pol = new ExpertPolicy();
    let boxes = 0;
    for (let k = 0; k < 120 && !ep.done; k++) {
      const d = pol.decide(ep);
      for (const cam of ['front', 'wrist'] as const) {
        const pose = env.cameraPose(cam);
        for (const b of d.reasoning.boxes[cam]) {
          expect(OBJECTS).toContain(b.object);
          const c = project(pose, objectCentre(b.object));
          if (!inImage(c)) continue; // a box clipped to the image may not contain an off-image centre
          boxes += 1;
          const [u0, v0, u1, v1] = b.box;
          expect(u0 <= c.u && c.u <= u1 && v0 <= c.v && c.v <= v1, `${cam} ${b.object} step ${k}`).toBe(true);
        }
      }
      if (k === 0) {
        // At the start every object on the table is in the front view.
        const seen = d.reasoning.boxes.front.map((b) => b.object);
        for (const o of ['red_cube', 'green_cube', 'blue_cube', 'yellow_cube', 'blue_bowl', 'plate'] as const) expect(seen).toContain(o);
      }
      ep.apply(d.actions[0]);
    }
    expect(boxes).toBeGreaterThan(500);
  });

  it('advance the subtask monotonically and name the gripper moves the actions make', () => {
    const { ep, steps } = record('spatial/right_cube_to_bowl', 1_000_033);
    expect(ep.status).toBe('success');
    const idx = steps.map((s) => s.d.reasoning.subtaskIndex);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(ep.spec.goals[0].plan.length - 1);
    for (let k = 1; k < idx.length; k++) expect(idx[k], `step ${k}`).toBeGreaterThanOrEqual(idx[k - 1]);
    let prevGrip = -1;
    for (const { d, action } of steps) {
      if (action[6] > 0 && prevGrip <= 0) expect(d.reasoning.move).toBe('close gripper');
      if (action[6] <= 0 && prevGrip > 0) expect(d.reasoning.move).toBe('open gripper');
      if (d.reasoning.move === 'move down') expect(action[2]).toBeLessThan(0);
      if (d.reasoning.move === 'move up') expect(action[2]).toBeGreaterThan(0);
      if (d.reasoning.move === 'move left') expect(action[1]).toBeLessThan(0);
      if (d.reasoning.move === 'move right') expect(action[1]).toBeGreaterThan(0);
      prevGrip = action[6];
    }
  });

  it('predict a path the arm then actually follows', () => {
    const { ep, steps } = record('goal/red_on_plate', 1_000_034);
    expect(ep.status).toBe('success');
    const errs: number[] = [];
    steps.forEach(({ d }, k) => {
      d.path.forEach((p, j) => {
        const later = steps[k + j + 1];
        if (later) errs.push(norm(sub(p, later.tcp)));
      });
    });
    errs.sort((a, b) => a - b);
    expect(errs[Math.floor(errs.length / 2)]).toBeLessThan(0.02);
    expect(errs[Math.floor(errs.length * 0.9)]).toBeLessThan(0.05);
  });
});
