import { describe, expect, it } from 'vitest';
import { isPlaying, nextRunState, settled, type RunEvent, type RunState } from '../../../src/state/session/runState';

// The run state machine: every transition the app relies on, and the ones it must refuse.

const at = (step: number, status: 'running' | 'success' | 'failure' = 'running') => ({ step, status });

function walk(start: RunState, events: RunEvent[], live = at(3)): RunState[] {
  const out: RunState[] = [];
  let s = start;
  for (const e of events) out.push((s = nextRunState(s, e, live)));
  return out;
}

describe('run state', () => {
  it('boots, loads, runs, waits for approval, pauses and finishes', () => {
    expect(
      walk('booting', [
        { type: 'loaded' },
        { type: 'phase', phase: 'running' },
        { type: 'phase', phase: 'awaiting' },
        { type: 'phase', phase: 'running' },
        { type: 'phase', phase: 'idle' },
        { type: 'phase', phase: 'running' },
        { type: 'terminal' },
      ]),
    ).toEqual(['idle', 'running', 'awaiting', 'running', 'paused', 'running', 'done']);
  });

  it('a pause at step 0 is idle, later it is paused', () => {
    expect(nextRunState('running', { type: 'phase', phase: 'idle' }, at(0))).toBe('idle');
    expect(nextRunState('awaiting', { type: 'phase', phase: 'idle' }, at(4))).toBe('paused');
  });

  it('replaying returns to where the live episode rests', () => {
    expect(walk('paused', [{ type: 'scrub' }, { type: 'live' }])).toEqual(['replaying', 'paused']);
    expect(walk('done', [{ type: 'scrub' }, { type: 'live' }], at(40, 'success'))).toEqual(['replaying', 'done']);
    // A record arriving while a past step is on screen does not end the replay.
    expect(nextRunState('replaying', { type: 'terminal' }, at(40, 'success'))).toBe('replaying');
  });

  it('a fault sticks until the next load; loading ignores the loop', () => {
    expect(walk('running', [{ type: 'fault' }, { type: 'phase', phase: 'running' }, { type: 'terminal' }, { type: 'scrub' }])).toEqual(['faulted', 'faulted', 'faulted', 'faulted']);
    expect(walk('faulted', [{ type: 'load' }, { type: 'phase', phase: 'running' }, { type: 'loaded' }])).toEqual(['loading', 'loading', 'idle']);
  });

  it('playing is running or awaiting, nothing else', () => {
    const all: RunState[] = ['booting', 'loading', 'idle', 'running', 'awaiting', 'paused', 'replaying', 'done', 'faulted'];
    expect(all.filter(isPlaying)).toEqual(['running', 'awaiting']);
    expect(settled(null)).toBe('idle');
    expect(settled(at(7, 'failure'))).toBe('done');
  });
});
