import { useEffect, useState } from 'react';
import { useSession } from '../state/session/context';
import { displayStatus, SPEEDS, useEpisodeStore } from '../state/episodeStore';
import { frameStats } from '../state/frameStats';
import { useReplayStore } from '../state/replayPlayer';
import { Icon } from './Icon';
import { openShortcutSheet } from './keys/ShortcutSheet';
import { RealtimeIndicator } from './RealtimeIndicator';

const speedLabel = (s: number) => (Number.isFinite(s) ? `${s}×` : 'max');

function StatusPill() {
  const live = useEpisodeStore((s) => s.live);
  const run = useEpisodeStore((s) => s.run);
  const crash = useEpisodeStore((s) => s.crash);
  const playingBack = useReplayStore((s) => s.active);
  const status = displayStatus({ live, run, crash });
  const word = status;
  const reason = crash ?? live?.outcome.reason ?? null;
  let detail = '';
  if (status === 'paused') detail = `at step ${live?.step ?? 0}`;
  else if (status === 'idle') detail = 'ready — press Run';
  else if (status === 'loading') detail = live ? 'loading the episode…' : 'starting the simulator…';
  else if (status === 'awaiting approval') detail = `step ${live?.step ?? 0}: accept the plan or stop`;
  else if (status === 'replaying') detail = `showing a recorded step`;
  else if (status === 'running') detail = `step ${live?.step ?? 0}`;
  else if (status === 'success') detail = `in ${live?.step ?? 0} steps`;
  else if (reason) detail = reason;
  if (playingBack) detail = `${detail} · playing the recording back`;
  return (
    <div className={`status status-${status.replace(' ', '-')}`} data-testid="episode-status" data-status={status} title={reason ?? undefined}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-word">{word}</span>
      {detail && <span className="status-detail">{detail}</span>}
    </div>
  );
}

function StepCounter() {
  const live = useEpisodeStore((s) => s.live);
  const info = useEpisodeStore((s) => s.info);
  if (!live || !info) return null;
  const goal = info.goals[Math.min(live.outcome.goalIndex, info.goals.length - 1)];
  return (
    <div className="counter" data-testid="step-counter">
      <span className="counter-value">{live.step}</span>
      <span className="counter-label">steps · limit {goal.stepLimit}{info.goals.length > 1 ? ' per goal' : ''}</span>
      {info.goals.length > 1 && (
        <>
          <span className="counter-value">{live.outcome.completed}/{info.goals.length}</span>
          <span className="counter-label">goals</span>
        </>
      )}
    </div>
  );
}

function Fps() {
  const [fps, setFps] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setFps(frameStats.recentFps(30)), 500);
    return () => clearInterval(id);
  }, []);
  return (
    <span className="fps" title="Main-thread frames per second (requestAnimationFrame)" data-testid="fps">
      {fps > 0 ? `${fps.toFixed(0)} fps` : ''}
    </span>
  );
}

export function ControlsBar() {
  const controller = useSession();
  const playing = useEpisodeStore((s) => s.playing);
  const speed = useEpisodeStore((s) => s.speed);
  const ready = useEpisodeStore((s) => s.boot === 'ready' && !!s.live);
  const loading = useEpisodeStore((s) => s.loading);
  const live = useEpisodeStore((s) => s.live);
  const crash = useEpisodeStore((s) => s.crash);
  const finished = !!crash || live?.outcome.status === 'success' || live?.outcome.status === 'failure';
  return (
    <div className="controls">
      <div className="button-group">
        <button
          type="button"
          className="button primary run"
          data-testid="run-button"
          disabled={!ready || loading || playing}
          onClick={() => void controller.run()}
          title={finished ? 'Run the episode again from the start (space plays the recording back instead)' : 'Run (space)'}
        >
          <Icon name="play" /> {finished ? 'Run again' : 'Run'}
        </button>
        <button type="button" className="button" data-testid="pause-button" disabled={!playing} onClick={() => controller.pause()} title="Pause (space)">
          <Icon name="pause" /> Pause
        </button>
        <button
          type="button"
          className="button"
          data-testid="step-button"
          disabled={!ready || loading || playing || finished}
          onClick={() => void controller.step()}
          title="Execute exactly one control step (→)"
        >
          <Icon name="step" /> Step
        </button>
        <button type="button" className="button" data-testid="reset-button" disabled={!ready || loading} onClick={() => void controller.reset()} title="Back to the initial state of this seed (r)">
          <Icon name="reset" /> Reset
        </button>
      </div>
      <label className="speed">
        <span className="field-label">Speed</span>
        <select data-testid="speed-select" value={String(speed)} onChange={(e) => controller.setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {speedLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <StatusPill />
      <RealtimeIndicator />
      <div className="spacer" />
      <StepCounter />
      <Fps />
      <span className="keys">
        <kbd>space</kbd> run/pause
        <button type="button" className="button small ghost keys-help" data-testid="shortcuts-button" onClick={openShortcutSheet} title="All keyboard shortcuts (?)">
          <kbd>?</kbd> all keys
        </button>
      </span>
    </div>
  );
}
