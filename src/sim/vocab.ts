// Shared vocabularies. Their order is part of the dataset and model contract (indices are stored in
// datasets and predicted by the model): append only, never reorder.

/** Every object the tabletop scene can contain, in the order models index them. */
export const OBJECTS = [
  'red_cube',
  'green_cube',
  'blue_cube',
  'yellow_cube',
  'blue_bowl',
  'plate',
  'drawer',
  'button',
] as const;
export type ObjectName = (typeof OBJECTS)[number];

export const CUBES = ['red_cube', 'green_cube', 'blue_cube', 'yellow_cube'] as const;
export type CubeName = (typeof CUBES)[number];

/** Human words for an object ("red_cube" -> "red cube"). */
export function objectLabel(name: ObjectName): string {
  return name.replace('_', ' ');
}

/** Subtask verbs. A subtask is a (verb, object) pair, e.g. ('place_in', 'blue_bowl'). */
export const VERBS = ['pick', 'place_in', 'place_on', 'stack_on', 'open', 'close', 'press'] as const;
export type Verb = (typeof VERBS)[number];

/**
 * Movement primitives (the MOVE field of the reasoning), derived from the commanded action.
 * Directions are as seen in the front camera: "left" is the image's left (world -y), "forward" is away
 * from the robot base (world +x).
 */
export const MOVES = [
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
] as const;
export type Move = (typeof MOVES)[number];

export const CAMERAS = ['front', 'wrist'] as const;
export type CameraName = (typeof CAMERAS)[number];

/**
 * Minimum plan slots a model predicts. Long tasks can list more (long/three_step has 5 subtasks): the
 * training code sizes its plan head to the longest plan in the data and records it in the manifest.
 */
export const MAX_PLAN = 4;
/** Future gripper points predicted beyond the current one. */
export const FUTURE_POINTS = 4;
/** Future points are this many control steps apart. */
export const FUTURE_STRIDE = 2;
