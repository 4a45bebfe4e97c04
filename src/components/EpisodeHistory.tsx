import { useState } from 'react';
import { describeEpisode, formatBytes, outcomeWord, savedTime } from '../state/history/describeEpisode';
import type { HistorySummary } from '../state/history/historyEntry';
import { useHistoryStore } from '../state/history/historyStore';
import { useSession } from '../state/session/context';
import { CompareButton } from './compare/CompareButton';
import { HistoryExport, HistorySelect } from './HistoryExport';
import './episodeHistory.css';

// The episodes run in this browser (IndexedDB), newest first: open one to replay its recording, delete one
// after a confirmation. Evictions by the history's bounds are said here as well as in a notice.

export function EpisodeHistory() {
  const available = useHistoryStore((s) => s.available);
  const reason = useHistoryStore((s) => s.unavailableReason);
  const entries = useHistoryStore((s) => s.entries);
  const evicted = useHistoryStore((s) => s.evicted);
  const [open, setOpen] = useState(true);
  const total = entries.reduce((n, e) => n + e.bytes, 0);
  return (
    <section className="panel history" data-testid="episode-history" aria-label="Episode history">
      <div className="panel-head">
        <button type="button" className="history-toggle" aria-expanded={open} aria-controls="history-body" onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          <h2>Episode history</h2>
        </button>
        <span className="history-count" data-testid="episode-history-count">
          {entries.length} saved · {formatBytes(total)}
        </span>
      </div>
      {open && (
        <div id="history-body">
          {available === false && <p className="history-note">The history is off here: {reason}. Episodes are not kept after a reload.</p>}
          {evicted && (
            <p className="history-evicted" role="status" data-testid="episode-history-evicted">
              {evicted}
              <button type="button" className="link-button" aria-label="Dismiss the eviction message" onClick={() => useHistoryStore.setState({ evicted: null })}>
                ×
              </button>
            </p>
          )}
          <OpenedNote />
          {available && entries.length === 0 && <p className="history-note">Every episode you run is kept here, also after a reload.</p>}
          <HistoryExport entries={entries} />
          <ul className="history-list">
            {entries.map((e) => (
              <HistoryItem key={e.id} entry={e} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function OpenedNote() {
  const openedId = useHistoryStore((s) => s.openedId);
  const images = useHistoryStore((s) => s.openedImages);
  if (!openedId) return null;
  return (
    <p className="history-opened" data-testid="episode-history-opened">
      Showing a stored episode: scrub or press space to replay it; Run starts it again from its first state.
      {images === 'dropped' && ' It was stored without its camera pixels (too large): the camera views are rendered from the recorded poses.'}
    </p>
  );
}

function HistoryItem({ entry: e }: { entry: HistorySummary }) {
  const session = useSession();
  const openedId = useHistoryStore((s) => s.openedId);
  const busy = useHistoryStore((s) => s.busy);
  const [confirming, setConfirming] = useState(false);
  const current = openedId === e.id;
  const outcome = outcomeWord(e.outcome.status);
  const name = `${e.taskId} seed ${e.seed}, saved ${savedTime(e.savedAt)}`;
  return (
    <li className={`history-item${current ? ' current' : ''}`} data-testid="episode-history-item" data-episode-id={e.id} aria-current={current ? 'true' : undefined}>
      <HistorySelect id={e.id} name={name} />
      <div className="history-main">
        <span className="history-label" title={e.label}>
          {e.label || e.taskId}
        </span>
        <span className="history-meta">
          <span className="history-task">
            {e.taskId} · seed {e.seed}
          </span>
          <span>{e.policy === 'model' ? 'model' : 'expert'}</span>
          <span className={`history-outcome ${outcome}`} data-testid="episode-history-outcome" title={e.outcome.reason ?? undefined}>
            {outcome}
          </span>
          <span data-testid="episode-history-steps">{e.steps} steps</span>
          <time dateTime={new Date(e.savedAt).toISOString()}>{savedTime(e.savedAt)}</time>
        </span>
      </div>
      {confirming ? (
        <div className="history-actions" role="group" aria-label={`Delete ${name}?`}>
          <span className="history-confirm-text">Delete?</span>
          <button
            type="button"
            className="button small danger"
            data-testid="episode-history-confirm-delete"
            aria-label={`Yes, delete ${name}`}
            onClick={() => {
              setConfirming(false);
              void session.history.remove(e.id);
            }}
          >
            Delete
          </button>
          <button type="button" className="button small ghost" aria-label="Keep it" onClick={() => setConfirming(false)} autoFocus>
            Keep
          </button>
        </div>
      ) : (
        <div className="history-actions">
          <button type="button" className="button small" data-testid="episode-history-open" aria-label={`Open ${name}`} title={describeEpisode(e)} disabled={busy} onClick={() => void session.history.open(e.id)}>
            Open
          </button>
          <CompareButton entry={e} name={name} />
          <button type="button" className="button small ghost" data-testid="episode-history-delete" aria-label={`Delete ${name}`} onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
