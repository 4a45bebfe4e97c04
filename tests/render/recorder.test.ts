import { describe, expect, it } from 'vitest';
import { EpisodeRecorder, executedAction } from '../../src/runner/recorder';
import { CAMERAS, FUTURE_POINTS, FUTURE_STRIDE, MOVES, OBJECTS } from '../../src/sim/vocab';

// A camera 1 m above the origin looking straight down (its z axis is world +z, so it views along -z).
const topDown = Float32Array.from([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
const cams = CAMERAS.map((name) => ({ name, width: 4, height: 4, fovy: 90 }));

function step(t: number, x: number) {
  return {
    images: { front: new Uint8Array(48).fill(t), wrist: new Uint8Array(48).fill(100 + t) },
    proprio: new Float32Array(13).fill(t),
    action: [0.5, -0.5, 0.01, 1, -1, 0.1, 3],
    tcp: [x, 0, 0] as [number, number, number],
    cameras: Float32Array.from([...topDown, ...topDown]),
    boxes: { front: [{ object: 'plate' as const, box: [0.1, 0.2, 0.3, 0.4] as [number, number, number, number] }], wrist: [] },
    goal: 0,
    subtask: t > 2 ? 1 : 0,
    move: 'move left' as const,
  };
}

describe('EpisodeRecorder', () => {
  it('lays out the arrays of docs/dataset.md with future points from the recorded trajectory', () => {
    const rec = new EpisodeRecorder(cams);
    const T = 5;
    // TCP moves 0.1 m along world x per step; with a 90-degree fov 1 m away, u = 0.5 + x / 2.
    for (let t = 0; t < T; t++) rec.add(step(t, 0.1 * t));
    const a = rec.finish();
    expect(a.front.shape).toEqual([T, 4, 4, 3]);
    expect(a.front.data[48]).toBe(1);
    expect(a.wrist.data[0]).toBe(100);
    expect(a.proprio.shape).toEqual([T, 13]);
    expect(a.action.shape).toEqual([T, 7]);
    // The controller clamps actions; the recorded label is what it executed.
    expect(Array.from(a.action.data.subarray(0, 7))).toEqual(Array.from(executedAction([0.5, -0.5, 0.01, 1, -1, 0.1, 3])));
    expect(Array.from(a.action.data.subarray(0, 7)).map((v) => +v.toFixed(3))).toEqual([0.02, -0.02, 0.01, 0.15, -0.15, 0.1, 1]);
    const P = 1 + FUTURE_POINTS;
    expect(a.gripper_px.shape).toEqual([T, 2, P, 2]);
    const px = a.gripper_px.data as Float32Array;
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < P; j++) {
        const k = Math.min(t + j * FUTURE_STRIDE, T - 1);
        const i = (t * 2 + 0) * P + j;
        expect(px[2 * i]).toBeCloseTo(0.5 + (0.1 * k) / 2, 5);
        expect(px[2 * i + 1]).toBeCloseTo(0.5, 5);
      }
    }
    expect(Array.from(a.gripper_vis.data)).toEqual(new Array(T * 2 * P).fill(1));
    const O = OBJECTS.length;
    expect(a.boxes.shape).toEqual([T, 2, O, 4]);
    const plate = OBJECTS.indexOf('plate');
    expect(Array.from(a.boxes.data.subarray(4 * plate, 4 * plate + 4)).map((v) => +v.toFixed(3))).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(a.box_vis.data[plate]).toBe(1);
    expect(a.box_vis.data[O + plate]).toBe(0); // wrist camera: no box
    expect(Array.from(a.subtask.data)).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(a.move.data)).toEqual(new Array(T).fill(MOVES.indexOf('move left')));
  });

  it('marks points behind the camera as not visible', () => {
    const rec = new EpisodeRecorder(cams);
    const s = step(0, 0);
    rec.add({ ...s, tcp: [0, 0, 2] });
    expect(rec.finish().gripper_vis.data[0]).toBe(0);
  });
});
