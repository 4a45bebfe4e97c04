import { describe, expect, it } from 'vitest';
import { CHARTS, chartSeries } from '../../src/components/plots/chartSpecs';
import { formatMs, nearestRank, summarize } from '../../src/components/plots/latencyStats';
import { ACTION_LAYOUT, buildPlotData, CHUNK_AHEAD, CONFIDENCE_HEADS, GRIPPER_DIM } from '../../src/components/plots/plotData';
import type { ModelExtras } from '../../src/policy/modelDecision';
import type { PolicyDecision, StepRecord } from '../../src/workers/protocol';

// The arrays the plots draw, from hand-made records: what lines up with what, in which units, and the
// latency figures.

const action = (k: number): number[] => [0.001 * k, -0.002, 0, 0.01, 0, 0, k % 2 ? 1 : -1];

function decision(actions: number[][], model?: Partial<ModelExtras>): PolicyDecision {
  return {
    actions,
    path: actions.map(() => [0, 0, 0]),
    reasoning: {
      plan: [],
      subtaskIndex: 0,
      move: 'stop',
      gripper: { front: { points: [], visible: [] }, wrist: { points: [], visible: [] } },
      boxes: { front: [], wrist: [] },
      ...(model ? { confidence: { plan: 0.9, subtask: 0.8, move: 0.5 } } : {}),
    },
    source: model ? 'model' : 'expert',
    ...(model ? { extras: { model: { inferMs: 4, predictedAt: 0, offset: 0, backend: 'wasm', ...model } } } : {}),
  } as unknown as PolicyDecision;
}

/** k steps of a model at chunk:4 (predictions at 0 and 4, each an 8-row chunk), executed as planned. */
function modelEpisode(steps: number): StepRecord[] {
  const chunkAt = (p: number) => Array.from({ length: 8 }, (_, j) => action(p + j));
  const recs: StepRecord[] = [];
  for (let k = 0; k <= steps; k++) {
    const p = k - (k % 4);
    const offset = k - p;
    recs.push({
      step: k,
      action: k > 0 ? action(k - 1) : null,
      computeMs: k > 0 ? (offset === 0 ? 40 : 10) : 0,
      decision: decision(chunkAt(p).slice(offset), { predictedAt: p, offset, inferMs: 5 + p }),
    } as unknown as StepRecord);
  }
  return recs;
}

