import { beforeAll, describe, expect, it } from 'vitest';
import type { InitialState, TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { holds, whatHappenedInstead, type Latches, type Relation } from '../../src/sim/predicates';
import { BUTTON, BOWL, CUBE_HALF, DRAWER, PLATE } from '../../src/sim/scene';
import { ZERO, runExpert, sharedEnv } from './helpers';

// Every goal predicate, true and false, on states built by placing objects directly (then letting physics
// settle), and on states the expert produces.

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

const NOT_PRESSED: Latches = { buttonPressed: false };
const BOWL_AT = [0.45, 0.12, 0] as const;
const PLATE_AT = [0.45, -0.15, PLATE.halfHeight] as const;

/** Reset to `init` and let everything settle for `steps` control steps with the arm idle at home. */
function settle(init: InitialState, steps = 5): void {
  env.reset(init);
  for (let k = 0; k < steps; k++) env.step(ZERO);
}

const inBowl: Relation = { kind: 'in_bowl', object: 'red_cube' };
const onPlate: Relation = { kind: 'on_plate', object: 'red_cube' };
const stacked: Relation = { kind: 'stacked', object: 'blue_cube', base: 'yellow_cube' };

describe('in_bowl', () => {
  const bowl = { pos: [...BOWL_AT] as [number, number, number], yaw: 0 };
  it('holds for a cube resting inside the bowl', () => {
    settle({ objects: { blue_bowl: bowl, red_cube: { pos: [BOWL_AT[0] + 0.01, BOWL_AT[1], 0.006 + CUBE_HALF], yaw: 0.2 } }, drawer: 0 });
    expect(holds(env, inBowl, NOT_PRESSED)).toBe(true);
  });
  it('fails for a cube on the table beside the bowl', () => {
    settle({ objects: { blue_bowl: bowl, red_cube: { pos: [BOWL_AT[0], BOWL_AT[1] - BOWL.radius - 0.04, CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(holds(env, inBowl, NOT_PRESSED)).toBe(false);
  });
  it('fails for a cube falling into the bowl (not at rest yet)', () => {
    env.reset({ objects: { blue_bowl: bowl, red_cube: { pos: [BOWL_AT[0], BOWL_AT[1], 0.07], yaw: 0 } }, drawer: 0 });
    env.step(ZERO); // 100 ms of free fall: fast and still above the rim
    expect(env.objectSpeed('red_cube')).toBeGreaterThan(0.05);
    expect(holds(env, inBowl, NOT_PRESSED)).toBe(false);
  });
  it('fails for a different cube in the bowl', () => {
    settle({ objects: { blue_bowl: bowl, green_cube: { pos: [BOWL_AT[0], BOWL_AT[1], 0.006 + CUBE_HALF], yaw: 0 }, red_cube: { pos: [0.35, -0.2, CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(holds(env, inBowl, NOT_PRESSED)).toBe(false);
    expect(holds(env, { kind: 'in_bowl', object: 'green_cube' }, NOT_PRESSED)).toBe(true);
    // A failure report names what was done instead: the wrong cube, not a missed grasp.
    expect(whatHappenedInstead(env, inBowl, NOT_PRESSED)).toEqual(['green cube in the bowl instead']);
    expect(whatHappenedInstead(env, { kind: 'drawer_open' }, NOT_PRESSED)).toEqual([]);
  });
});

describe('on_plate', () => {
  const plate = { pos: [...PLATE_AT] as [number, number, number], yaw: 0 };
  it('holds for a cube resting on the plate', () => {
    settle({ objects: { plate, red_cube: { pos: [PLATE_AT[0] - 0.02, PLATE_AT[1] + 0.02, 2 * PLATE.halfHeight + CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(holds(env, onPlate, NOT_PRESSED)).toBe(true);
  });
  it('fails for a cube on the table next to the plate', () => {
    settle({ objects: { plate, red_cube: { pos: [PLATE_AT[0] + PLATE.radius + 0.04, PLATE_AT[1], CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(holds(env, onPlate, NOT_PRESSED)).toBe(false);
  });
  it('fails for a cube stacked on another cube on the plate (not on the plate itself)', () => {
    const z0 = 2 * PLATE.halfHeight + CUBE_HALF;
    settle({ objects: { plate, green_cube: { pos: [PLATE_AT[0], PLATE_AT[1], z0], yaw: 0 }, red_cube: { pos: [PLATE_AT[0], PLATE_AT[1], z0 + 2 * CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(env.objectPos('red_cube')[2]).toBeGreaterThan(z0 + CUBE_HALF);
    expect(holds(env, onPlate, NOT_PRESSED)).toBe(false);
    expect(holds(env, { kind: 'on_plate', object: 'green_cube' }, NOT_PRESSED)).toBe(true);
  });
});

describe('stacked', () => {
  it('holds for a cube resting on the base cube', () => {
    settle({ objects: { yellow_cube: { pos: [0.5, 0, CUBE_HALF], yaw: 0 }, blue_cube: { pos: [0.505, 0.004, 3 * CUBE_HALF], yaw: 0.1 } }, drawer: 0 });
    expect(holds(env, stacked, NOT_PRESSED)).toBe(true);
  });
  it('fails for the reverse relation and for cubes side by side', () => {
    settle({ objects: { yellow_cube: { pos: [0.5, 0, CUBE_HALF], yaw: 0 }, blue_cube: { pos: [0.5, 0, 3 * CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(holds(env, { kind: 'stacked', object: 'yellow_cube', base: 'blue_cube' }, NOT_PRESSED)).toBe(false);
    settle({ objects: { yellow_cube: { pos: [0.5, 0, CUBE_HALF], yaw: 0 }, blue_cube: { pos: [0.5, 0.05, CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(holds(env, stacked, NOT_PRESSED)).toBe(false);
  });
  it('fails for a cube on a different base', () => {
    settle({ objects: { red_cube: { pos: [0.5, 0, CUBE_HALF], yaw: 0 }, blue_cube: { pos: [0.5, 0, 3 * CUBE_HALF], yaw: 0 }, yellow_cube: { pos: [0.4, -0.2, CUBE_HALF], yaw: 0 } }, drawer: 0 });
    expect(holds(env, stacked, NOT_PRESSED)).toBe(false);
    expect(holds(env, { kind: 'stacked', object: 'blue_cube', base: 'red_cube' }, NOT_PRESSED)).toBe(true);
  });
});

describe('drawer', () => {
  const open: Relation = { kind: 'drawer_open' };
  const closed: Relation = { kind: 'drawer_closed' };
  it.each([
    [0, false, true],
    [-0.004, false, true],
    [-0.05, false, false],
    [-0.1, true, false],
    [-DRAWER.travel, true, false],
  ])('slide at %s: open %s, closed %s', (slide, isOpen, isClosed) => {
    settle({ objects: {}, drawer: slide }, 1);
    expect(env.drawerPos()).toBeCloseTo(slide, 2);
    expect(holds(env, open, NOT_PRESSED)).toBe(isOpen);
    expect(holds(env, closed, NOT_PRESSED)).toBe(isClosed);
  });
});

describe('button_pressed', () => {
  const pressed: Relation = { kind: 'button_pressed' };
  const buttonBody = () => env.mj.mj_name2id(env.model, env.mj.mjtObj.mjOBJ_BODY.value, 'button');
  /** Push the button cap down with `force` newtons during one control step. */
  const push = (ep: Episode, force: number) =>
    ep.apply(ZERO, (e) => {
      (e.data.xfrc_applied as Float64Array)[6 * buttonBody() + 2] = -force;
    });

  it('is false until the button is pushed past its trigger depth, then latches', () => {
    const ep = Episode.fromTask(env, 'goal/press_button', 3);
    for (let k = 0; k < 3; k++) ep.apply(ZERO);
    expect(holds(env, pressed, ep.latches)).toBe(false);
    expect(ep.status).toBe('running');
    push(ep, 20);
    (env.data.xfrc_applied as Float64Array).fill(0);
    expect(ep.latches.buttonPressed).toBe(true);
    expect(holds(env, pressed, ep.latches)).toBe(true);
    expect(ep.status).toBe('success');
    // The spring returns the cap, but the event stays latched for this goal.
    env.step(ZERO);
    expect(env.buttonPos()).toBeGreaterThan(-BUTTON.travel / 2);
  });

  it('a light touch does not count', () => {
    const ep = Episode.fromTask(env, 'goal/press_button', 3);
    push(ep, 1); // 1 N on a 300 N/m spring: ~3 mm, short of the trigger depth
    (env.data.xfrc_applied as Float64Array).fill(0);
    expect(ep.latches.buttonPressed).toBe(false);
    expect(holds(env, pressed, ep.latches)).toBe(false);
  });
});

describe('predicates on expert-made states', () => {
  it('are false at the start and true at the end of a successful pick-place', () => {
    const ep = Episode.fromTask(env, 'object/red_to_bowl', 21);
    expect(holds(env, inBowl, ep.latches)).toBe(false);
    runExpert(env, 'object/red_to_bowl', 21, (e) => {
      // While the gripper still touches the cube, it is not "in the bowl" yet.
      if (env.fingerTouches('red_cube')) expect(holds(env, inBowl, e.latches)).toBe(false);
    });
    expect(holds(env, inBowl, NOT_PRESSED)).toBe(true);
    expect(holds(env, onPlate, NOT_PRESSED)).toBe(false);
  });
});
