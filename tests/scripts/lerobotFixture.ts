import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCard, cardText, type CardRenderer } from '../../scripts/lib/datagenCard';
import type { LogEntry, RunArguments } from '../../scripts/lib/datagenPlan';
import { writeNpy } from '../../scripts/lib/npy';
import { OBJECTS } from '../../src/sim/vocab';

// A small dataset in datagen's layout (docs/dataset.md), written without a browser: the card comes from
// datagen's own buildCard, the episode files from its npy writer, with values the LeRobot export test can
// recognise again (each frame's image is one flat colour of its own).

export const FIXTURE_CAMERAS = [
  { name: 'front', width: 32, height: 24, fovy: 42 },
  { name: 'wrist', width: 16, height: 16, fovy: 75 },
];
export const POINTS = 5;

export interface FixtureEpisode {
  dir: string;
  instruction: string;
  plan: Array<[string, string]>;
  length: number;
  action: Float32Array;
  state: Float32Array;
}

/** The flat colour of frame `t` of episode `e` in camera `c`: far apart from frame to frame. */
export function frameColour(e: number, t: number, c: number): [number, number, number] {
  const k = e * 16 + t;
  return [30 + ((47 * k) % 190), 30 + ((89 * k + 60) % 190), 30 + ((23 * k + 120 * c) % 190)];
}

export function writeFixture(dir: string, lengths: number[], instructions: string[]): FixtureEpisode[] {
  mkdirSync(join(dir, 'episodes'), { recursive: true });
  const out: FixtureEpisode[] = [];
  lengths.forEach((T, e) => {
    const name = `ep_${String(e).padStart(6, '0')}`;
    const folder = join(dir, 'episodes', name);
    mkdirSync(folder, { recursive: true });
    const plan: Array<[string, string]> = e % 2 ? [['open', 'drawer']] : [['pick', 'red_cube'], ['place_in', 'blue_bowl']];
    const action = Float32Array.from({ length: T * 7 }, (_, i) => Math.sin(e * 100 + i) * 0.02);
    const state = Float32Array.from({ length: T * 13 }, (_, i) => Math.cos(e * 50 + i * 0.3));
    writeNpy(join(folder, 'action.npy'), 'float32', [T, 7], action);
    writeNpy(join(folder, 'proprio.npy'), 'float32', [T, 13], state);
    // Gripper points: the first two of every frame inside the image, the third outside.
    const px = new Float32Array(T * 2 * POINTS * 2);
    const pvis = new Uint8Array(T * 2 * POINTS);
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < 2; c++) {
        for (let p = 0; p < POINTS; p++) {
          const i = (t * 2 + c) * POINTS + p;
          px[i * 2] = 0.25 + 0.05 * p;
          px[i * 2 + 1] = 0.5;
          pvis[i] = p < 2 ? 1 : 0;
        }
      }
    }
    writeNpy(join(folder, 'gripper_px.npy'), 'float32', [T, 2, POINTS, 2], px);
    writeNpy(join(folder, 'gripper_vis.npy'), 'uint8', [T, 2, POINTS], pvis);
    // Boxes: only the red cube (object 0) and the plate (object 5) are visible.
    const boxes = new Float32Array(T * 2 * OBJECTS.length * 4);
    const bvis = new Uint8Array(T * 2 * OBJECTS.length);
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < 2; c++) {
        for (const o of [0, 5]) {
          const i = (t * 2 + c) * OBJECTS.length + o;
          boxes.set([0.5, 0.25, 0.75, 0.5], i * 4);
          bvis[i] = 1;
        }
      }
    }
    writeNpy(join(folder, 'boxes.npy'), 'float32', [T, 2, OBJECTS.length, 4], boxes);
    writeNpy(join(folder, 'box_vis.npy'), 'uint8', [T, 2, OBJECTS.length], bvis);
    writeNpy(join(folder, 'subtask.npy'), 'int32', [T], Int32Array.from({ length: T }, (_, t) => (t < T / 2 ? 0 : plan.length - 1)));
    writeNpy(join(folder, 'move.npy'), 'int32', [T], Int32Array.from({ length: T }, (_, t) => t % 3));
    FIXTURE_CAMERAS.forEach((cam, c) => {
      const px = new Uint8Array(T * cam.height * cam.width * 3);
      for (let t = 0; t < T; t++) {
        const rgb = frameColour(e, t, c);
        for (let i = 0; i < cam.height * cam.width; i++) px.set(rgb, (t * cam.height * cam.width + i) * 3);
      }
      writeNpy(join(folder, `${cam.name}.npy`), 'uint8', [T, cam.height, cam.width, 3], px);
    });
    const meta = { task: e % 2 ? 'goal/open_drawer' : 'object/red_to_bowl', suite: 'goal', seed: e, instruction: instructions[e], plan, success: true, steps: T, reason: null };
    writeFileSync(join(folder, 'meta.json'), JSON.stringify(meta, null, 1));
    out.push({ dir: name, instruction: instructions[e], plan, length: T, action, state });
  });

  const args: RunArguments = { suite: 'goal', episodes: lengths.length, seed: 0, randomize: false, action_noise: 0 };
  const done: LogEntry[] = out.map((ep, i) => ({
    index: i, task: 'goal/open_drawer', suite: 'goal', seed: i, instruction: ep.instruction, success: true, steps: ep.length, reason: null,
    completed: 1, goals: 1, wall_ms: 1, timing: { sim: 0, render: 0, policy: 0, record: 0 } as LogEntry['timing'], dirs: [ep.dir], frames: ep.length,
  }));
  const renderer: CardRenderer = { webgl: 'fixture', cameras: FIXTURE_CAMERAS };
  writeFileSync(join(dir, 'card.json'), cardText(buildCard(args, done, true, renderer)));
  writeFileSync(join(dir, 'episodes.jsonl'), done.map((d) => JSON.stringify(d) + '\n').join(''));
  return out;
}
