import type { StepRecord } from '../../workers/protocol';
import { pushNotice, useEpisodeStore } from '../episodeStore';
import { usePolicyStore, type ExecutionSettings } from '../policyStore';
import type { RunState } from '../session/runState';
import type { Recording } from '../session/recording';
import { describeEpisode, formatBytes } from './describeEpisode';
import { entryFrom, type EpisodeParams, type HistoryEntry } from './historyEntry';
import { HistoryDb, type SaveResult } from './historyDb';
import { useHistoryStore } from './historyStore';
import { errorText } from '../errorText';

// Every episode run in the app goes into the history (IndexedDB), so a reload, a Reset or "run again" loses
// none. An episode is saved when it ends, when it pauses, and before a new load replaces its records (the
// Recording tells us first); saving again under the same id replaces the older copy. Opening one loads its
// parameters into the simulator (the scene, bodies and cameras must be that task's) and then puts its
// stored records on the timeline as a finished episode: the usual replay path shows scene, cameras, plots.

export interface HistoryHost {
  readonly recording: Recording;
  load(): Promise<void>;
  pause(): void;
  setExecution(s: ExecutionSettings): void;
}

interface Current {
  id: string;
  params: EpisodeParams;
  label: string;
  faulted: string | null;
  /** What was saved last, so an unchanged episode is not written again. */
  savedLast: StepRecord | null;
  savedCount: number;
  savedFault: string | null;
}

/** A person stepping by hand pauses after every step: one save for a burst of them. */
const PAUSE_SAVE_DELAY_MS = 400;
const SAVE_ON: ReadonlySet<RunState> = new Set(['done', 'faulted']);

