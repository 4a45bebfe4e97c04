// Main-thread frame timing from requestAnimationFrame deltas: the figure a person feels as smoothness.
// A ring buffer of the last N frame intervals; percentiles on demand. Read by the HUD, e2e and bench.

const N = 600;

export class FrameStats {
  private readonly deltas = new Float64Array(N);
  private count = 0;
  private last = 0;
  private running = false;
  private handle = 0;

  start(): void {
    if (this.running || typeof requestAnimationFrame === 'undefined') return;
    this.running = true;
    const tick = (t: number) => {
      if (!this.running) return;
      if (this.last > 0) this.deltas[this.count++ % N] = t - this.last;
      this.last = t;
      this.handle = requestAnimationFrame(tick);
    };
    this.handle = requestAnimationFrame(tick);
  }

  stop(): void {
    this.running = false;
    cancelAnimationFrame(this.handle);
  }

  reset(): void {
    this.count = 0;
    this.last = 0;
  }

  /** Frame-time percentiles (ms) and mean fps over the recorded window. */
  summary(): { frames: number; p50: number; p95: number; fps: number } {
    const n = Math.min(this.count, N);
    if (n === 0) return { frames: 0, p50: 0, p95: 0, fps: 0 };
    const xs = Array.from(this.deltas.subarray(0, n)).sort((a, b) => a - b);
    const pct = (p: number) => xs[Math.min(n - 1, Math.floor(p * n))];
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    return { frames: n, p50: pct(0.5), p95: pct(0.95), fps: 1000 / mean };
  }

  /** Frames per second over the most recent `k` frames. */
  recentFps(k = 30): number {
    const n = Math.min(this.count, N, k);
    if (n === 0) return 0;
    let s = 0;
    for (let i = 1; i <= n; i++) s += this.deltas[(this.count - i) % N];
    return (1000 * n) / s;
  }
}

export const frameStats = new FrameStats();
