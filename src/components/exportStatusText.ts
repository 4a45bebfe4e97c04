import { formatBytes } from '../state/history/describeEpisode';
import type { ExportStatus } from '../state/history/lerobotExport';

// The LeRobot export's status line under the history (HistoryExport.tsx). The one count is camera frames
// rendered over the whole export, the slow part; encoding an episode's videos and packing the zip have no
// count of their own, so their lines give none.

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function exportStatusText(s: ExportStatus): string | null {
  switch (s.kind) {
    case 'running': {
      const ep = s.episodes > 1 ? ` (episode ${s.episode} of ${s.episodes})` : '';
      switch (s.stage) {
        case 'reading':
          return `Reading the episodes from the history${ep}…`;
        case 'rendering':
          return `Rendering camera frames: ${s.rendered} of ${s.frames}${ep}…`;
        case 'encoding':
          return `Encoding the camera videos${ep}…`;
        case 'packing':
          return `Packing ${plural(s.episodes, 'episode')}, ${plural(s.frames, 'frame')}, into a zip…`;
      }
      break;
    }
    case 'done':
      return `Exported ${plural(s.episodes, 'episode')} (${plural(s.frames, 'frame')}, ${formatBytes(s.bytes)}) as ${s.file}.`;
    case 'failed':
      return `Export failed: ${s.message}`;
    case 'cancelled':
      return 'Export cancelled; nothing was downloaded.';
  }
  return null;
}

/** The progress bar's fill: frames rendered of all, or null where there is no count (an indeterminate bar). */
export function exportProgress(s: ExportStatus): { value: number; max: number } | null {
  if (s.kind !== 'running' || s.stage === 'packing' || s.frames < 1) return null;
  return { value: Math.min(s.rendered, s.frames), max: s.frames };
}
