import { describe, expect, it } from 'vitest';
import { RealtimeMeter, realtimeText, SlowIndicator } from '../../src/state/realtimeMeter';

// The loop's real rate from step arrival times, and the indicator's hysteresis, on a simulated clock.

/** Feed steps arriving every `interval` ms from `t0` for `ms`; returns the time and step reached. */
function feed(m: RealtimeMeter, t0: number, step0: number, interval: number, ms: number): { t: number; step: number } {
  let t = t0;
  let step = step0;
  while (t + interval <= t0 + ms) {
    t += interval;
    step += 1;
    m.observe(step, t);
  }
  return { t, step };
}

describe('RealtimeMeter', () => {
  it('measures steady rates exactly, whatever the window holds', () => {
    for (const interval of [25, 100, 400, 1000]) {
      const m = new RealtimeMeter();
      m.reset(0, 0);
      const end = feed(m, 0, 0, interval, 8000);
      expect(m.rate(end.t)).toBeCloseTo(1000 / interval, 6);
      // Between two arrivals the estimate holds still (no saw-tooth from the wait for the next step).
      expect(m.rate(end.t + interval * 0.9)).toBeCloseTo(1000 / interval, 6);
    }
  });

  it('a chunked model: three quick steps and one slow inference average out', () => {
    const m = new RealtimeMeter({ windowMs: 4000 });
    m.reset(0, 0);
    let t = 0;
    for (let k = 1; k <= 40; k++) {
      t += k % 4 === 0 ? 400 : 100;
      m.observe(k, t);
    }
    // The window is not a whole number of 700 ms cycles: within a few percent of 4 steps per 700 ms.
    expect(Math.abs(m.rate(t)! / (1000 / 175) - 1)).toBeLessThan(0.05);
  });

  it('knows nothing before it settles, and sees a stall grow', () => {
    const m = new RealtimeMeter({ settleMs: 1000 });
    m.reset(5, 0);
    expect(m.rate(500)).toBeNull();
    expect(m.rate(2000)).toBeCloseTo(0.5, 6); // no step at all in 2 s
    // Once the stall has left the 3 s window, the rate is the steps' own.
    const end = feed(m, 2000, 5, 100, 4000);
    expect(m.rate(end.t)).toBeCloseTo(10, 6);
    // Then nothing for 3 s: the overdue step pulls the rate down.
    expect(m.rate(end.t + 3000)!).toBeLessThan(5);
  });

  it('a step backwards (a new episode) starts over', () => {
    const m = new RealtimeMeter();
    m.reset(0, 0);
    feed(m, 0, 0, 100, 3000);
    m.observe(0, 3100);
    expect(m.rate(3200)).toBeNull();
  });
});

describe('SlowIndicator', () => {
  it('shows after the ratio stays low for the dwell time, hides after it stays high', () => {
    const s = new SlowIndicator(0.9, 0.97, 1000);
    expect(s.update(0.5, 0)).toBe(false);
    expect(s.update(0.5, 500)).toBe(false);
    expect(s.update(0.5, 1000)).toBe(true);
    // Between the thresholds nothing changes.
    expect(s.update(0.93, 1500)).toBe(true);
    expect(s.update(0.99, 2000)).toBe(true);
    expect(s.update(0.99, 3000)).toBe(false);
  });

  it('does not flicker around the threshold or for one slow step', () => {
    const s = new SlowIndicator(0.9, 0.97, 1000);
    let shown = false;
    for (let t = 0; t < 10_000; t += 250) {
      const ratio = t % 500 === 0 ? 0.85 : 0.95;
      shown = s.update(ratio, t) || shown;
    }
    expect(shown).toBe(false);
  });

  it('a verdict after a main-thread stall longer than the dwell has dwelt already', () => {
    const s = new SlowIndicator(0.9, 0.97, 1000);
    expect(s.update(null, 0)).toBe(false);
    // Verdicts every 500 ms wait for the dwell...
    expect(s.update(0.5, 500)).toBe(false);
    expect(s.update(0.5, 1000)).toBe(false);
    expect(s.update(0.5, 1500)).toBe(true);
    // ...one taken 4 s after the previous (the page was stalled) does not.
    expect(s.update(1, 5500)).toBe(false);
    expect(s.update(0.3, 9500)).toBe(true);
    // A gap of exactly the dwell is an ordinary wait.
    expect(s.update(1, 10_500)).toBe(true);
    expect(s.update(1, 11_500)).toBe(false);
  });

  it('hides at once when the loop stops (null)', () => {
    const s = new SlowIndicator(0.9, 0.97, 0);
    s.update(0.2, 0);
    expect(s.update(0.2, 1)).toBe(true);
    expect(s.update(null, 2)).toBe(false);
  });
});

it('says how fast against real time', () => {
  expect(realtimeText(4, 10)).toBe('0.4× real time');
  expect(realtimeText(12.5, 10)).toBe('1.3× real time');
  expect(realtimeText(0.5, 10)).toBe('0.05× real time');
});
