import { useCompareStore } from '../../state/compare/compareStore';
import { useEpisodeStore } from '../../state/episodeStore';
import type { EpisodeSession } from '../../state/session/session';
import type { StepRecord } from '../../workers/protocol';

// What a plot grid draws and where a press on it goes: the episode on screen, or the compared one beside it.
// Both grids follow the one time cursor (the main view's step) and a press on either moves it, so the grid
// itself reads no store and the two panes share every line of chart code.

export interface PlotSource {
  records(): readonly StepRecord[];
  /** The shared time cursor (the step on screen); may lie past this source's last record. */
  cursor(): number;
  /** The x axis reaches at least this step: the other pane's last step, so both share one axis. */
  spanTo(): number;
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

const mainCursor = (session: EpisodeSession) => useEpisodeStore.getState().view?.step ?? session.records.length - 1;

export function mainPlotSource(session: EpisodeSession): PlotSource {
  return {
    records: () => session.records,
    cursor: () => mainCursor(session),
    spanTo: () => comparedRecords().length - 1,
    seek: (k) => session.scrub(k),
    subscribe: (fn) => both(session, fn),
    live: () => useEpisodeStore.getState().playing,
  };
}

export function comparedPlotSource(session: EpisodeSession): PlotSource {
  return {
    records: comparedRecords,
    cursor: () => mainCursor(session),
    spanTo: () => session.records.length - 1,
    seek: (k) => session.scrub(k),
    subscribe: (fn) => both(session, fn),
    live: () => useEpisodeStore.getState().playing,
  };
}
