import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExportWorkerApi } from '../../src/export/lerobot/browser/lerobotExport.worker';
import type { HistoryDb } from '../../src/state/history/historyDb';
import type { HistoryEntry, HistorySummary } from '../../src/state/history/historyEntry';
import { cancelExport, exportSelected, toggleSelected, useLeRobotExport, type ExportDeps } from '../../src/state/history/lerobotExport';
import type { StoredEpisodeRenderer } from '../../src/state/history/storedEpisodeRenderer';
import type { StepRecord } from '../../src/workers/protocol';

// The history panel's export controller (src/state/history/lerobotExport.ts): what it says when it cannot
// export, and that a cancel stops it, ends its workers and changes nothing. The worker is faked over a
// MessageChannel; the full path runs in e2e/lerobotExport.e2e.ts.

const summary = (id: string, savedAt: number): HistorySummary => ({
  id,
  savedAt,
  label: 'press the button',
  outcome: { status: 'success', reason: null },
  steps: 3,
  bytes: 1,
  images: 'none',
  taskId: 'goal/press_button',
  seed: 1,
  instruction: '',
  program: null,
  policy: 'expert',
  perturb: [],
  interventions: [],
  approvals: [],
  execution: { mode: 'chunk', k: 4, m: 0.1, approval: false } as unknown as HistorySummary['execution'],
});

function fakeWorker(api: Partial<ExportWorkerApi>) {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose({ start: async () => undefined, addEpisode: async () => undefined, finish: async () => new Uint8Array(1), ...api }, port2);
  const terminate = vi.fn(() => {
    port1.close();
    port2.close();
  });
  return { worker: Object.assign(port1, { terminate }) as unknown as Worker, terminate };
}

const fakeDb = (entries: Record<string, HistoryEntry | null>) => ({ get: async (id: string) => entries[id] ?? null, close: vi.fn() }) as unknown as HistoryDb;

afterEach(() => {
  vi.unstubAllGlobals();
  useLeRobotExport.setState({ selected: [], status: { kind: 'idle' } });
});

describe('exportSelected', () => {
  it('says so when the browser has no WebCodecs video encoder, before starting anything', async () => {
    toggleSelected('a', true);
    const makeWorker = vi.fn();
    await exportSelected([summary('a', 1)], { makeWorker });
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'failed', message: expect.stringContaining('no WebCodecs video encoder') });
    expect(makeWorker).not.toHaveBeenCalled();
  });

  it('says what the worker refused (no H.264 encoding), and ends the worker', async () => {
    vi.stubGlobal('VideoEncoder', class {});
    toggleSelected('a', true);
    const { worker, terminate } = fakeWorker({
      start: async () => {
        throw new Error('this browser cannot encode H.264 video (avc1.42001f, 64x64) with WebCodecs');
      },
    });
    await exportSelected([summary('a', 1)], { makeWorker: () => worker });
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'failed', message: expect.stringContaining('cannot encode H.264') });
    expect(terminate).toHaveBeenCalled();
  });

  it('names an episode that left the history since it was listed; the selection stays', async () => {
    vi.stubGlobal('VideoEncoder', class {});
    toggleSelected('gone', true);
    const { worker } = fakeWorker({});
    const db = fakeDb({});
    await exportSelected([summary('gone', 1)], { makeWorker: () => worker, openDb: async () => db });
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'failed', message: expect.stringMatching(/goal\/press_button seed 1.*no longer in the history/) });
    expect(useLeRobotExport.getState().selected).toEqual(['gone']);
    expect(db.close).toHaveBeenCalled();
  });

  it('stops on Cancel while frames render: the renderer and the worker are ended, nothing is downloaded', async () => {
    vi.stubGlobal('VideoEncoder', class {});
    toggleSelected('a', true);
    const { worker, terminate } = fakeWorker({});
    const records = [0, 1, 2].map((step) => ({ step, action: step ? [0, 0, 0, 0, 0, 0, 1] : null, images: null }) as unknown as StepRecord);
    const entry = { ...summary('a', 1), records } as HistoryEntry;
    const dispose = vi.fn();
    let rendering: () => void = () => undefined;
    const asked = new Promise<void>((r) => (rendering = r));
    const renderer = {
      images: () => {
        rendering();
        return new Promise(() => undefined);
      },
      dispose,
    } as unknown as StoredEpisodeRenderer;
    const deps: ExportDeps = { makeWorker: () => worker, openDb: async () => fakeDb({ a: entry }), openRenderer: async () => renderer };
    const run = exportSelected([summary('a', 1)], deps);
    await asked;
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'running', stage: 'rendering', episode: 1, episodes: 1, frame: 1, frames: 2 });
    cancelExport();
    await run;
    expect(useLeRobotExport.getState().status).toEqual({ kind: 'cancelled' });
    expect(dispose).toHaveBeenCalled();
    expect(terminate).toHaveBeenCalled();
  });
});
