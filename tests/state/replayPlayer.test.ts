import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEpisodeStore } from '../../src/state/episodeStore';
import { ReplayPlayer, useReplayStore } from '../../src/state/replayPlayer';
import type { StepRecord } from '../../src/workers/protocol';

// Playing a finished recording back: the cursor walks to the end at the chosen speed, nothing is dropped,
// and the player gives way to a person moving the cursor.

function host(n: number) {
  const records = Array.from({ length: n }, (_, step) => ({ step }) as unknown as StepRecord);
  const scrubbed: number[] = [];
  return {
    records,
    scrubbed,
    scrub(i: number) {
      scrubbed.push(i);
      useEpisodeStore.setState({ view: records[i], cursor: i === n - 1 ? null : i });
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  useEpisodeStore.setState({ speed: 1 });
});
afterEach(() => vi.useRealTimers());

describe('ReplayPlayer', () => {
  it('from the live end it starts at step 0 and walks to the end at 10 Hz × speed', () => {
    const h = host(6);
    const p = new ReplayPlayer(h);
    p.start(Infinity);
    expect(useReplayStore.getState().active).toBe(true);
    vi.advanceTimersByTime(250);
    expect(h.scrubbed).toEqual([0, 1, 2]);
    vi.advanceTimersByTime(1000);
    expect(h.scrubbed).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.active).toBe(false);
    expect(useReplayStore.getState().active).toBe(false);
    expect(h.records).toHaveLength(6);
  });

  it('from the cursor, faster at 4×', () => {
    useEpisodeStore.setState({ speed: 4 });
    const h = host(10);
    const p = new ReplayPlayer(h);
    p.start(6);
    vi.advanceTimersByTime(75);
    expect(h.scrubbed).toEqual([6, 7, 8, 9]);
    expect(p.active).toBe(false);
  });

  it('stops when someone else moves the cursor, and toggles', () => {
    const h = host(20);
    const p = new ReplayPlayer(h);
    p.toggle(2);
    vi.advanceTimersByTime(100);
    useEpisodeStore.setState({ view: h.records[15] });
    vi.advanceTimersByTime(500);
    expect(h.scrubbed).toEqual([2, 3]);
    expect(p.active).toBe(false);
    p.toggle(5);
    expect(p.active).toBe(true);
    p.toggle(5);
    expect(p.active).toBe(false);
  });
});
