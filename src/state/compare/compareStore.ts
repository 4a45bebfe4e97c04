import { create } from 'zustand';
import type { StepRecord } from '../../workers/protocol';
import type { HistorySummary } from '../history/historyEntry';
import type { StoredEpisodeRenderer } from '../history/storedEpisodeRenderer';

// What the compare pane shows: one stored episode beside the episode on screen. The cursor is not here:
// the pane shows the main view's step (src/state/compare/sharedCursor.ts), so the two can never disagree.

export type CompareStatus = 'closed' | 'loading' | 'ready' | 'error';

export interface CompareState {
  status: CompareStatus;
  /** The history entry asked for (kept while it loads, and when it failed, to say which one). */
  id: string | null;
  entry: HistorySummary | null;
  records: readonly StepRecord[] | null;
  /** Why the episode cannot be shown (gone from the history, the database unreadable). */
  error: string | null;
  /** The episode's own simulator for its camera views; null while it starts, or when it failed. */
  renderer: StoredEpisodeRenderer | null;
  /** Why its camera views cannot be rendered (the 3D view and the plots need only the records). */
  cameraError: string | null;
}

export const CLOSED: CompareState = {
  status: 'closed',
  id: null,
  entry: null,
  records: null,
  error: null,
  renderer: null,
  cameraError: null,
};

export const useCompareStore = create<CompareState>(() => ({ ...CLOSED }));
