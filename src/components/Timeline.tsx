import { useMemo } from 'react';
import { useSession } from '../state/session/context';
import { useEpisodeStore } from '../state/episodeStore';
import { useHistoryStore } from '../state/history/historyStore';
import { Icon } from './Icon';

/** Marks under the track: goal completions and steps where a person dragged something (perturbations come from the plan). */
function useMarks(recordCount: number): { goals: number[]; drags: number[] } {
  const controller = useSession();
  return useMemo(() => {
    const goals: number[] = [];
    const drags: number[] = [];
    const recs = controller.records;
    for (let i = 1; i < Math.min(recordCount, recs.length); i++) {
      if (recs[i].outcome.completed > recs[i - 1].outcome.completed) goals.push(i);
      if (recs[i].perturbed) drags.push(i);
    }
    return { goals, drags };
  }, [recordCount, controller]);
}

export function Timeline() {
  const controller = useSession();
  const recordCount = useEpisodeStore((s) => s.recordCount);
  const cursor = useEpisodeStore((s) => s.cursor);
  const view = useEpisodeStore((s) => s.view);
  const crash = useEpisodeStore((s) => s.crash);
  // A stored episode opened from the history: the simulator holds only its first state.
  const stored = useHistoryStore((s) => s.openedId !== null);
  const max = Math.max(0, recordCount - 1);
  const value = cursor ?? max;
  const marks = useMarks(recordCount);
  // Pushes and shifts of the robustness axes, once the episode has reached them.
  const planned = useEpisodeStore((s) => s.info?.perturb.schedule);
  const said = useEpisodeStore((s) => s.interventions);
  const schedule = (planned ?? []).filter((p) => p.step <= max);
  const pct = (i: number) => (max > 0 ? (100 * i) / max : 0);
  return (
    <div className="timeline">
      <span className="timeline-label">Timeline</span>
      <div className="timeline-track">
        <input
          type="range"
          data-testid="timeline"
          // Its keys are the page's shortcuts (shift jumps ten; → at the live end steps the sim).
          data-time-cursor=""
          aria-label="Recorded steps"
          min={0}
          max={max}
          step={1}
          value={value}
          disabled={recordCount <= 1}
          onChange={(e) => controller.scrub(Number(e.target.value))}
        />
        <div className="timeline-marks" aria-hidden="true">
          {marks.drags.map((i) => (
            <span key={`d${i}`} className="mark drag" style={{ left: `${pct(i)}%` }} />
          ))}
          {schedule.map((p) => (
            <span key={`p${p.step}${p.label}`} className="mark perturb" data-testid="timeline-perturbation" style={{ left: `${pct(p.step)}%` }} title={`${p.label} at step ${p.step}`} />
          ))}
          {said.filter((i) => i.step <= max).map((i) => (
            <span key={`i${i.step}${i.text}`} className="mark intervention" data-testid="timeline-intervention" style={{ left: `${pct(i.step)}%` }} title={`“${i.text}” at step ${i.step}`} />
          ))}
          {marks.goals.map((i) => (
            <span key={`g${i}`} className="mark goal" style={{ left: `${pct(i)}%` }} title={`goal reached at step ${i}`} />
          ))}
        </div>
      </div>
      <span className="timeline-pos" data-testid="timeline-position" data-step={view ? view.step : 0}>
        {view ? view.step : 0} / {max}
      </span>
      {cursor !== null ? (
        <>
          <button type="button" className="button small" data-testid="resume-here" disabled={!!crash || stored} onClick={() => void controller.resumeFromCursor()} title={stored ? 'A stored episode cannot be continued; Run starts it again' : 'Continue the episode from this step; later steps are dropped'}>
            <Icon name="resume" /> Resume from here
          </button>
          <button type="button" className="button small ghost" data-testid="go-live" onClick={() => controller.goLive()}>
            Live ⇥
          </button>
        </>
      ) : (
        <span className="timeline-live">{recordCount > 1 ? '● live' : ''}</span>
      )}
    </div>
  );
}
