// Smooth 60 fps motion from 10 Hz sim updates: each new pose frame is approached from whatever was on
// screen when it arrived, over one control period. Positions are lerped, quaternions nlerped on the short
// arc (steps are small, so nlerp is indistinguishable from slerp). Everything here lives outside React.

export class PoseInterpolator {
  private from: Float32Array | null = null;
  private to: Float32Array | null = null;
  private out: Float32Array | null = null;
  private t0 = 0;
  private duration = 100;

  /** Jump to `bodies` at once (scrubbing, reset). */
  snap(bodies: Float32Array): void {
    this.to = bodies;
    this.from = null;
    this.out = new Float32Array(bodies.length);
    this.out.set(bodies);
  }

  /** Move towards `bodies` over `durationMs`, starting from the pose shown right now. */
  push(bodies: Float32Array, now: number, durationMs: number): void {
    if (!this.out || this.out.length !== bodies.length) {
      this.snap(bodies);
      return;
    }
    this.from = Float32Array.from(this.out);
    this.to = bodies;
    this.t0 = now;
    this.duration = Math.max(1, durationMs);
  }

  /** True while a transition is under way (the view must keep redrawing). */
  get animating(): boolean {
    return this.from !== null;
  }

  /** The pose to draw at time `now`, or null before the first frame. */
  sample(now: number): Float32Array | null {
    const { from, to, out } = this;
    if (!to || !out) return null;
    if (!from) return out;
    const a = Math.min(1, Math.max(0, (now - this.t0) / this.duration));
    const n = to.length / 7;
    for (let b = 0; b < n; b++) {
      const o = 7 * b;
      for (let i = 0; i < 3; i++) out[o + i] = from[o + i] + a * (to[o + i] - from[o + i]);
      let dot = 0;
      for (let i = 3; i < 7; i++) dot += from[o + i] * to[o + i];
      const sign = dot < 0 ? -1 : 1;
      let len = 0;
      for (let i = 3; i < 7; i++) {
        const v = from[o + i] + a * (sign * to[o + i] - from[o + i]);
        out[o + i] = v;
        len += v * v;
      }
      len = Math.sqrt(len) || 1;
      for (let i = 3; i < 7; i++) out[o + i] /= len;
    }
    if (a >= 1) this.from = null;
    return out;
  }
}
