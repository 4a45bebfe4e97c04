import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { planEviction } from '../../src/state/history/evictionPlan';
import { HistoryDb } from '../../src/state/history/historyDb';
import { entryFrom, estimateBytes } from '../../src/state/history/historyEntry';
import type { StepRecord } from '../../src/workers/protocol';
import { episodeParams } from './episodeParams';

// The episode history's storage: which episodes the bounds evict (oldest first, each named), what a save
// and a reload give back (typed arrays intact), images dropped only when an episode would not fit otherwise.

let dbCount = 0;
const openDb = (maxEpisodes: number, maxBytes: number) => HistoryDb.open({ maxEpisodes, maxBytes }, `history-test-${++dbCount}`);

function record(step: number, withImages = false): StepRecord {
  return {
    step,
    frame: { bodies: new Float32Array(70).fill(step), cameras: new Float32Array(24) },
    tcp: [0.1 * step, 0, 0.3],
    gripperWidth: 0.04,
    proprio: new Float32Array(13),
    outcome: { status: step >= 5 ? 'success' : 'running', reason: step >= 5 ? 'goal reached' : null, step, goalIndex: 0, completed: step >= 5 ? 1 : 0 },
    decision: null,
    expert: null,
    action: step === 0 ? null : [0, 0, 0.01, 0, 0, 0, 1],
    perturbed: false,
    computeMs: 3,
    images: withImages ? ({ wrist: new Uint8Array(64 * 64 * 3), front: new Uint8Array(64 * 64 * 3) } as unknown as StepRecord['images']) : null,
  };
}

const params = (taskId: string, seed: number) => episodeParams({ taskId, seed });

const episode = (id: string, seed: number, savedAt: number, steps = 5, images = false) =>
  entryFrom(id, params('object/red_to_bowl', seed), 'put the red cube in the bowl', Array.from({ length: steps + 1 }, (_, i) => record(i, images)), null, savedAt);

describe('planEviction', () => {
  const s = (id: string, savedAt: number, bytes = 10) => ({ id, savedAt, bytes });

  it('keeps everything while both bounds hold', () => {
    expect(planEviction([s('a', 1), s('b', 2)], s('c', 3), { maxEpisodes: 3, maxBytes: 100 })).toEqual({ fits: true, evict: [] });
  });

  it('evicts the oldest first when the count is reached', () => {
    expect(planEviction([s('b', 2), s('a', 1), s('c', 3)], s('d', 4), { maxEpisodes: 3, maxBytes: 1000 })).toEqual({ fits: true, evict: ['a'] });
  });

  it('evicts as many as the byte budget needs', () => {
    expect(planEviction([s('a', 1, 40), s('b', 2, 40), s('c', 3, 40)], s('d', 4, 70), { maxEpisodes: 50, maxBytes: 120 })).toEqual({ fits: true, evict: ['a', 'b'] });
  });

  it('an episode saved again replaces its older copy and never evicts itself', () => {
    expect(planEviction([s('a', 1, 60), s('b', 2, 30)], s('a', 5, 80), { maxEpisodes: 2, maxBytes: 110 })).toEqual({ fits: true, evict: [] });
    expect(planEviction([s('a', 1, 60), s('b', 2, 30)], s('b', 5, 80), { maxEpisodes: 2, maxBytes: 110 })).toEqual({ fits: true, evict: ['a'] });
  });

  it('refuses an episode larger than the whole budget', () => {
    expect(planEviction([s('a', 1)], s('b', 2, 500), { maxEpisodes: 5, maxBytes: 100 })).toEqual({ fits: false, evict: [] });
  });
});

describe('estimateBytes', () => {
  it('counts typed arrays by their bytes and strings at two bytes a character', () => {
    expect(estimateBytes(new Float32Array(100))).toBe(400);
    expect(estimateBytes('abcd')).toBe(8);
    const withImages = episode('x', 1, 1, 5, true);
    const without = episode('y', 1, 1, 5, false);
    expect(withImages.bytes - without.bytes).toBeGreaterThanOrEqual(6 * 2 * 64 * 64 * 3);
  });
});

describe('HistoryDb', () => {
  it('saves, lists newest first, gives records back intact, and removes', async () => {
    const db = await openDb(10, 1e9);
    await db.save(episode('a', 1, 100));
    await db.save(episode('b', 2, 200));
    expect((await db.list()).map((e) => e.id)).toEqual(['b', 'a']);
    const a = await db.get('a');
    expect(a?.records).toHaveLength(6);
    expect(a?.records[3].frame.bodies).toBeInstanceOf(Float32Array);
    expect(a?.records[3].frame.bodies[0]).toBe(3);
    expect(a?.steps).toBe(5);
    expect(a?.outcome).toEqual({ status: 'success', reason: 'goal reached' });
    await db.remove('a');
    expect(await db.get('a')).toBeNull();
    expect((await db.list()).map((e) => e.id)).toEqual(['b']);
    db.close();
  });

  it('over the count, evicts the oldest and names it; saving the same episode again replaces it', async () => {
    const db = await openDb(2, 1e9);
    expect((await db.save(episode('a', 1, 100))).evicted).toEqual([]);
    await db.save(episode('b', 2, 200));
    // The same id again (the episode ran further): no eviction, one copy.
    expect((await db.save(episode('b', 2, 250, 7))).evicted).toEqual([]);
    expect((await db.get('b'))?.steps).toBe(7);
    const r = await db.save(episode('c', 3, 300));
    expect(r.evicted.map((e) => [e.id, e.seed])).toEqual([['a', 1]]);
    expect((await db.list()).map((e) => e.id)).toEqual(['c', 'b']);
    expect(await db.get('a')).toBeNull();
    db.close();
  });

  it('over the byte budget, evicts as many old episodes as the new one needs', async () => {
    const one = episode('x', 0, 0).bytes;
    const db = await openDb(50, Math.floor(one * 2.5));
    await db.save(episode('a', 1, 100));
    await db.save(episode('b', 2, 200));
    const r = await db.save(episode('c', 3, 300));
    expect(r.evicted.map((e) => e.id)).toEqual(['a']);
    const stored = await db.list();
    expect(stored.reduce((n, e) => n + e.bytes, 0)).toBeLessThanOrEqual(db.budget.maxBytes);
    db.close();
  });

  it('drops camera pixels only when the episode would not fit with them, and refuses one too large without', async () => {
    const bare = episode('x', 0, 0).bytes;
    const db = await openDb(50, bare * 2);
    const r = await db.save(episode('big', 1, 100, 5, true));
    expect(r.saved?.images).toBe('dropped');
    expect((await db.get('big'))?.records.every((x) => x.images === null)).toBe(true);
    const small = await openDb(50, episode('y', 0, 0, 5, true).bytes * 2);
    expect((await small.save(episode('fits', 1, 100, 5, true))).saved?.images).toBe('kept');
    const tiny = await openDb(50, 100);
    const refused = await tiny.save(episode('huge', 1, 100));
    expect(refused.saved).toBeNull();
    expect(await tiny.list()).toEqual([]);
    for (const d of [db, small, tiny]) d.close();
  });
});
