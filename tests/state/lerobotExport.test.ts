import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExportWorkerApi } from '../../src/export/lerobot/browser/lerobotExport.worker';
import type { HistoryDb } from '../../src/state/history/historyDb';
import type { HistoryEntry, HistorySummary } from '../../src/state/history/historyEntry';
import { cancelExport, exportSelected, toggleSelected, useLeRobotExport, type ExportDeps } from '../../src/state/history/lerobotExport';
import type { StoredEpisodeRenderer } from '../../src/state/history/storedEpisodeRenderer';
import type { StepRecord } from '../../src/workers/protocol';
import { episodeParams } from './episodeParams';

// The history panel's export controller (src/state/history/lerobotExport.ts): what it says when it cannot
// export, that a cancel stops it, ends its workers and changes nothing, and how far along it says it is.
// The worker is faked over a MessageChannel; the full path runs in e2e/lerobotExport.e2e.ts.

const summary = (id: string, savedAt: number): HistorySummary => ({
  id,
  savedAt,
  label: 'press the button',
  outcome: { status: 'success', reason: null },
  steps: 3,
  bytes: 1,
  images: 'none',
  ...episodeParams({ taskId: 'goal/press_button', seed: 1 }),
});

// Node has neither; the export checks for both before it starts.
function webCodecs(): void {
  vi.stubGlobal('VideoEncoder', class {});
  vi.stubGlobal('VideoFrame', class {});
}

function fakeWorker(api: Partial<ExportWorkerApi>) {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose({ start: async () => undefined, addEpisode: async () => undefined, finish: async () => new Uint8Array(1), ...api }, port2);
  const terminate = vi.fn(() => {
    port1.close();
    port2.close();
  });
  return { worker: Object.assign(port1, { terminate }) as unknown as Worker, terminate };
}

const CAMERA_BYTES = 64 * 64 * 3;

/** A record as historySource reads it: record k carries the action executed from record k - 1. */
const stepRecord = (step: number): StepRecord => ({
  step,
  frame: { bodies: new Float32Array(0), cameras: new Float32Array(0) },
  tcp: [0, 0, 0.3],
  gripperWidth: 0.04,
  proprio: new Float32Array(13),
  outcome: { status: 'running', reason: null, step, goalIndex: 0, completed: 0 },
  decision: null,
  expert: null,
  action: step ? [0, 0, 0, 0, 0, 0, 1] : null,
  perturbed: false,
  computeMs: 1,
  images: null,
});

