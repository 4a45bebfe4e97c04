import { describe, expect, it, vi } from 'vitest';
import { FrameScheduler } from '../../src/components/frameScheduler';
import type { CameraImages } from '../../src/engine/types';
import type { StepRecord } from '../../src/workers/protocol';

// The camera views' draw scheduler (main view and compare pane): one render in flight, only the step still
// wanted is drawn, then the newest wanted step is asked; stored pixels are drawn at once.

const rec = (step: number, images: CameraImages | null = null) => ({ step, images }) as unknown as StepRecord;
const img = (): CameraImages => ({ front: new Uint8Array(4), wrist: new Uint8Array(4) }) as unknown as CameraImages;

function setup(gapMs?: () => number) {
  const pending: Array<{ rec: StepRecord; answer: (i: CameraImages | null) => void }> = [];
  const drawn: number[] = [];
  const rendered: Array<[number, boolean]> = [];
  const s = new FrameScheduler({
    images: (r) => new Promise((answer) => pending.push({ rec: r, answer })),
    draw: (r) => drawn.push(r.step),
    rendered: (r, ok) => rendered.push([r.step, ok]),
    gapMs,
  });
  return { s, pending, drawn, rendered };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('FrameScheduler', () => {
  it('keeps one request in flight and draws only the step still wanted, then asks for it', async () => {
    const { s, pending, drawn, rendered } = setup();
    s.show(rec(1));
    s.show(rec(2));
    s.show(rec(3));
    expect(pending.map((p) => p.rec.step)).toEqual([1]);
    pending[0].answer(img());
    await flush();
    expect(drawn).toEqual([]);
    expect(pending.map((p) => p.rec.step)).toEqual([1, 3]);
    pending[1].answer(img());
    await flush();
    expect(drawn).toEqual([3]);
    expect(rendered).toEqual([[3, true]]);
  });

  it('draws stored pixels at once, and says when a wanted step could not be rendered', async () => {
    const { s, pending, drawn, rendered } = setup();
    s.show(rec(1));
    s.show(rec(2, img()));
    expect(drawn).toEqual([2]);
    pending[0].answer(img());
    await flush();
    expect(pending.length).toBe(1);
    s.show(rec(4));
    pending[1].answer(null);
    await flush();
    expect(drawn).toEqual([2]);
    expect(rendered).toEqual([[4, false]]);
  });

  it('spaces requests by the gap asked for, coming back for the step wanted then; stop ends it', async () => {
    vi.useFakeTimers();
    try {
      const { s, pending } = setup(() => 1000);
      s.show(rec(1));
      pending[0].answer(img());
      await vi.advanceTimersByTimeAsync(0);
      s.show(rec(2));
      s.show(rec(3));
      expect(pending.length).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(pending.map((p) => p.rec.step)).toEqual([1, 3]);
      s.stop();
      s.show(rec(5));
      await vi.advanceTimersByTimeAsync(2000);
      expect(pending.length).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
