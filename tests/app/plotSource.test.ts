import { afterEach, describe, expect, it, vi } from 'vitest';
import { plotSource } from '../../src/components/plots/plotSource';
import { useCompareStore } from '../../src/state/compare/compareStore';
import type { EpisodeSession } from '../../src/state/session/session';
import type { StepRecord } from '../../src/workers/protocol';

// The two plot grids' sources: the same but for which episode is which; the compared one says where the
// shared cursor (the main view's step) stops on its axis.

const recs = (n: number) => Array.from({ length: n }, (_, step) => ({ step }) as unknown as StepRecord);

function session(n: number) {
  return { records: recs(n), scrub: vi.fn(), subscribe: () => () => undefined } as unknown as EpisodeSession & { scrub: ReturnType<typeof vi.fn> };
}

afterEach(() => useCompareStore.setState({ records: null }));

describe('plotSource', () => {
  it('swaps the two episodes between the main and the compared grid; both seek the main view', () => {
    const s = session(11);
    useCompareStore.setState({ records: recs(21) });
    const main = plotSource(s, 'main');
    const compared = plotSource(s, 'compared');
    expect([main.records().length, main.spanTo(), compared.records().length, compared.spanTo()]).toEqual([11, 20, 21, 10]);
    compared.seek(7);
    expect(s.scrub).toHaveBeenCalledWith(7);
  });

  it('the compared grid stops the cursor at the last step of the episode on screen; the main grid has no such limit', () => {
    const s = session(11);
    useCompareStore.setState({ records: recs(21) });
    expect(plotSource(s, 'main').reach()).toBeNull();
    const reach = plotSource(s, 'compared').reach();
    expect(reach?.step).toBe(10);
    expect(reach?.why).toMatch(/no step past 10/);
    expect(plotSource(session(0), 'compared').reach()).toBeNull();
  });
});
