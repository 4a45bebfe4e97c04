import type { TabletopEnv } from './env';
import { inImage, objectBoxes, project, type Box2D } from './camera';
import type { Vec3 } from './math';
import type { Subtask } from './tasks';
import { CAMERAS, type CameraName, type Move } from './vocab';

/** The Embodied-Chain-of-Thought fields, from the expert (labels) or the model (predictions). */
export interface Reasoning {
  plan: Subtask[];
  subtaskIndex: number;
  move: Move;
  /** Per camera: the gripper point now, then future points; normalised image coordinates. */
  gripper: Record<CameraName, { points: [number, number][]; visible: boolean[] }>;
  boxes: Record<CameraName, Box2D[]>;
  /** Model confidence per field (0..1); absent for the expert. */
  confidence?: { plan: number; subtask: number; move: number };
}

/** Project the gripper's current and future positions into every camera. */
export function gripperPoints(env: TabletopEnv, points: Vec3[]): Reasoning['gripper'] {
  const out = {} as Reasoning['gripper'];
  for (const cam of CAMERAS) {
    const pose = env.cameraPose(cam);
    const pts: [number, number][] = [];
    const vis: boolean[] = [];
    for (const p of points) {
      const q = project(pose, p);
      pts.push([q.u, q.v]);
      vis.push(inImage(q));
    }
    out[cam] = { points: pts, visible: vis };
  }
  return out;
}

export function labelReasoning(env: TabletopEnv, plan: Subtask[], subtaskIndex: number, move: Move, tcpPath: Vec3[]): Reasoning {
  const boxes = {} as Reasoning['boxes'];
  for (const cam of CAMERAS) boxes[cam] = objectBoxes(env, cam);
  return { plan, subtaskIndex, move, gripper: gripperPoints(env, tcpPath), boxes };
}

export function describeSubtask(s: Subtask): string {
  const o = s.object.replace('_', ' ');
  switch (s.verb) {
    case 'pick':
      return `pick up the ${o}`;
    case 'place_in':
      return `place it in the ${o}`;
    case 'place_on':
      return `place it on the ${o}`;
    case 'stack_on':
      return `stack it on the ${o}`;
    case 'open':
      return `open the ${o}`;
    case 'close':
      return `close the ${o}`;
    case 'press':
      return `press the ${o}`;
  }
}
