import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCompareStore } from '../../src/state/compare/compareStore';
import { EpisodeCompare } from '../../src/state/compare/episodeCompare';
import { describeFacts, differences, type EpisodeFacts } from '../../src/state/compare/episodeDiff';
import { sharedStep } from '../../src/state/compare/sharedCursor';
import { outcomeWord } from '../../src/state/history/describeEpisode';
import { HistoryDb } from '../../src/state/history/historyDb';
import { entryFrom } from '../../src/state/history/historyEntry';
import { DEFAULT_EXECUTION_SETTINGS } from '../../src/state/policyStore';
import type { StoredEpisodeRenderer } from '../../src/state/history/storedEpisodeRenderer';
import type { StepRecord } from '../../src/workers/protocol';
import { episodeParams } from './episodeParams';

// The side-by-side view's state: which record the compared episode shows on the shared cursor, how its
// header words the differences, and how opening and closing go (missing entries, a failed simulator, an
// open superseded by the next).

function record(step: number): StepRecord {
  return {
    step,
    frame: { bodies: new Float32Array(14).fill(step), cameras: new Float32Array(24) },
    tcp: [0.01 * step, 0, 0.3],
    gripperWidth: 0.04,
    proprio: new Float32Array(13),
    outcome: { status: step >= 4 ? 'success' : 'running', reason: null, step, goalIndex: 0, completed: 0 },
    decision: null,
    expert: null,
    action: step === 0 ? null : [0, 0, 0.01, 0, 0, 0, 1],
    perturbed: false,
    computeMs: 2,
    images: null,
  };
}

const params = episodeParams;

const facts = (over: Partial<EpisodeFacts> = {}): EpisodeFacts => ({ ...params(), outcome: 'success', steps: 40, ...over });

describe('sharedStep', () => {
  const recs = [0, 1, 2, 3, 4].map(record);
  it('shows the record at the cursor, or the last one (ended) past the end', () => {
    expect(sharedStep(recs, 2)).toEqual({ record: recs[2], ended: false });
    expect(sharedStep(recs, 4)).toEqual({ record: recs[4], ended: false });
    expect(sharedStep(recs, 9)).toEqual({ record: recs[4], ended: true });
    expect(sharedStep(recs, -1)?.record.step).toBe(0);
    expect(sharedStep([], 3)).toBeNull();
  });
});

describe('episode differences', () => {
  it('lists what identifies an episode, the instruction and answers only when present', () => {
    expect(describeFacts(facts({ perturb: [{ axis: 'camera', level: 2 }] }))).toEqual(['object/blue_to_bowl', 'seed 3', 'expert', 'chunk:4', 'perturbations camera:2', 'success', '40 steps']);
    expect(describeFacts(facts({ instruction: 'put it in the bowl', outcome: 'running' }))).toContain('“put it in the bowl”');
    expect(describeFacts(facts({ outcome: 'running' }))).toContain('stopped');
  });

  it('names each fact that differs, with both values', () => {
    const d = differences(facts({ seed: 4, perturb: [{ axis: 'lighting', level: 1 }, { axis: 'camera', level: 2 }], steps: 31 }), facts());
    expect(d).toEqual([
      { name: 'seed', compared: 'seed 4', onScreen: 'seed 3' },
      { name: 'perturbations', compared: 'perturbations camera:2,lighting:1', onScreen: 'perturbations none' },
      { name: 'steps', compared: '31 steps', onScreen: '40 steps' },
    ]);
    expect(differences(facts(), facts())).toEqual([]);
  });

  it('does not call an expert run different for an execution mode it never used', () => {
    const ensemble = { ...DEFAULT_EXECUTION_SETTINGS, kind: 'ensemble' as const };
    expect(differences(facts({ execution: ensemble }), facts())).toEqual([]);
    expect(differences(facts({ policy: 'model', execution: ensemble }), facts({ policy: 'model' }))).toEqual([{ name: 'execution', compared: 'ensemble:0.1', onScreen: 'chunk:4' }]);
  });

  it('words an unfinished episode on screen as running, a stored one as stopped', () => {
    expect(differences(facts(), facts({ outcome: 'running', running: true }))).toEqual([{ name: 'outcome', compared: 'success', onScreen: 'running' }]);
    expect(differences(facts({ outcome: 'running' }), facts({ outcome: 'running', running: true }))).toEqual([{ name: 'outcome', compared: 'stopped', onScreen: 'running' }]);
    // An ended episode on screen reads as it will once stored.
    expect(differences(facts(), facts({ running: true }))).toEqual([]);
    expect([outcomeWord('idle'), outcomeWord('running', true), outcomeWord('faulted', true), outcomeWord('failure')]).toEqual(['stopped', 'running', 'faulted', 'failure']);
  });

  it('compares perturbations as sets (order does not matter)', () => {
    const a = facts({ perturb: [{ axis: 'camera', level: 2 }, { axis: 'lighting', level: 1 }] });
    const b = facts({ perturb: [{ axis: 'lighting', level: 1 }, { axis: 'camera', level: 2 }] });
    expect(differences(a, b)).toEqual([]);
  });
});

