import { modelExtras } from '../../policy/modelDecision';
import type { StepRecord } from '../../workers/protocol';
import { isTerminal } from '../../workers/protocol';
import { dispatchRun, useEpisodeStore } from '../episodeStore';
import { usePolicyStore } from '../policyStore';
import { PoseInterpolator } from '../poseInterpolator';

// The episode as recorded on the main thread: every step's record (index = step), the timeline cursor and
// the interpolated poses the 3D view draws between records. Records arrive from the sim worker; a record
// for a step already held replaces it (the first prediction arrives after the bare initial state).

const set = useEpisodeStore.setState;
const get = useEpisodeStore.getState;

export class Recording {
  readonly records: StepRecord[] = [];
  readonly interp = new PoseInterpolator();
  private lastArrival = 0;
  private arrivalInterval = 100;
  private listeners = new Set<() => void>();
  /** Told before a new episode replaces the records, and after it started (the episode history). */
  onDiscard: ((records: readonly StepRecord[]) => void) | null = null;
  onStart: (() => void) | null = null;

  /** A new episode (or a branch) starting at `first`. */
  start(first: StepRecord): void {
    if (this.records.length > 0) this.onDiscard?.(this.records.slice());
    this.records.length = 0;
    this.records[first.step] = first;
    // A branch keeps the records before it (the caller truncated them); a new episode starts at 0.
    this.interp.snap(first.frame.bodies);
    this.lastArrival = 0;
    set({ live: first, view: first, cursor: null, recordCount: first.step + 1 });
    this.onStart?.();
    this.notify();
  }

  /** A stored episode's records, shown as a finished episode (the simulator holds its first state). */
  restore(records: readonly StepRecord[]): void {
    const last = records[records.length - 1];
    if (!last) return;
    this.records.length = 0;
    for (const r of records) this.records.push(r);
    this.interp.snap(last.frame.bodies);
    this.lastArrival = 0;
    set({ live: last, view: last, cursor: null, recordCount: records.length });
    dispatchRun({ type: 'terminal' });
    this.notify();
  }

  /** Keep steps 0..k and continue from `r` (its record at step k). */
  branch(k: number, r: StepRecord): void {
    this.records.length = k + 1;
    this.records[k] = r;
    this.interp.snap(r.frame.bodies);
    this.lastArrival = 0;
    set({ live: r, view: r, cursor: null, recordCount: k + 1 });
    this.notify();
  }

  add(r: StepRecord): void {
    if (r.step > this.records.length) return;
    this.records[r.step] = r;
    this.records.length = r.step + 1;
    const now = performance.now();
    if (this.lastArrival > 0) this.arrivalInterval = 0.7 * this.arrivalInterval + 0.3 * Math.min(400, now - this.lastArrival);
    this.lastArrival = now;
    const following = get().cursor === null;
    if (following) this.interp.push(r.frame.bodies, now, Math.min(250, this.arrivalInterval));
    set({ live: r, recordCount: this.records.length, ...(following ? { view: r } : {}) });
    const m = modelExtras(r.decision);
    if (m && m.offset === 0) usePolicyStore.setState({ lastInferMs: m.inferMs });
    if (isTerminal(r.outcome.status)) dispatchRun({ type: 'terminal' });
    this.notify();
  }

  /** Show recorded step `i` exactly as it was (the caller pauses a running episode first). */
  scrub(i: number): void {
    const n = this.records.length;
    if (n === 0) return;
    const k = Math.max(0, Math.min(n - 1, Math.round(i)));
    const r = this.records[k];
    this.interp.snap(r.frame.bodies);
    const live = k === n - 1;
    set({ cursor: live ? null : k, view: r });
    dispatchRun({ type: live ? 'live' : 'scrub' });
    this.notify();
  }

  goLive(): void {
    const live = this.records[this.records.length - 1];
    if (!live || get().cursor === null) return;
    this.interp.snap(live.frame.bodies);
    set({ cursor: null, view: live });
    dispatchRun({ type: 'live' });
    this.notify();
  }

  get live(): StepRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** Called whenever records or the viewed step change (for non-React consumers such as canvases). */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(): void {
    for (const fn of this.listeners) fn();
  }
}