const get = useEpisodeStore.getState;
const setHistory = useHistoryStore.setState;
const newId = () => (globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`);

export class EpisodeHistory {
  private db: HistoryDb | null = null;
  private current: Current | null = null;
  /** Saves run one at a time: each reads the stored sizes the one before it left. */
  private queue: Promise<unknown> = Promise.resolve();
  private pauseTimer: ReturnType<typeof setTimeout> | null = null;
  /** An open is loading its episode's parameters: that load's fresh start is not a new episode. */
  private opening = false;
  /** Saves started and not yet written. */
  private writing = 0;

  constructor(private readonly host: HistoryHost) {
    host.recording.onDiscard = (records) => this.save(records);
    host.recording.onStart = () => this.began();
    useEpisodeStore.subscribe((s, prev) => {
      const cur = this.current;
      if (!cur) return;
      if (s.crash && s.crash !== prev.crash) cur.faulted = s.crash;
      // A load for another task clears these before its records go: only growth belongs to this episode.
      if (s.interventions !== prev.interventions && s.interventions.length > 0) cur.params.interventions = s.interventions;
      if (s.approvals !== prev.approvals && s.approvals.length > 0) cur.params.approvals = s.approvals;
      if (s.run === prev.run) return;
      if (SAVE_ON.has(s.run)) this.saveNow();
      else if (s.run === 'paused') this.saveSoon();
    });
    if (typeof window !== 'undefined') {
      // Leaving the page aborts an IndexedDB write in flight, and a running episode is not saved until it
      // pauses or ends: with either, the browser asks before the page goes (nothing is discarded without
      // asking), and the save starts at once so that staying keeps the episode.
      window.addEventListener('beforeunload', (e) => {
        if (!this.unsaved()) return;
        this.saveNow();
        e.preventDefault();
        e.returnValue = '';
      });
      window.addEventListener('pagehide', () => this.saveNow());
    }
  }

  /** Open the database and list what it holds; without IndexedDB the app runs on and says so. */
  async init(): Promise<void> {
    try {
      this.db = await HistoryDb.open();
      setHistory({ available: true, unavailableReason: null });
      await this.refresh();
    } catch (err) {
      setHistory({ available: false, unavailableReason: errorText(err) });
    }
  }

  /** The episode on screen was opened from the history (Run starts it again from its first state). */
  get viewing(): boolean {
    return useHistoryStore.getState().openedId !== null;
  }

  private began(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    const s = get();
    const execution = usePolicyStore.getState().execution;
    this.current = {
      id: newId(),
      params: { taskId: s.taskId, seed: s.seed, instruction: s.instruction, program: s.program, policy: s.policy, perturb: s.perturb, interventions: s.interventions, approvals: s.approvals, execution },
      label: s.info?.text ?? s.info?.goals[0]?.instruction ?? s.instruction,
      faulted: null,
      savedLast: null,
      savedCount: 0,
      savedFault: null,
    };
    if (!this.opening && useHistoryStore.getState().openedId) setHistory({ openedId: null, openedImages: null });
  }

  private saveSoon(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = null;
      this.saveNow();
    }, PAUSE_SAVE_DELAY_MS);
  }

  private saveNow(): void {
    this.save(this.host.recording.records);
  }

  /** An episode that would be lost if the page went now: changed since its last save, or a save in flight. */
  private unsaved(): boolean {
    if (this.writing > 0) return true;
    const cur = this.current;
    const records = this.host.recording.records;
    const last = records[records.length - 1];
    if (!cur || !this.db || records.length < 2 || !last) return false;
    return cur.savedLast !== last || cur.savedCount !== records.length || cur.savedFault !== cur.faulted;
  }

  /** Save the current episode's records if it executed anything and changed since its last save. */
  save(records: readonly StepRecord[]): Promise<void> {
    const cur = this.current;
    const last = records[records.length - 1];
    if (!cur || !this.db || records.length < 2 || !last) return this.queue.then(() => undefined);
    if (cur.savedLast === last && cur.savedCount === records.length && cur.savedFault === cur.faulted) return this.queue.then(() => undefined);
    cur.savedLast = last;
    cur.savedCount = records.length;
    cur.savedFault = cur.faulted;
    // Built now: a load replaces the records and the store right after this returns.
    const params = { ...cur.params, execution: usePolicyStore.getState().execution };
    const entry = entryFrom(cur.id, params, cur.label, records, cur.faulted, Date.now());
    const db = this.db;
    this.writing += 1;
    const run = this.queue
      .then(() => db.save(entry))
      .finally(() => (this.writing -= 1))
      .then(
        (r) => this.afterSave(entry, r),
        (err: unknown) => pushNotice('error', `Episode ${entry.taskId} seed ${entry.seed} could not be saved to the history: ${errorText(err)}`),
      );
    this.queue = run;
    return run;
  }

  private async afterSave(entry: HistoryEntry, r: SaveResult): Promise<void> {
    if (!r.saved) {
      pushNotice('error', `Episode ${entry.taskId} seed ${entry.seed} (${formatBytes(r.tooLarge)} without camera pixels) is larger than the history's whole budget; it was not saved.`);
      return;
    }
    if (r.saved.images === 'dropped' && entry.images === 'kept') {
      pushNotice('info', `Episode ${entry.taskId} seed ${entry.seed} was saved without its camera pixels (too large with them); opened, its camera views are rendered from the recorded poses.`);
    }
    for (const e of r.evicted) {
      const text = `History full (${this.db!.budget.maxEpisodes} episodes or ${formatBytes(this.db!.budget.maxBytes)}): removed the oldest episode, ${describeEpisode(e)}.`;
      pushNotice('warning', text);
      setHistory({ evicted: text });
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    if (!this.db) return;
    const entries = await this.db.list();
    const opened = useHistoryStore.getState().openedId;
    setHistory({ entries, ...(opened && !entries.some((e) => e.id === opened) ? { openedId: null, openedImages: null } : {}) });
  }

  /** Show a stored episode in replay: its task, seed and settings loaded, its records on the timeline. */
  async open(id: string): Promise<boolean> {
    if (!this.db) return false;
    setHistory({ busy: true });
    try {
      // The episode on screen goes into the history first (the load below would replace it).
      await this.save(this.host.recording.records);
      const entry = await this.db.get(id);
      if (!entry || entry.records.length === 0) {
        pushNotice('error', 'That episode is no longer in the history.');
        await this.refresh();
        return false;
      }
      this.host.pause();
      const { taskId, seed, instruction, program, policy, perturb, interventions, approvals } = entry;
      useEpisodeStore.setState({ taskId, seed, instruction, program, policy, perturb, interventions, approvals, match: null, clarification: null, understood: null });
      this.host.setExecution(entry.execution);
      this.opening = true;
      try {
        await this.host.load();
      } finally {
        this.opening = false;
      }
      if (get().run === 'faulted') return false;
      // Before the records go on screen: the run state they settle in saves the current episode, which is
      // this stored one, unchanged, not a copy of it under the fresh load's id.
      const last = entry.records[entry.records.length - 1];
      const faulted = entry.outcome.status === 'faulted' ? entry.outcome.reason : null;
      this.current = { id: entry.id, params: { ...entry }, label: entry.label, faulted, savedLast: last, savedCount: entry.records.length, savedFault: faulted };
      if (faulted) useEpisodeStore.setState({ crash: faulted });
      this.host.recording.restore(entry.records);
      setHistory({ openedId: id, openedImages: entry.images });
      return true;
    } finally {
      setHistory({ busy: false });
    }
  }

  async remove(id: string): Promise<void> {
    if (!this.db) return;
    await this.queue;
    await this.db.remove(id);
    // The episode stays on screen; only steps it runs from here would be saved again (under a new id).
    if (this.current?.id === id) this.current = { ...this.current, id: newId() };
    if (useHistoryStore.getState().openedId === id) setHistory({ openedId: null, openedImages: null });
    await this.refresh();
  }
}