describe('EpisodeCompare', () => {
  let n = 0;
  const dbName = () => `compare-test-${++n}`;
  const entry = (id: string, steps: number) => entryFrom(id, params({ seed: steps }), 'put the blue cube in the bowl', Array.from({ length: steps + 1 }, (_, i) => record(i)), null, Date.now());
  const fakeRenderer = () => ({ dispose: vi.fn(), scene: {}, images: vi.fn() }) as unknown as StoredEpisodeRenderer;

  afterEach(() => useCompareStore.setState({ status: 'closed', id: null, entry: null, records: null, error: null, renderer: null, cameraError: null }));

  async function withEntries(...entries: ReturnType<typeof entry>[]) {
    const name = dbName();
    const db = await HistoryDb.open(undefined, name);
    for (const e of entries) await db.save(e);
    return () => HistoryDb.open(undefined, name);
  }

  it('opens a stored episode: records first, then its own renderer; close disposes the renderer and the connection', async () => {
    const openStored = await withEntries(entry('a', 6));
    const dbs: HistoryDb[] = [];
    const openDb = async () => {
      const db = await openStored();
      dbs.push(db);
      vi.spyOn(db, 'close');
      return db;
    };
    const r = fakeRenderer();
    let resolve!: (x: StoredEpisodeRenderer) => void;
    const compare = new EpisodeCompare(openDb, () => new Promise((ok) => (resolve = ok)));
    expect(await compare.open('a')).toBe(true);
    const s = useCompareStore.getState();
    expect([s.status, s.id, s.entry?.steps, s.records?.length, s.renderer]).toEqual(['ready', 'a', 6, 7, null]);
    resolve(r);
    await Promise.resolve();
    expect(useCompareStore.getState().renderer).toBe(r);
    compare.close();
    expect(r.dispose).toHaveBeenCalled();
    expect(useCompareStore.getState().status).toBe('closed');
    expect(compare.isOpen).toBe(false);
    await Promise.resolve();
    expect(dbs.length).toBe(1);
    expect(dbs[0].close).toHaveBeenCalled();
    // The next open has a connection of its own.
    expect(await compare.open('a')).toBe(true);
    expect(dbs.length).toBe(2);
  });

  it('says so when the entry is gone, and when the simulator cannot start', async () => {
    const openDb = await withEntries(entry('a', 3));
    const compare = new EpisodeCompare(openDb, () => Promise.reject(new Error('worker failed')));
    expect(await compare.open('gone')).toBe(false);
    expect(useCompareStore.getState()).toMatchObject({ status: 'error', id: 'gone' });
    expect(useCompareStore.getState().error).toMatch(/no longer in the history/);
    expect(await compare.open('a')).toBe(true);
    await new Promise((ok) => setTimeout(ok, 0));
    expect(useCompareStore.getState()).toMatchObject({ status: 'ready', renderer: null });
    expect(useCompareStore.getState().cameraError).toMatch(/camera views cannot be shown: worker failed/);
  });

  it('says so when the database cannot be read', async () => {
    const compare = new EpisodeCompare(() => Promise.reject(new Error('blocked')), () => Promise.resolve(fakeRenderer()));
    expect(await compare.open('a')).toBe(false);
    expect(useCompareStore.getState().error).toMatch(/could not be read: blocked/);
  });

  it('drops what a superseded open finishes (its renderer is disposed, not shown)', async () => {
    const openDb = await withEntries(entry('a', 3), entry('b', 5));
    const first = fakeRenderer();
    const second = fakeRenderer();
    const pending: Array<(r: StoredEpisodeRenderer) => void> = [];
    const compare = new EpisodeCompare(openDb, () => new Promise((ok) => pending.push(ok)));
    await compare.open('a');
    await compare.open('b');
    pending[0](first);
    pending[1](second);
    await Promise.resolve();
    expect(first.dispose).toHaveBeenCalled();
    expect(useCompareStore.getState()).toMatchObject({ id: 'b', renderer: second });
    expect(useCompareStore.getState().records?.length).toBe(6);
  });
});
