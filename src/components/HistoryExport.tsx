import type { HistorySummary } from '../state/history/historyEntry';
import { cancelExport, exportSelected, toggleSelected, useLeRobotExport } from '../state/history/lerobotExport';
import { exportProgress, exportStatusText } from './exportStatusText';
import './historyExport.css';

// The history panel's LeRobot export: a checkbox per episode, and a bar with the export button, its
// progress (camera frames rendered over all the ticked episodes), Cancel, and what came of it
// (docs/lerobot.md, "From the app").

export function HistorySelect({ id, name }: { id: string; name: string }) {
  const checked = useLeRobotExport((s) => s.selected.includes(id));
  const running = useLeRobotExport((s) => s.status.kind === 'running');
  return (
    <label className="history-select">
      <input
        type="checkbox"
        data-testid="episode-history-select"
        checked={checked}
        disabled={running}
        aria-label={`Select ${name} for export`}
        onChange={(ev) => toggleSelected(id, ev.target.checked)}
      />
    </label>
  );
}

export function HistoryExport({ entries }: { entries: readonly HistorySummary[] }) {
  const selected = useLeRobotExport((s) => s.selected);
  const status = useLeRobotExport((s) => s.status);
  const count = entries.filter((e) => selected.includes(e.id)).length;
  const running = status.kind === 'running';
  const text = exportStatusText(status);
  const progress = exportProgress(status);
  if (!entries.length) return null;
  return (
    <div className="history-export" data-testid="episode-history-export">
      <div className="history-export-bar">
        <button
          type="button"
          className="button small"
          data-testid="episode-history-export-lerobot"
          disabled={running || count === 0}
          title="A LeRobot v3.0 dataset of the ticked episodes (Parquet tables, H.264 camera videos, the reasoning as text), as a zip"
          onClick={() => void exportSelected(entries)}
        >
          Export to LeRobot{count ? ` (${count})` : ''}
        </button>
        {running && (
          <button type="button" className="button small ghost" data-testid="episode-history-export-cancel" onClick={cancelExport}>
            Cancel
          </button>
        )}
        {!running && count === 0 && <span className="history-export-hint">Tick episodes to export them.</span>}
      </div>
      {running &&
        (progress ? (
          <progress key="count" className="history-export-progress" max={progress.max} value={progress.value} aria-label="Export progress" />
        ) : (
          // Keyed apart: a bar that had a value does not become indeterminate when React only drops the prop.
          <progress key="stage" className="history-export-progress" aria-label="Export progress" />
        ))}
      {text && (
        <p className={`history-export-status ${status.kind}`} data-testid="episode-history-export-status" role={status.kind === 'failed' ? 'alert' : 'status'}>
          {text}
        </p>
      )}
    </div>
  );
}
