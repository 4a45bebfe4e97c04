import type { StepRecord } from '../../workers/protocol';

// One cursor for both panes: the compared episode shows its record at the main view's step number, or its
// last record when it ended earlier. Records are indexed by step (record k is the state after k steps).

export interface SharedStep<R> {
  /** The record the pane shows. */
  record: R;
  /** The shared cursor is past this episode's end: it shows its last record. */
  ended: boolean;
}

export function sharedStep<R extends Pick<StepRecord, 'step'>>(records: readonly R[], cursor: number): SharedStep<R> | null {
  const last = records.length - 1;
  if (last < 0) return null;
  const k = Math.max(0, Math.min(last, Math.round(cursor)));
  return { record: records[k], ended: cursor > last };
}
