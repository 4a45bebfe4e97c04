import { HistoryDb } from '../history/historyDb';
import { summaryOf, type EpisodeParams } from '../history/historyEntry';
import { StoredEpisodeRenderer } from '../history/storedEpisodeRenderer';
import { CLOSED, useCompareStore } from './compareStore';
import { errorText } from '../errorText';

// Opens a stored episode beside the one on screen (the compare pane) and closes it. The records come from
// the history's IndexedDB through a connection of its own (the history keeps its own for saves); the camera
// views need that episode's own simulator (StoredEpisodeRenderer), which starts after the records are on
// screen, so the 3D view and the plots never wait for a worker, and a worker that fails costs only the
// cameras. Each open supersedes the one before: whatever a superseded open finishes is dropped.

type Renderers = (params: EpisodeParams) => Promise<StoredEpisodeRenderer>;

const set = useCompareStore.setState;
const get = useCompareStore.getState;

export class EpisodeCompare {
  private db: Promise<HistoryDb> | null = null;
  private epoch = 0;

  constructor(
    private readonly openDb: () => Promise<HistoryDb> = () => HistoryDb.open(),
    private readonly openRenderer: Renderers = (p) => StoredEpisodeRenderer.open(p),
  ) {}

  /** Show history entry `id` in the compare pane; false (and a message in the pane) when it cannot be. */
  async open(id: string): Promise<boolean> {
    const epoch = ++this.epoch;
    get().renderer?.dispose();
    set({ ...CLOSED, status: 'loading', id });
    let entry;
    try {
      entry = await (await (this.db ??= this.openDb())).get(id);
    } catch (err) {
      // A refused database is asked again next time (it may have been a passing lock or quota error).
      this.db = null;
      if (epoch === this.epoch) set({ status: 'error', error: `The episode history could not be read: ${errorText(err)}` });
      return false;
    }
    if (epoch !== this.epoch) return false;
    if (!entry || entry.records.length === 0) {
      set({ status: 'error', error: 'That episode is no longer in the history (it was deleted or evicted).' });
      return false;
    }
    set({ status: 'ready', entry: summaryOf(entry), records: entry.records });
    this.openRenderer(entry).then(
      (r) => {
        if (epoch === this.epoch) set({ renderer: r });
        else r.dispose();
      },
      (err: unknown) => {
        if (epoch === this.epoch) set({ cameraError: `Its camera views cannot be shown: ${errorText(err)}` });
      },
    );
    return true;
  }

  get isOpen(): boolean {
    return get().status !== 'closed';
  }

  close(): void {
    ++this.epoch;
    get().renderer?.dispose();
    // IndexedDB closes the connection once a read still in flight has finished.
    this.db?.then(
      (db) => db.close(),
      () => undefined,
    );
    this.db = null;
    set({ ...CLOSED });
  }
}
