import { CONTRACT } from '../policy/contract';

// Shared vocabularies. Their values come from the model contract (src/policy/contract.json, which
// training/ reads too); their order is part of datasets and weights: append only, never reorder.
// TypeScript cannot derive literal types from JSON, so the names are spelled out here for the types and
// checked against the contract when this module loads.

function fromContract<T extends readonly string[]>(what: string, contract: readonly string[], typed: T): T {
  if (contract.length !== typed.length || contract.some((w, i) => w !== typed[i])) {
    throw new Error(`src/sim/vocab.ts ${what} [${typed.join(', ')}] differ from contract.json's [${contract.join(', ')}]`);
  }
  return typed;
}

/** Every object the tabletop scene can contain, in the order models index them. */
export const OBJECTS = fromContract('OBJECTS', CONTRACT.labels.objects, [
  'red_cube',
  'green_cube',
  'blue_cube',
  'yellow_cube',
  'blue_bowl',
  'plate',
  'drawer',
  'button',
] as const);
export type ObjectName = (typeof OBJECTS)[number];

export const CUBES = ['red_cube', 'green_cube', 'blue_cube', 'yellow_cube'] as const;
export type CubeName = (typeof CUBES)[number];

/** Human words for an object ("red_cube" -> "red cube"). */
export function objectLabel(name: ObjectName): string {
  return name.replace('_', ' ');
}

/** Subtask verbs. A subtask is a (verb, object) pair, e.g. ('place_in', 'blue_bowl'). */
export const VERBS = fromContract('VERBS', CONTRACT.labels.verbs, ['pick', 'place_in', 'place_on', 'stack_on', 'open', 'close', 'press'] as const);
export type Verb = (typeof VERBS)[number];

/**
 * Movement primitives (the MOVE field of the reasoning), derived from the commanded action.
 * Directions are as seen in the front camera: "left" is the image's left (world -y), "forward" is away
 * from the robot base (world +x).
 */
export const MOVES = fromContract('MOVES', CONTRACT.labels.moves, [
  'stop',
  'move forward',
  'move backward',
  'move left',
  'move right',
  'move up',
  'move down',
  'close gripper',
  'open gripper',
  'rotate',
] as const);
export type Move = (typeof MOVES)[number];

export const CAMERAS = fromContract('CAMERAS', CONTRACT.cameras.map((c) => c.name), ['front', 'wrist'] as const);
export type CameraName = (typeof CAMERAS)[number];

/**
 * Minimum plan slots a model predicts. Long tasks can list more (long/three_step has 5 subtasks): the
 * training code sizes its plan head to the longest plan in the data and records it in the manifest.
 */
export const MAX_PLAN = CONTRACT.reasoning.min_plan_slots;
/** Future gripper points predicted beyond the current one. */
export const FUTURE_POINTS = CONTRACT.reasoning.future_points;
/** Future points are this many control steps apart. */
export const FUTURE_STRIDE = CONTRACT.reasoning.future_stride;
