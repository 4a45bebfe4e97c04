// How fast the control loop really runs, measured where a person sees it (records arriving on the main
// thread), against the rate the chosen speed asks for (10 Hz x speed). A slow policy, camera rendering on a
// software rasteriser or a busy machine all show up here. Pure and clock-free (times are passed in).

export interface MeterOptions {
  /** Steps are averaged over this much recent time. */
  windowMs?: number;
  /** Nothing is judged before the loop has run this long since the last reset. */
  settleMs?: number;
}

export class RealtimeMeter {
  private readonly windowMs: number;
  private readonly settleMs: number;
  /** Arrivals of new steps (the first is the step the meter was reset at). */
  private samples: Array<{ t: number; step: number }> = [];
  private resetAt = 0;

  constructor(opts: MeterOptions = {}) {
    this.windowMs = opts.windowMs ?? 3000;
    this.settleMs = opts.settleMs ?? 1000;
  }

  /** Start measuring afresh: the loop (re)started at `step`, or the speed changed. */
  reset(step: number, now: number): void {
    this.samples = [{ t: now, step }];
    this.resetAt = now;
  }

  get started(): boolean {
    return this.samples.length > 0;
  }

  /** The live step is now `step` (only advances count). */
  observe(step: number, now: number): void {
    const last = this.samples[this.samples.length - 1];
    if (!last) return;
    if (step < last.step) {
      this.reset(step, now);
      return;
    }
    if (step === last.step) return;
    this.samples.push({ t: now, step });
    // Keep one sample at or before the window's start, so the span covers the whole window.
    while (this.samples.length > 2 && this.samples[1].t <= now - this.windowMs) this.samples.shift();
  }

  /** Control steps per wall-clock second, or null while too little is known. */
  rate(now: number): number | null {
    const n = this.samples.length;
    if (n === 0 || now - this.resetAt < this.settleMs) return null;
    // From the newest sample at or before the window's start: a stall longer than the window leaves one.
    let i = 0;
    while (i < n - 1 && this.samples[i + 1].t <= now - this.windowMs) i++;
    const first = this.samples[i];
    const last = this.samples[n - 1];
    const steps = last.step - first.step;
    const span = last.t - first.t;
    const gap = now - last.t;
    // No step in the window: at most one step in all that time.
    if (steps === 0) return 1000 / Math.max(gap, 1);
    const mean = span / steps;
    // A step overdue by far (a stall, a long inference) counts as if it landed now; a normal wait does not.
    const interval = gap > 2 * mean ? (span + gap) / (steps + 1) : mean;
    return 1000 / Math.max(interval, 1e-3);
  }
}

/**
 * Shown when the measured/asked ratio stays below `enter` for `dwellMs`, hidden when it stays at or above
 * `exit` for `dwellMs`: a loop hovering at the threshold, or one slow inference, does not make it flicker.
 * The verdicts are taken on the main thread, which a busy machine stalls for seconds (software WebGL):
 * a verdict reached after a gap of more than `dwellMs` since the previous one is a ratio averaged over all
 * that time, so it has dwelt already and changes the indicator at once. Otherwise a loop slowed by stalls
 * would wait two stalls to be reported.
 */
export class SlowIndicator {
  shown = false;
  private since: number | null = null;
  private lastUpdate: number | null = null;

  constructor(
    private readonly enter = 0.9,
    private readonly exit = 0.97,
    private readonly dwellMs = 1000,
  ) {}

  /** `ratio` = measured rate / chosen rate; null (not running, not known) hides it at once. */
  update(ratio: number | null, now: number): boolean {
    const gap = this.lastUpdate === null ? 0 : now - this.lastUpdate;
    this.lastUpdate = now;
    if (ratio === null) {
      this.shown = false;
      this.since = null;
      return false;
    }
    const wantsChange = this.shown ? ratio >= this.exit : ratio < this.enter;
    if (!wantsChange) this.since = null;
    else if (this.since === null && gap <= this.dwellMs) this.since = now;
    else if (this.since === null || now - this.since >= this.dwellMs) {
      this.shown = !this.shown;
      this.since = null;
    }
    return this.shown;
  }
}

/** "0.4× real time" (one decimal below 10, none above). */
export function realtimeText(stepsPerSecond: number, controlHz: number): string {
  const x = stepsPerSecond / controlHz;
  return `${x >= 10 ? x.toFixed(0) : x < 0.1 ? x.toFixed(2) : x.toFixed(1)}× real time`;
}