/** A stored episode of `steps` control steps: one record per step from step 0, `steps` frames. */
const storedEntry = (id: string, savedAt: number, steps: number): HistoryEntry => ({
  ...summary(id, savedAt),
  steps,
  records: Array.from({ length: steps + 1 }, (_, k) => stepRecord(k)),
});

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
    webCodecs();
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
    webCodecs();
    toggleSelected('gone', true);
    const { worker } = fakeWorker({});
    const db = fakeDb({});
    await exportSelected([summary('gone', 1)], { makeWorker: () => worker, openDb: async () => db });
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'failed', message: expect.stringMatching(/goal\/press_button seed 1.*no longer in the history/) });
    expect(useLeRobotExport.getState().selected).toEqual(['gone']);
    expect(db.close).toHaveBeenCalled();
  });

  it('stops on Cancel while frames render: the renderer and the worker are ended, nothing is downloaded', async () => {
    webCodecs();
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
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'running', stage: 'rendering', episode: 1, episodes: 1, rendered: 0, frames: 2 });
    cancelExport();
    await run;
    expect(useLeRobotExport.getState().status).toEqual({ kind: 'cancelled' });
    expect(dispose).toHaveBeenCalled();
    expect(terminate).toHaveBeenCalled();
  });

  it('ends a renderer or a database that arrives after Cancel', async () => {
    webCodecs();
    toggleSelected('a', true);
    const entry = storedEntry('a', 1, 2);
    const db = fakeDb({ a: entry });
    const dispose = vi.fn();
    for (const pending of ['db', 'renderer'] as const) {
      let asked: () => void = () => undefined;
      const opening = new Promise<void>((r) => (asked = r));
      let arrive: () => void = () => undefined;
      const later = <T>(value: T) => {
        asked();
        return new Promise<T>((r) => (arrive = () => r(value)));
      };
      const deps: ExportDeps = {
        makeWorker: () => fakeWorker({}).worker,
        openDb: () => (pending === 'db' ? later(db) : Promise.resolve(db)),
        openRenderer: () => (pending === 'renderer' ? later({ images: vi.fn(), dispose } as unknown as StoredEpisodeRenderer) : new Promise(() => undefined)),
      };
      const run = exportSelected([summary('a', 1)], deps);
      await opening;
      cancelExport();
      await run;
      expect(useLeRobotExport.getState().status).toEqual({ kind: 'cancelled' });
      arrive();
      await vi.waitFor(() => expect(pending === 'db' ? db.close : dispose).toHaveBeenCalled());
    }
  });

  it('fails, and lets the export be tried again, when the page may not create the export worker', async () => {
    webCodecs();
    toggleSelected('a', true);
    const makeWorker = vi.fn((): Worker => {
      throw new Error(`Failed to construct 'Worker': it violates the Content Security Policy directive: "worker-src 'none'"`);
    });
    const openDb = vi.fn(async () => fakeDb({}));
    await exportSelected([summary('a', 1)], { makeWorker, openDb });
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'failed', message: expect.stringMatching(/^the export worker could not be started: .*worker-src/) });
    expect(openDb).not.toHaveBeenCalled();
    await exportSelected([summary('a', 1)], { makeWorker, openDb });
    expect(makeWorker).toHaveBeenCalledTimes(2);
  });

  it('says why a frame could not be rendered: no WebGL in its renderer\'s worker, or that worker gone', async () => {
    webCodecs();
    toggleSelected('a', true);
    const cases: Array<[{ cameraError: string | null; alive: boolean }, string]> = [
      [{ cameraError: 'WebGL2 is not available in this worker', alive: true }, 'WebGL2 is not available in this worker'],
      [{ cameraError: null, alive: false }, "its renderer's worker stopped"],
    ];
    for (const [state, reason] of cases) {
      const renderer = { images: async () => null, dispose: vi.fn(), ...state } as unknown as StoredEpisodeRenderer;
      const deps: ExportDeps = { makeWorker: () => fakeWorker({}).worker, openDb: async () => fakeDb({ a: storedEntry('a', 1, 2) }), openRenderer: async () => renderer };
      await exportSelected([summary('a', 1)], deps);
      const { status } = useLeRobotExport.getState();
      expect(status.kind === 'failed' && status.message).toMatch(/^the camera images of step 0 of goal\/press_button seed 1 .*could not be rendered: /);
      expect(status.kind === 'failed' && status.message.endsWith(`: ${reason}`)).toBe(true);
    }
  });

  it('counts frames rendered over the whole export, oldest episode first, and hands over the zip', async () => {
    webCodecs();
    toggleSelected('a', true);
    toggleSelected('b', true);
    const lengths: number[] = [];
    const { worker } = fakeWorker({
      addEpisode: async (ep) => void lengths.push(ep.length),
      finish: async () => new Uint8Array(7),
    });
    const renderer = { images: async () => ({ front: new Uint8Array(CAMERA_BYTES), wrist: new Uint8Array(CAMERA_BYTES) }), dispose: vi.fn() } as unknown as StoredEpisodeRenderer;
    const save = vi.fn();
    const seen: string[] = [];
    const unsubscribe = useLeRobotExport.subscribe(({ status: s }) => {
      const line = s.kind === 'running' ? `${s.stage} ${s.episode}/${s.episodes} ${s.rendered}/${s.frames}` : s.kind;
      if (seen.at(-1) !== line) seen.push(line);
    });
    const db = fakeDb({ a: storedEntry('a', 1, 3), b: storedEntry('b', 2, 2) });
    await exportSelected([{ ...summary('b', 2), steps: 2 }, summary('a', 1)], { makeWorker: () => worker, openDb: async () => db, openRenderer: async () => renderer, save });
    unsubscribe();
    expect(seen).toEqual([
      'reading 1/2 0/5',
      'rendering 1/2 0/5',
      'rendering 1/2 1/5',
      'rendering 1/2 2/5',
      'encoding 1/2 3/5',
      'reading 2/2 3/5',
      'rendering 2/2 3/5',
      'rendering 2/2 4/5',
      'encoding 2/2 5/5',
      'packing 2/2 5/5',
      'done',
    ]);
    expect(lengths).toEqual([3, 2]);
    expect(save).toHaveBeenCalledWith(expect.any(Uint8Array), expect.stringMatching(/^vla-playground-lerobot-\d{8}-\d{6}\.zip$/));
    expect(useLeRobotExport.getState().status).toMatchObject({ kind: 'done', episodes: 2, frames: 5, bytes: 7 });
  });
});
