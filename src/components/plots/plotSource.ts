import { useCompareStore } from '../../state/compare/compareStore';
import { useEpisodeStore } from '../../state/episodeStore';
import type { EpisodeSession } from '../../state/session/session';
import type { StepRecord } from '../../workers/protocol';

// What a plot grid draws and where a press on it goes: the episode on screen, or the compared one beside it.
// Both grids follow the one time cursor (the main view's step) and a press on either moves it, so the grid
// itself reads no store and the two panes share every line of chart code.

/** Where the shared cursor stops on this source's axis, and why, in words for a pointer hovering past it. */
export interface Reach {
  step: number;
  why: string;
}

export interface PlotSource {
  records(): readonly StepRecord[];
  /** The shared time cursor (the step on screen); may lie past this source's last record. */
  cursor(): number;
  /** The x axis reaches at least this step: the other pane's last step, so both share one axis. */
  spanTo(): number;
  /**
   * The last step the shared cursor can reach, when the axis runs past it: the cursor is the main view's
   * step, so on the compared episode's axis it stops at the main episode's last record. Null: no limit but
   * this source's own records.
   */
  reach(): Reach | null;
  seek(step: number): void;
  /** Called when records, the cursor or the span change. */
  subscribe(fn: () => void): () => void;
  /** Records are arriving live: redraws are spaced out. */
  live(): boolean;
}

const comparedRecords = () => useCompareStore.getState().records ?? [];

function both(session: EpisodeSession, fn: () => void): () => void {
  const a = session.subscribe(fn);
  const b = useCompareStore.subscribe((s, p) => {
    if (s.records !== p.records) fn();
  });
  return () => {
    a();
    b();
  };
}

/** The plots of the episode on screen ('main') or of the compared one beside it: the same but for which is which. */
export function plotSource(session: EpisodeSession, pane: 'main' | 'compared'): PlotSource {
  const mainRecords = () => session.records;
  const [mine, other] = pane === 'main' ? [mainRecords, comparedRecords] : [comparedRecords, mainRecords];
  const mainLast = () => session.records.length - 1;
  return {
    records: mine,
    cursor: () => useEpisodeStore.getState().view?.step ?? mainLast(),
    spanTo: () => other().length - 1,
    reach: () => (pane === 'main' || mainLast() < 0 ? null : { step: mainLast(), why: `The episode on screen has no step past ${mainLast()}: the shared cursor stops there` }),
    seek: (k) => session.scrub(k),
    subscribe: (fn) => both(session, fn),
    live: () => useEpisodeStore.getState().playing,
  };
}
