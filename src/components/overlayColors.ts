import type { ObjectName } from '../sim/vocab';

/** One colour per object for boxes, labels and markers, shared by the camera overlays and the 3D view. */
export const OBJECT_COLOR: Record<ObjectName, string> = {
  red_cube: '#ff5d5d',
  green_cube: '#4cd17a',
  blue_cube: '#5b8cff',
  yellow_cube: '#ffd43b',
  blue_bowl: '#62b6ff',
  plate: '#e9ecef',
  drawer: '#d9a066',
  button: '#ff8a65',
};

export const PLAN_COLOR = '#7aa2ff';
export const TRAIL_COLOR = '#ffb454';
export const GRIPPER_COLOR = '#ff9f1c';
/** The expert's ground truth beside a model's prediction: drawn dashed in this colour. */
export const GT_COLOR = '#f1f3f5';
