import { create } from 'zustand';
import type { HistorySummary, ImagesKept } from './historyEntry';

// What the history panel shows. The records themselves stay in IndexedDB until an episode is opened.

export interface HistoryState {
  /** null while the database opens; false when the browser refuses IndexedDB (private mode, a policy). */
  available: boolean | null;
  unavailableReason: string | null;
  /** Newest first. */
  entries: HistorySummary[];
  /** The stored episode on screen (opened from the list), until the next load. */
  openedId: string | null;
  openedImages: ImagesKept | null;
  /** The last episode the bounds pushed out, said in words until the next eviction or a dismissal. */
  evicted: string | null;
  /** An open or delete in flight. */
  busy: boolean;
}

export const useHistoryStore = create<HistoryState>(() => ({
  available: null,
  unavailableReason: null,
  entries: [],
  openedId: null,
  openedImages: null,
  evicted: null,
  busy: false,
}));
