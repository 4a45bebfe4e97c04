import { describe, expect, it } from 'vitest';
import { exportProgress, exportStatusText } from '../../src/components/exportStatusText';
import type { ExportStatus } from '../../src/state/history/lerobotExport';

// The LeRobot export's status line and bar (src/components/exportStatusText.ts): one count over the whole
// export, and no count where a stage has none.

const running = (stage: 'reading' | 'rendering' | 'encoding' | 'packing'): ExportStatus => ({ kind: 'running', stage, episode: 2, episodes: 3, rendered: 40, frames: 60 });

describe('exportStatusText', () => {
  it('counts rendered frames over all the episodes, and gives encoding and packing no count', () => {
    expect(exportStatusText(running('rendering'))).toBe('Rendering camera frames: 40 of 60 (episode 2 of 3)…');
    expect(exportStatusText(running('encoding'))).toBe('Encoding the camera videos (episode 2 of 3)…');
    expect(exportStatusText({ kind: 'running', stage: 'packing', episode: 3, episodes: 3, rendered: 60, frames: 60 })).toBe('Packing 3 episodes, 60 frames, into a zip…');
    expect(exportStatusText({ kind: 'running', stage: 'rendering', episode: 1, episodes: 1, rendered: 0, frames: 1 })).toBe('Rendering camera frames: 0 of 1…');
  });

  it('fills the bar with frames rendered of all, and leaves it without a value while packing', () => {
    expect(exportProgress(running('rendering'))).toEqual({ value: 40, max: 60 });
    expect(exportProgress(running('encoding'))).toEqual({ value: 40, max: 60 });
    expect(exportProgress(running('packing'))).toBeNull();
    expect(exportProgress({ kind: 'cancelled' })).toBeNull();
  });
});
