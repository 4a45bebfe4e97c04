import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeFacts, differences, type EpisodeFacts } from '../../state/compare/episodeDiff';
import type { HistorySummary } from '../../state/history/historyEntry';
import { useEpisodeStore } from '../../state/episodeStore';
import { useHistoryStore } from '../../state/history/historyStore';
import { usePolicyStore } from '../../state/policyStore';

// Which episode the compare pane shows and how it differs from the one on screen.

/** The episode on screen, in the facts a comparison lists. */
function useOnScreen(): EpisodeFacts | null {
  const s = useEpisodeStore(
    useShallow((e) => ({
      taskId: e.taskId,
      seed: e.seed,
      policy: e.policy,
      perturb: e.perturb,
      instruction: e.instruction,
      interventions: e.interventions,
      approvals: e.approvals,
      crash: e.crash,
      status: e.live?.outcome.status ?? null,
      steps: e.live?.step ?? null,
    })),
  );
  const execution = usePolicyStore((p) => p.execution);
  // A stored episode opened from the history is as it was stored: one that had not ended was stopped.
  const stored = useHistoryStore((h) => h.openedId !== null);
  return useMemo(() => {
    if (s.status === null || s.steps === null) return null;
    const { crash, status, ...rest } = s;
    return { ...rest, steps: s.steps, execution, outcome: crash ? 'faulted' : status, running: !stored };
  }, [s, execution, stored]);
}

export function CompareHeader({ entry }: { entry: HistorySummary }) {
  const onScreen = useOnScreen();
  const compared: EpisodeFacts = { ...entry, outcome: entry.outcome.status };
  const facts = describeFacts(compared);
  const diff = onScreen ? differences(compared, onScreen) : [];
  return (
    <div className="compare-about">
      <p className="compare-label" title={entry.label}>
        {entry.label || entry.taskId}
      </p>
      <p className="compare-facts" data-testid="compare-facts">
        {facts.join(' · ')}
      </p>
      <p className="compare-diff" data-testid="compare-diff">
        {!onScreen ? (
          'No episode on screen to compare with yet.'
        ) : diff.length === 0 ? (
          'Same task, seed, settings and outcome as the episode on screen.'
        ) : (
          <>
            <span className="muted">Differs from the episode on screen: </span>
            {diff.map((d, i) => (
              <span key={d.name} className="compare-diff-item" data-diff={d.name}>
                {i > 0 && ', '}
                <b>{d.compared}</b> <span className="muted">(on screen {d.onScreen})</span>
              </span>
            ))}
          </>
        )}
      </p>
    </div>
  );
}
