import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ZERO, runExpert, sharedEnv } from './helpers';

// Physics trouble ends the episode as a failure with the reason recorded; it never throws, and the env is
// usable again after a reset.

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

function episode(): Episode {
  const ep = Episode.fromTask(env, 'object/blue_to_bowl', 1_000_001);
  for (let k = 0; k < 3; k++) ep.apply(ZERO);
  return ep;
}

describe('physics faults', () => {
  it.each([
    ['NaN', [0, NaN, 0, 0, 0, 0, 1]],
    ['Infinity', [0, 0, Infinity, 0, 0, 0, 1]],
    ['a short action', [0, 0, 0]],
  ])('an action with %s fails the episode instead of throwing', (_name, action) => {
    const ep = episode();
    const before = Float64Array.from(env.data.qpos as Float64Array);
    const out = ep.apply(action);
    expect(out.status).toBe('failure');
    expect(out.reason).toMatch(/non-finite action|refused an action of 3 values/);
    // The bad action never reached the simulation.
    expect(Array.from(env.data.qpos as Float64Array)).toEqual(Array.from(before));
    // A finished episode ignores further actions.
    expect(ep.apply(ZERO).step).toBe(out.step);
  });

  it('an object teleported out of the workspace fails the episode with a reason', () => {
    const ep = episode();
    const adr = env.freeQposAdr.red_cube!;
    (env.data.qpos as Float64Array)[adr] = 3;
    env.mj.mj_forward(env.model, env.data);
    const out = ep.apply(ZERO);
    expect(out.status).toBe('failure');
    expect(out.reason).toMatch(/red cube left the workspace/);
  });

  it('an object falling off the table fails the episode', () => {
    const ep = episode();
    const adr = env.freeQposAdr.green_cube!;
    const q = env.data.qpos as Float64Array;
    q[adr] = 1.2; // beyond the table's far edge (x = 0.95), above the floor
    q[adr + 2] = 0.1;
    env.mj.mj_forward(env.model, env.data);
    let out = ep.apply(ZERO);
    for (let k = 0; k < 10 && out.status === 'running'; k++) out = ep.apply(ZERO);
    expect(out.status).toBe('failure');
    expect(out.reason).toMatch(/green cube left the workspace/);
  });

  it('a MuJoCo instability (exploding velocities) fails the episode with a physics reason', () => {
    const ep = episode();
    const v = env.data.qvel as Float64Array;
    const dof = (env.model.jnt_dofadr as Int32Array)[(env.model.body_jntadr as Int32Array)[env.objectBody.yellow_cube]];
    v[dof + 2] = 1e300;
    v[dof + 3] = 1e300;
    let out;
    expect(() => (out = ep.apply(ZERO))).not.toThrow();
    expect(out!.status).toBe('failure');
    expect(out!.reason).toMatch(/^physics: /);
  });

  it('a NaN injected into the state fails the episode', () => {
    const ep = episode();
    (env.data.qpos as Float64Array)[env.armQposAdr[2]] = NaN;
    const out = ep.apply(ZERO);
    expect(out.status).toBe('failure');
    expect(out.reason).toMatch(/^physics: /);
  });

  it('the env works normally after a faulted episode', () => {
    const ep = episode();
    ep.apply([NaN, 0, 0, 0, 0, 0, 0]);
    const v = env.data.qvel as Float64Array;
    v.fill(1e300);
    env.step(ZERO);
    const ok = runExpert(env, 'object/blue_to_bowl', 1_000_001);
    expect(ok.status).toBe('success');
  });
});
