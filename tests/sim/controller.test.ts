import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { expertDecide, initialExpertState, viewOf } from '../../src/sim/expert';
import { norm, quatConj, quatMul, rotVecFromQuat, sub, wrapAngle, type Vec3 } from '../../src/sim/math';
import { actionToward, EMPTY, sharedEnv } from './helpers';

// The Cartesian controller: commanded end-effector poses are reached within 5 mm, and a grasp is held by
// friction alone (no weld, no kinematic attachment).

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

/** Drive the commanded pose to (pos, yaw), then let the arm settle with zero actions. */
function reach(pos: Vec3, yaw: number, grip = -1): { posErr: number; yawErr: number; rotErr: number; steps: number } {
  let steps = 0;
  for (; steps < 120; steps++) {
    const a = actionToward(env, pos, null, grip);
    const cmd = env.target();
    // Yaw is commanded about world z, relative to the commanded (not measured) orientation.
    const cmdYaw = Math.atan2(2 * (cmd.quat[0] * cmd.quat[3] + cmd.quat[1] * cmd.quat[2]), 1 - 2 * (cmd.quat[2] ** 2 + cmd.quat[3] ** 2));
    a[5] = Math.max(-0.15, Math.min(0.15, wrapAngle(yaw - cmdYaw)));
    if (norm(sub(cmd.pos, pos)) < 1e-9 && Math.abs(a[5]) < 1e-9) break;
    env.step(a);
  }
  for (let k = 0; k < 10; k++) env.step([0, 0, 0, 0, 0, 0, grip]);
  const tq = env.target().quat;
  const rot = rotVecFromQuat(quatMul(tq, quatConj(env.tcpQuat())));
  return { posErr: norm(sub(env.tcpPos(), pos)), yawErr: Math.abs(wrapAngle(env.tcpYaw() - yaw)), rotErr: norm(rot), steps };
}

describe('controller', () => {
  const targets: Array<{ pos: Vec3; yaw: number }> = [
    { pos: [0.45, 0.0, 0.15], yaw: 0 },
    { pos: [0.35, -0.22, 0.06], yaw: 0.5 },
    { pos: [0.6, 0.22, 0.25], yaw: -0.6 },
    { pos: [0.55, -0.1, 0.03], yaw: 1.2 },
    { pos: [0.32, 0.25, 0.35], yaw: -1.3 },
    { pos: [0.62, 0.0, 0.1], yaw: Math.PI / 2 },
    { pos: [0.62, 0.3, 0.122], yaw: Math.PI / 2 }, // at the (closed) drawer handle
    { pos: [0.7, -0.28, 0.07], yaw: 0 }, // just above the button
  ];
  for (const t of targets) {
    it(`reaches (${t.pos.join(', ')}) yaw ${t.yaw.toFixed(2)} within 5 mm`, () => {
      env.reset(EMPTY);
      const r = reach(t.pos, t.yaw);
      expect(r.posErr).toBeLessThan(0.005);
      expect(r.yawErr).toBeLessThan(0.03);
      // The whole commanded orientation (gripper pointing down), not only its yaw.
      expect(r.rotErr).toBeLessThan(0.03);
    });
  }

  it('chains targets without resetting (commanded pose accumulates correctly)', () => {
    env.reset(EMPTY);
    for (const t of targets.slice(0, 5)) expect(reach(t.pos, t.yaw).posErr).toBeLessThan(0.005);
  });

  it('clamps each action to the documented limits (2 cm, 0.15 rad per step)', () => {
    env.reset(EMPTY);
    const before = env.target().pos;
    env.step([1, 0, 0, 0, 0, 0, -1]);
    const after = env.target().pos;
    expect(after[0] - before[0]).toBeCloseTo(0.02, 9);
    expect(Math.abs(after[1] - before[1])).toBeLessThan(1e-12);
  });

  it('keeps the commanded pose on a leash when the arm is blocked by the table', () => {
    env.reset(EMPTY);
    reach([0.45, 0, 0.05], 0);
    for (let k = 0; k < 20; k++) env.step([0, 0, -0.02, 0, 0, 0, -1]);
    // Commanding 40 cm into the table must not wind up: the command stays within 2 cm of the real pose.
    expect(env.tcpPos()[2] - env.target().pos[2]).toBeLessThanOrEqual(0.0200001);
    expect(env.tcpPos()[2]).toBeGreaterThan(0.005);
  });
});

describe('grasp', () => {
  const cube = 'red_cube' as const;
  const start: Vec3 = [0.47, 0.06, 0.02];

  /** Expert-grasp the cube (approach, descend, close, lift to 17 cm). */
  function graspAndLift(): void {
    env.reset({ objects: { [cube]: { pos: start, yaw: 0.35 } }, drawer: 0 });
    const plan = [{ verb: 'pick' as const, object: cube }];
    let s = initialExpertState();
    for (let k = 0; k < 200; k++) {
      const r = expertDecide(plan, viewOf(env), s);
      if (r.done) return;
      s = r.state;
      env.step(r.action);
    }
    throw new Error('the expert did not finish the pick');
  }

  const relToTcp = (): Vec3 => sub(env.objectPos(cube), env.tcpPos());

  it('has no welds or equality constraints: grasps are friction only', () => {
    expect(env.model.neq).toBe(0);
  });

  it('lifts a cube 15 cm and holds it 2 s (20 control steps) with < 1 cm slip', () => {
    graspAndLift();
    const lifted = env.objectPos(cube)[2] - start[2];
    expect(lifted).toBeGreaterThan(0.14);
    expect(env.fingerTouches(cube)).toBe(true);
    const rel0 = relToTcp();
    let worst = 0;
    for (let k = 0; k < 20; k++) {
      env.step([0, 0, 0, 0, 0, 0, 1]);
      worst = Math.max(worst, norm(sub(relToTcp(), rel0)));
    }
    expect(worst).toBeLessThan(0.01);
    expect(env.objectPos(cube)[2] - start[2]).toBeGreaterThan(0.14);
  });

  it('holds the cube while the arm carries it sideways at full speed', () => {
    graspAndLift();
    const rel0 = relToTcp();
    for (let k = 0; k < 10; k++) env.step([0, -0.02, 0, 0, 0, 0, 1]);
    for (let k = 0; k < 10; k++) env.step([0, 0, 0, 0, 0, 0, 1]);
    expect(norm(sub(relToTcp(), rel0))).toBeLessThan(0.01);
  });

  it('is not welded: opening the gripper drops the cube onto the table', () => {
    graspAndLift();
    expect(env.objectPos(cube)[2]).toBeGreaterThan(0.15);
    for (let k = 0; k < 10; k++) env.step([0, 0, 0, 0, 0, 0, -1]);
    expect(env.fingerTouches(cube)).toBe(false);
    expect(env.objectPos(cube)[2]).toBeLessThan(0.025);
    expect(norm(relToTcp())).toBeGreaterThan(0.1);
  });

  it('cannot lift a cube without closing the gripper', () => {
    env.reset({ objects: { [cube]: { pos: start, yaw: 0 } }, drawer: 0 });
    for (let k = 0; k < 40; k++) env.step(actionToward(env, [start[0], start[1], 0.015], 0, -1));
    for (let k = 0; k < 20; k++) env.step(actionToward(env, [start[0], start[1], 0.17], 0, -1));
    expect(env.objectPos(cube)[2]).toBeLessThan(0.025);
  });
});
