import { formatBytes } from '../state/history/describeEpisode';
import type { HistorySummary } from '../state/history/historyEntry';
import { cancelExport, exportSelected, toggleSelected, useLeRobotExport, type ExportStatus } from '../state/history/lerobotExport';
import './historyExport.css';

// The history panel's LeRobot export: a checkbox per episode, and a bar with the export button, its
// progress (episode k of n, frames), Cancel, and what came of it (docs/lerobot.md, "From the app").

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

const STAGE: Record<string, string> = { reading: 'reading', rendering: 'rendering cameras', encoding: 'encoding video', packing: 'packing the zip' };

function statusText(s: ExportStatus): string | null {
  switch (s.kind) {
    case 'running':
      return s.stage === 'packing'
        ? `Packing ${s.episodes} episode${s.episodes === 1 ? '' : 's'}, ${s.frames} frames…`
        : `Episode ${s.episode} of ${s.episodes}: ${STAGE[s.stage]}${s.frames ? `, frame ${s.frame} of ${s.frames}` : ''}…`;
    case 'done':
      return `Exported ${s.episodes} episode${s.episodes === 1 ? '' : 's'} (${s.frames} frames, ${formatBytes(s.bytes)}) as ${s.file}.`;
    case 'failed':
      return `Export failed: ${s.message}`;
    case 'cancelled':
      return 'Export cancelled; nothing was downloaded.';
    default:
      return null;
  }
}

export function HistoryExport({ entries }: { entries: readonly HistorySummary[] }) {
  const selected = useLeRobotExport((s) => s.selected);
  const status = useLeRobotExport((s) => s.status);
  const count = entries.filter((e) => selected.includes(e.id)).length;
  const running = status.kind === 'running';
  const text = statusText(status);
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
      {running && status.frames > 0 && <progress className="history-export-progress" max={status.frames} value={status.frame} aria-label="Export progress" />}
      {text && (
        <p className={`history-export-status ${status.kind}`} data-testid="episode-history-export-status" role={status.kind === 'failed' ? 'alert' : 'status'}>
          {text}
        </p>
      )}
    </div>
  );
}