describe('buildPlotData', () => {
  it('puts the action executed from step k at x = k, in mm and degrees', () => {
    const recs = modelEpisode(6);
    const d = buildPlotData(recs, 6);
    expect(d.x).toEqual(Array.from({ length: 7 + CHUNK_AHEAD }, (_, i) => i));
    expect(d.lastStep).toBe(6);
    // Executed from 0..5 (record k+1's action); nothing yet from the live step 6.
    expect(d.executed[0].slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, null].map((k) => (k === null ? null : expect.closeTo(k, 9))));
    expect(d.executed[1][3]).toBeCloseTo(-2, 9);
    expect(d.executed[3][2]).toBeCloseTo(0.01 * (180 / Math.PI), 9);
    expect(d.executed[GRIPPER_DIM].slice(0, 3)).toEqual([-1, 1, -1]);
  });

  it("draws the chunk in force at the cursor from the cursor on (a chunk's remainder mid-chunk)", () => {
    const recs = modelEpisode(12);
    const at5 = buildPlotData(recs, 5);
    // Predicted at 4, offset 1: seven rows left, for steps 5..11.
    expect(at5.chunk[0].slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(at5.chunk[0].slice(5, 12).map((v) => Math.round(v!))).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(at5.chunk[0][12]).toBeNull();
    // Executed as planned: the chunk's first row is what ran from the cursor.
    expect(at5.chunk[0][5]).toBeCloseTo(at5.executed[0][5]!, 9);
    // At the live end it reaches past the newest step, which is why x does.
    const atEnd = buildPlotData(recs, 12);
    expect(atEnd.chunk[0].slice(12, 20).every((v) => v !== null)).toBe(true);
    expect(atEnd.x.length).toBe(13 + CHUNK_AHEAD);
  });

  it('takes the cursor as it comes (rounded, clamped)', () => {
    const recs = modelEpisode(4);
    expect(buildPlotData(recs, 99).viewStep).toBe(4);
    expect(buildPlotData(recs, -3).viewStep).toBe(0);
    expect(buildPlotData(recs, 1.6).viewStep).toBe(2);
  });

  it("records every reasoning head's confidence per step, and latency only where an inference ran", () => {
    const d = buildPlotData(modelEpisode(8), 0);
    expect(d.hasConfidence).toBe(true);
    for (const h of CONFIDENCE_HEADS) expect(d.confidence[h].slice(0, 9).every((v) => typeof v === 'number')).toBe(true);
    expect(d.inferMs.slice(0, 9)).toEqual([5, null, null, null, 9, null, null, null, 13]);
    expect(d.inference).toEqual({ n: 3, p50: 9, p95: 13, max: 13 });
    // Record 0 is not a timed step.
    expect(d.stepMs.slice(0, 5)).toEqual([null, 10, 10, 10, 40]);
    expect(d.step?.n).toBe(8);
  });

  it('the expert: actions and its chunk, no confidences, no inference', () => {
    const recs = [0, 1, 2].map((k) => ({ step: k, action: k ? action(k - 1) : null, computeMs: k ? 3 : 0, decision: decision([action(k), action(k + 1)]) }) as unknown as StepRecord);
    const d = buildPlotData(recs, 1);
    expect(d.hasConfidence).toBe(false);
    expect(d.inference).toBeNull();
    expect(d.chunk[0].slice(0, 4).map((v) => (v === null ? null : Math.round(v)))).toEqual([null, 1, 2, null]);
  });

  it('spans at least to another episode\'s last step, so two shown side by side share one x axis', () => {
    const recs = modelEpisode(5);
    const d = buildPlotData(recs, 3, CHUNK_AHEAD, 12);
    expect(d.x).toHaveLength(12 + 1 + CHUNK_AHEAD);
    expect(d.lastStep).toBe(recs.length - 1);
    expect(d.executed[0].slice(recs.length)).toEqual(new Array(d.x.length - recs.length).fill(null));
    // A shorter span than its own changes nothing.
    expect(buildPlotData(recs, 3, CHUNK_AHEAD, 2).x).toHaveLength(buildPlotData(recs, 3).x.length);
  });

  it('an empty recording plots nothing', () => {
    const d = buildPlotData([], 0);
    expect(d.x).toEqual([]);
    expect(d.inference).toBeNull();
  });
});

describe('charts', () => {
  it('one per action dimension, then confidence and latency, each fed arrays of x length', () => {
    expect(CHARTS.map((c) => c.key)).toEqual([...ACTION_LAYOUT.map((n) => `action-${n}`), 'confidence', 'latency']);
    const d = buildPlotData(modelEpisode(5), 2);
    for (const c of CHARTS) {
      const ys = chartSeries(c, d);
      expect(ys).toHaveLength(c.series.length);
      for (const y of ys) expect(y).toHaveLength(d.x.length);
    }
  });
});

describe('latency figures', () => {
  it('nearest rank: a value that was measured', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(xs, 0.5)).toBe(5);
    expect(nearestRank(xs, 0.95)).toBe(10);
    expect(nearestRank([7], 0.95)).toBe(7);
    expect(nearestRank([], 0.5)).toBeNaN();
  });
  it('summarize skips gaps and non-finite values', () => {
    expect(summarize([null, 3, undefined, 1, NaN, 2])).toEqual({ n: 3, p50: 2, p95: 3, max: 3 });
    expect(summarize([null])).toBeNull();
    const many = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(many)).toMatchObject({ p50: 50, p95: 95 });
  });
  it('formats for reading', () => {
    expect([formatMs(4.12), formatMs(12.4), formatMs(1530)]).toEqual(['4.1 ms', '12 ms', '1.5 s']);
  });
});
