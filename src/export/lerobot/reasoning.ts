import { describeSubtask } from '../../sim/reasoning';
import type { Subtask } from '../../sim/tasks';
import type { SourceDataset, SourceEpisode } from './source';

// The expert's reasoning labels of one frame as an Embodied-Chain-of-Thought text (the tag order of ECoT,
// Zawalski et al. 2024, without its free-text SUBTASK/MOVE REASONING, which the expert does not label):
//
//   TASK: put the red cube in the blue bowl
//   PLAN: 1. pick up the red cube 2. place it in the blue bowl
//   VISIBLE OBJECTS: red cube [20, 31, 26, 37], blue bowl [33, 28, 47, 40]
//   SUBTASK: pick up the red cube
//   MOVE: move left
//   GRIPPER POSITION: [[30, 22], [28, 24], [26, 27]]
//
// Coordinates are pixels of the first camera (the front, agent-view camera, as ECoT grounds in the
// primary image): x = round(u * width), y = round(v * height), origin at the top-left corner. Boxes are
// x0, y0, x1, y1. GRIPPER POSITION lists the gripper now, then its future points, up to the first one
// outside the image. docs/lerobot.md documents the column.

export const REASONING_TAGS = ['TASK', 'PLAN', 'VISIBLE OBJECTS', 'SUBTASK', 'MOVE', 'GRIPPER POSITION'] as const;

const label = (name: string) => name.replace(/_/g, ' ');

function subtaskText([verb, object]: [string, string]): string {
  // describeSubtask knows every verb the simulator has; the cast only widens the dataset's strings.
  return describeSubtask({ verb, object } as Subtask);
}

/** The PLAN line's value: numbered subtasks. */
export function planText(plan: Array<[string, string]>): string {
  return plan.map((s, i) => `${i + 1}. ${subtaskText(s)}`).join(' ');
}

/** The plan frame `t` follows. */
const planAt = (ep: SourceEpisode, t: number) => (ep.framePlans ? ep.framePlans.plans[ep.framePlans.planIndex[t]] ?? [] : ep.plan);

/** The reasoning text of frame `t` of `ep` (labels of camera `cam`, 0 = the first camera). */
export function frameReasoning(ds: SourceDataset, ep: SourceEpisode, t: number, plan = planText(planAt(ep, t)), cam = 0): string {
  const { width: w, height: h } = ds.cameras[cam];
  const nCam = ds.cameras.length;
  const nObj = ds.objects.length;
  const x = (u: number) => Math.round(u * w);
  const y = (v: number) => Math.round(v * h);

  const visible: string[] = [];
  for (let o = 0; o < nObj; o++) {
    const i = (t * nCam + cam) * nObj + o;
    if (!ep.boxVis[i]) continue;
    const b = ep.boxes.subarray(i * 4, i * 4 + 4);
    visible.push(`${label(ds.objects[o])} [${x(b[0])}, ${y(b[1])}, ${x(b[2])}, ${y(b[3])}]`);
  }

  const points: string[] = [];
  for (let p = 0; p < ep.points; p++) {
    const i = (t * nCam + cam) * ep.points + p;
    if (!ep.gripperVis[i]) break;
    points.push(`[${x(ep.gripperPx[i * 2])}, ${y(ep.gripperPx[i * 2 + 1])}]`);
  }

  const sub = planAt(ep, t)[ep.subtask[t]];
  const move = ds.moves[ep.move[t]];
  return [
    `TASK: ${ep.instruction}`,
    `PLAN: ${plan}`,
    `VISIBLE OBJECTS: ${visible.length ? visible.join(', ') : 'none'}`,
    `SUBTASK: ${sub ? subtaskText(sub) : 'none'}`,
    `MOVE: ${move ?? 'none'}`,
    `GRIPPER POSITION: [${points.join(', ')}]`,
  ].join('\n');
}

/** Every frame's reasoning text. */
export function episodeReasoning(ds: SourceDataset, ep: SourceEpisode): string[] {
  const fp = ep.framePlans;
  const texts = (fp ? fp.plans : [ep.plan]).map(planText);
  return Array.from({ length: ep.length }, (_, t) => frameReasoning(ds, ep, t, texts[fp ? fp.planIndex[t] : 0] ?? '', 0));
}
