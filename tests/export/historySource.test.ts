import { describe, expect, it } from 'vitest';
import type { CameraImages } from '../../src/engine/types';
import { LeRobotBuilder } from '../../src/export/lerobot/builder';
import { H264_VIDEO } from '../../src/export/lerobot/info';
import { episodeBuffers, frameCount, HISTORY_DATASET, historyEpisode } from '../../src/export/lerobot/historySource';
import { episodeReasoning } from '../../src/export/lerobot/reasoning';
import type { Subtask } from '../../src/sim/tasks';
import type { StepRecord } from '../../src/workers/protocol';

// The app's stored episodes as the LeRobot export's source (src/export/lerobot/historySource.ts): frame t
// is record t with the action executed from it, labelled by record t's decision.

const plan = (...s: Array<[Subtask['verb'], Subtask['object']]>): Subtask[] => s.map(([verb, object]) => ({ verb, object }));
const PICK_PLACE = plan(['pick', 'red_cube'], ['place_in', 'blue_bowl']);
const PRESS = plan(['press', 'button']);

function record(step: number, p: Subtask[] | null, action: number[] | null): StepRecord {
  return {
    step,
    frame: { bodies: new Float32Array(70), cameras: new Float32Array(24) },
    tcp: [0, 0, 0.3],
    gripperWidth: 0.04,
    proprio: Float32Array.from({ length: 13 }, (_, i) => step * 100 + i),
    outcome: { status: 'running', reason: null, step, goalIndex: 0, completed: 0 },
    decision: p && {
      source: 'expert',
      actions: [],
      path: [],
      reasoning: {
        plan: p,
        subtaskIndex: step % p.length,
        move: 'move left',
        gripper: {
          front: { points: [[0.5, 0.25], [0.25, 0.5], [2, 2], [0, 0], [0, 0]], visible: [true, true, false, true, true] },
          wrist: { points: [[0.1, 0.1]], visible: [true] },
        },
        boxes: { front: [{ object: 'button', box: [0.25, 0.25, 0.5, 0.5] }], wrist: [] },
      },
    },
    expert: null,
    action,
    perturbed: false,
    computeMs: 1,
    images: null,
  };
}

const image = (t: number): CameraImages => ({ front: new Uint8Array(64 * 64 * 3).fill(t), wrist: new Uint8Array(64 * 64 * 3).fill(100 + t) });

describe('historyEpisode', () => {
  const records = [record(0, PICK_PLACE, null), record(1, PICK_PLACE, [0.01, 0, 0, 0, 0, 0, -1]), record(2, PRESS, [0.5, -0.5, 0, 0.1, 0, -1, 1]), record(3, null, [0, 0, 0.01, 0, 0, 0, 1])];
  const images = [0, 1, 2].map(image);
  const ep = historyEpisode({ name: 'ep', instruction: 'put the red cube in the blue bowl' }, records, images);

  it('pairs each state with the action executed from it; the final state is no frame', () => {
    expect(frameCount(records)).toBe(3);
    expect(ep.length).toBe(3);
    expect(Array.from(ep.state.subarray(13, 26))).toEqual(Array.from(records[1].proprio));
    expect(Array.from(ep.action.subarray(0, 7))).toEqual(Array.from(Float32Array.from(records[1].action!)));
    // Clipped as the controller executes it (contract action.clip), as datagen records it.
    expect(Array.from(ep.action.subarray(7, 14))).toEqual(Array.from(Float32Array.from([0.02, -0.02, 0, 0.1, 0, -0.15, 1])));
    expect(ep.pixels.front[64 * 64 * 3 * 2]).toBe(2);
    expect(ep.pixels.wrist[0]).toBe(100);
  });

  it('labels each frame with its own decision: the plan in force, subtask, move, front-camera points and boxes', () => {
    const text = episodeReasoning(HISTORY_DATASET, ep);
    expect(text[0]).toBe(
      [
        'TASK: put the red cube in the blue bowl',
        'PLAN: 1. pick up the red cube 2. place it in the blue bowl',
        'VISIBLE OBJECTS: button [16, 16, 32, 32]',
        'SUBTASK: pick up the red cube',
        'MOVE: move left',
        'GRIPPER POSITION: [[32, 16], [16, 32]]',
      ].join('\n'),
    );
    expect(text[1]).toContain('SUBTASK: place it in the blue bowl');
    // A correction changed the plan: that frame follows the new one.
    expect(text[2]).toContain('PLAN: 1. press the button\n');
    expect(text[2]).toContain('SUBTASK: press the button');
  });

  it('builds a dataset with the shared builder, and hands its arrays over whole', () => {
    const b = new LeRobotBuilder(HISTORY_DATASET, { robotType: null, chunksSize: 1000, dataFilesSizeMb: 100, videoFilesSizeMb: 200, video: H264_VIDEO });
    b.addEpisode(ep);
    const seg = { slot: { chunk: 0, file: 0 }, fromTimestamp: 0, toTimestamp: 0.3 };
    const { info } = b.finish({ 'observation.images.front': [seg], 'observation.images.wrist': [seg] });
    expect(info).toMatchObject({ total_frames: 3, fps: 10 });
    expect(info.features['observation.state'].names).toHaveLength(13);
    expect(episodeBuffers(ep).length).toBe(11);
  });

  it('says what is missing: no action executed, too few images', () => {
    expect(() => historyEpisode({ name: 'x', instruction: 'i' }, [records[0]], [])).toThrow('no action was executed');
    expect(() => historyEpisode({ name: 'x', instruction: 'i' }, records, images.slice(0, 2))).toThrow('camera images for 2 of 3 frames');
  });
});
