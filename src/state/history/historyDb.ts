import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { StepRecord } from '../../workers/protocol';
import { DEFAULT_BUDGET, planEviction, type HistoryBudget } from './evictionPlan';
import { estimateBytes, summaryOf, withoutImages, type HistoryEntry, type HistorySummary } from './historyEntry';

// The episode history in IndexedDB. Summaries and records live in two object stores so that the list reads
// only the summaries; a save writes both and removes what it evicts in one transaction, so a reload never
// finds records without a summary or the other way round.

interface HistorySchema extends DBSchema {
  summaries: { key: string; value: HistorySummary };
  records: { key: string; value: { id: string; records: StepRecord[] } };
}

export const HISTORY_DB_NAME = 'vla-episode-history';

export type SaveResult =
  | { saved: HistorySummary; evicted: HistorySummary[] }
  /** The episode alone is larger than the budget, even without its camera pixels. */
  | { saved: null; evicted: []; tooLarge: number };

export class HistoryDb {
  private constructor(
    private readonly db: IDBPDatabase<HistorySchema>,
    readonly budget: HistoryBudget,
  ) {}

  /** Opens the page's IndexedDB (a unit test installs fake-indexeddb's globals first: idb checks them). */
  static async open(budget: HistoryBudget = DEFAULT_BUDGET, name = HISTORY_DB_NAME): Promise<HistoryDb> {
    if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available here');
    const db = await openDB<HistorySchema>(name, 1, {
      upgrade(d) {
        d.createObjectStore('summaries', { keyPath: 'id' });
        d.createObjectStore('records', { keyPath: 'id' });
      },
    });
    return new HistoryDb(db, budget);
  }

  /** Newest first. */
  async list(): Promise<HistorySummary[]> {
    const all = await this.db.getAll('summaries');
    return all.sort((a, b) => b.savedAt - a.savedAt);
  }

  async get(id: string): Promise<HistoryEntry | null> {
    const tx = this.db.transaction(['summaries', 'records'], 'readonly');
    const [summary, recs] = await Promise.all([tx.objectStore('summaries').get(id), tx.objectStore('records').get(id), tx.done]);
    return summary && recs ? { ...summary, records: recs.records } : null;
  }

  /** Save (or save again, same id) an episode, evicting the oldest ones it needs room for. */
  async save(entry: HistoryEntry): Promise<SaveResult> {
    let e = entry;
    if (e.bytes > this.budget.maxBytes && e.images === 'kept') {
      // Pixels are most of an episode's size and the camera views can render a record's frame without them.
      const records = withoutImages(e.records);
      e = { ...e, records, images: 'dropped', bytes: 0 };
      e.bytes = estimateBytes(e);
    }
    const stored = await this.db.getAll('summaries');
    const plan = planEviction(stored, e, this.budget);
    if (!plan.fits) return { saved: null, evicted: [], tooLarge: e.bytes };
    const evicted = stored.filter((s) => plan.evict.includes(s.id));
    const tx = this.db.transaction(['summaries', 'records'], 'readwrite');
    const summaries = tx.objectStore('summaries');
    const records = tx.objectStore('records');
    await Promise.all([
      ...plan.evict.flatMap((id) => [summaries.delete(id), records.delete(id)]),
      summaries.put(summaryOf(e)),
      records.put({ id: e.id, records: e.records }),
      tx.done,
    ]);
    return { saved: summaryOf(e), evicted };
  }

  async remove(id: string): Promise<void> {
    const tx = this.db.transaction(['summaries', 'records'], 'readwrite');
    await Promise.all([tx.objectStore('summaries').delete(id), tx.objectStore('records').delete(id), tx.done]);
  }

  close(): void {
    this.db.close();
  }
}
