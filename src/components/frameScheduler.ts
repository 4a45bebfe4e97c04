import type { CameraImages } from '../engine/types';
import type { StepRecord } from '../workers/protocol';

// Camera pixels for the step on screen from a sim worker that renders on request (CameraViews.tsx for the
// main view, compare/CompareCameras.tsx for the compared episode): one request in flight at a time, only
// the step still wanted is drawn when its pixels arrive, and then the newest wanted step is asked, so
// scrubbing fast never queues a backlog in the worker (which, for the main view, also runs the control loop).

export interface FrameSchedulerOptions {
  images(rec: StepRecord): Promise<CameraImages | null>;
  draw(rec: StepRecord, images: CameraImages): void;
  /** Whether the step still wanted could be rendered (its pixels came back null: it could not). */
  rendered?(rec: StepRecord, ok: boolean): void;
  /** The least time between two requests now: the main view asks at most once a second while running. */
  gapMs?(): number;
}

export class FrameScheduler {
  private asking = false;
  private askedAt = -Infinity;
  private wanted: StepRecord | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly o: FrameSchedulerOptions) {}

  /** Show `rec` now if its pixels are stored, else when the worker has rendered it (if still wanted then). */
  show(rec: StepRecord): void {
    if (this.stopped) return;
    this.wanted = rec;
    if (rec.images) return this.o.draw(rec, rec.images);
    if (this.asking) return;
    const now = performance.now();
    const wait = this.askedAt + (this.o.gapMs?.() ?? 0) - now;
    if (wait > 0) {
      // Come back for the step wanted then: it may be the last one before a pause.
      this.retry ??= setTimeout(() => {
        this.retry = null;
        if (this.wanted) this.show(this.wanted);
      }, wait);
      return;
    }
    this.asking = true;
    this.askedAt = now;
    void this.o.images(rec).then((images) => {
      this.asking = false;
      const next = this.wanted;
      if (this.stopped || !next) return;
      if (next !== rec) {
        // The cursor moved on while this one rendered: the step wanted now (stored pixels are drawn already).
        if (!next.images) this.show(next);
        return;
      }
      if (images) this.o.draw(rec, images);
      this.o.rendered?.(rec, images !== null);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
  }
}
