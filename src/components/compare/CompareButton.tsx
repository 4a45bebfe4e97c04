import { describeEpisode } from '../../state/history/describeEpisode';
import type { HistorySummary } from '../../state/history/historyEntry';
import { useCompareStore } from '../../state/compare/compareStore';
import { useSession } from '../../state/session/context';

// A history item's "Compare": opens that stored episode beside the one on screen (pressed again, closes it).

export function CompareButton({ entry, name }: { entry: HistorySummary; name: string }) {
  const session = useSession();
  const pressed = useCompareStore((s) => s.status !== 'closed' && s.id === entry.id);
  return (
    <button
      type="button"
      className="button small ghost"
      data-testid="episode-history-compare"
      aria-label={`Compare ${name} side by side with the episode on screen`}
      aria-pressed={pressed}
      title={`Show ${describeEpisode(entry)} beside the episode on screen, on the same cursor`}
      onClick={() => (pressed ? session.compare.close() : void session.compare.open(entry.id))}
    >
      Compare
    </button>
  );
}
