import type { TabletopEnv } from './env';
import { BOWL, CUBE_HALF, PLATE } from './scene';
import { distXY } from './math';
import { CUBES, type CubeName, type ObjectName } from './vocab';

// Goal relations evaluated on sim state. Each is a pure read of the current MuJoCo state plus the
// episode's event latches (a button press is an event, not a resting state).

export type Relation =
  | { kind: 'in_bowl'; object: CubeName }
  | { kind: 'on_plate'; object: CubeName }
  | { kind: 'stacked'; object: CubeName; base: CubeName }
  | { kind: 'drawer_open' }
  | { kind: 'drawer_closed' }
  | { kind: 'button_pressed' };

export interface Latches {
  /** Set when the button has been pushed past its trigger depth since the current goal began. */
  buttonPressed: boolean;
  /**
   * False while a press that began before the current goal is still held down: a new press must start
   * from the button up ("press the button twice" is two presses, not one long one). Absent: up.
   */
  buttonReleased?: boolean;
}

export const DRAWER_OPEN_AT = -0.08;
export const DRAWER_CLOSED_AT = -0.012;
export const BUTTON_TRIGGER = -0.008;
const RESTING_SPEED = 0.05;

/** The object rests on its own: not held by the gripper and not moving fast. */
function released(env: TabletopEnv, o: ObjectName): boolean {
  return env.objectSpeed(o) < RESTING_SPEED && !env.fingerTouches(o);
}

export function holds(env: TabletopEnv, r: Relation, latches: Latches): boolean {
  switch (r.kind) {
    case 'in_bowl': {
      const p = env.objectPos(r.object);
      const b = env.objectPos('blue_bowl');
      return distXY(p, b) < BOWL.innerRadius - 0.012 && p[2] - b[2] < BOWL.height + 0.03 && p[2] > b[2] && released(env, r.object);
    }
    case 'on_plate': {
      const p = env.objectPos(r.object);
      const pl = env.objectPos('plate');
      const dz = p[2] - (pl[2] + PLATE.halfHeight + CUBE_HALF);
      return distXY(p, pl) < PLATE.radius - 0.01 && Math.abs(dz) < 0.012 && released(env, r.object);
    }
    case 'stacked': {
      const p = env.objectPos(r.object);
      const q = env.objectPos(r.base);
      const dz = p[2] - q[2];
      return distXY(p, q) < 0.025 && Math.abs(dz - 2 * CUBE_HALF) < 0.01 && released(env, r.object);
    }
    case 'drawer_open':
      return env.drawerPos() < DRAWER_OPEN_AT;
    case 'drawer_closed':
      return env.drawerPos() > DRAWER_CLOSED_AT;
    case 'button_pressed':
      return latches.buttonPressed;
  }
}

/**
 * For a missed placement goal, the same placement made with another cube ("green cube on the plate" when
 * the red one was asked for) and any cube still in the fingers: what tells a wrong choice of object from a
 * missed grasp. Empty for fixture goals.
 */
export function whatHappenedInstead(env: TabletopEnv, r: Relation, latches: Latches): string[] {
  if (r.kind !== 'in_bowl' && r.kind !== 'on_plate' && r.kind !== 'stacked') return [];
  const out: string[] = [];
  for (const c of CUBES) {
    if (c === r.object || (r.kind === 'stacked' && c === r.base)) continue;
    const other = { ...r, object: c };
    if (holds(env, other, latches)) out.push(`${describeRelation(other)} instead`);
  }
  for (const c of CUBES) if (env.fingerTouches(c)) out.push(`${c.replace('_', ' ')} still in the gripper`);
  return out;
}

export function describeRelation(r: Relation): string {
  const n = (o: string) => o.replace('_', ' ');
  switch (r.kind) {
    case 'in_bowl':
      return `${n(r.object)} in the bowl`;
    case 'on_plate':
      return `${n(r.object)} on the plate`;
    case 'stacked':
      return `${n(r.object)} on the ${n(r.base)}`;
    case 'drawer_open':
      return 'drawer open';
    case 'drawer_closed':
      return 'drawer closed';
    case 'button_pressed':
      return 'button pressed';
  }
}
