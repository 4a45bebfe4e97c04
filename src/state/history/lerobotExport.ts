import * as Comlink from 'comlink';
import { create } from 'zustand';
import type { EpisodeProvenance, ExportWorkerApi } from '../../export/lerobot/browser/lerobotExport.worker';
import { episodeBuffers, frameCount, HISTORY_DATASET, historyEpisode } from '../../export/lerobot/historySource';
import type { CameraImages } from '../../engine/types';
import { describeEpisode } from './describeEpisode';
import { HistoryDb } from './historyDb';
import type { HistorySummary } from './historyEntry';
import { StoredEpisodeRenderer } from './storedEpisodeRenderer';

// "Export to LeRobot" in the history panel: the selected stored episodes as one LeRobot v3.0 dataset
// (docs/lerobot.md), downloaded as a zip. The page reads each episode from IndexedDB and gets every frame's
// camera images from the episode's own renderer (a second sim worker: stored pixels where the policy
// looked, the rest rendered from the record's poses under that episode's perturbations); a dedicated
// worker builds the tables, encodes the videos and packs the zip. Nothing in the history is changed: a
// failure or a cancel leaves the history and the selection as they were.

export type ExportStage = 'reading' | 'rendering' | 'encoding' | 'packing';

export type ExportStatus =
  | { kind: 'idle' }
  | { kind: 'running'; stage: ExportStage; episode: number; episodes: number; frame: number; frames: number }
  | { kind: 'done'; file: string; episodes: number; frames: number; bytes: number }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

interface ExportState {
  /** Ids of the history's episodes ticked for export. */
  selected: string[];
  status: ExportStatus;
}

export const useLeRobotExport = create<ExportState>(() => ({ selected: [], status: { kind: 'idle' } }));

export function toggleSelected(id: string, on: boolean): void {
  useLeRobotExport.setState((s) => ({ selected: on ? [...new Set([...s.selected, id])] : s.selected.filter((x) => x !== id) }));
}

class Cancelled extends Error {}

let abort: AbortController | null = null;

export function cancelExport(): void {
  abort?.abort();
}

/** `p`, or a rejection as soon as the export is cancelled (a worker's pending call never settles once it is ended). */
function until<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new Cancelled());
    const onAbort = () => reject(new Cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const pad = (n: number) => String(n).padStart(2, '0');
function stamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

function download(bytes: Uint8Array, file: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken its copy once the click's task has run.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface ExportDeps {
  openDb?: () => Promise<HistoryDb>;
  openRenderer?: typeof StoredEpisodeRenderer.open;
  makeWorker?: () => Worker;
}

const defaultWorker = () => new Worker(new URL('../../export/lerobot/browser/lerobotExport.worker.ts', import.meta.url), { type: 'module', name: 'lerobot-export' });

/** Export the selected episodes of `entries` (the history's list), oldest first, and download the zip. */
export async function exportSelected(entries: readonly HistorySummary[], deps: ExportDeps = {}): Promise<void> {
  if (abort) return;
  const chosen = new Set(useLeRobotExport.getState().selected);
  const episodes = entries.filter((e) => chosen.has(e.id)).sort((a, b) => a.savedAt - b.savedAt);
  const set = (status: ExportStatus) => useLeRobotExport.setState({ status });
  if (!episodes.length) return set({ kind: 'failed', message: 'Select at least one episode to export.' });
  if (typeof VideoEncoder === 'undefined') {
    return set({ kind: 'failed', message: 'This browser has no WebCodecs video encoder (VideoEncoder), which the export needs for the camera videos. Chrome, Edge (94+) and Safari (16.4+) have it.' });
  }

  const ac = new AbortController();
  abort = ac;
  const { signal } = ac;
  const n = episodes.length;
  set({ kind: 'running', stage: 'reading', episode: 1, episodes: n, frame: 0, frames: 0 });
  const worker = (deps.makeWorker ?? defaultWorker)();
  const api = Comlink.wrap<ExportWorkerApi>(worker);
  const workerFailed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => reject(new Error(`the export worker failed: ${ev.message || 'it could not start'}`)));
  });
  const call = <T>(p: Promise<T>) => until(Promise.race([p, workerFailed]), signal);
  let db: HistoryDb | null = null;
  let renderer: StoredEpisodeRenderer | null = null;
  let total = 0;
  try {
    await call(api.start(HISTORY_DATASET));
    db = await until((deps.openDb ?? (() => HistoryDb.open()))(), signal);
    for (const [k, summary] of episodes.entries()) {
      set({ kind: 'running', stage: 'reading', episode: k + 1, episodes: n, frame: 0, frames: 0 });
      const entry = await until(db.get(summary.id), signal);
      if (!entry) throw new Error(`${describeEpisode(summary)} is no longer in the history (deleted or evicted since it was listed). Untick it and export again.`);
      const frames = frameCount(entry.records);
      if (frames < 1) throw new Error(`${describeEpisode(summary)} executed no action: it has no frames to export. Untick it and export again.`);
      renderer = await until((deps.openRenderer ?? StoredEpisodeRenderer.open)(entry), signal);
      const images: CameraImages[] = [];
      for (let t = 0; t < frames; t++) {
        set({ kind: 'running', stage: 'rendering', episode: k + 1, episodes: n, frame: t + 1, frames });
        const img = await until(renderer.images(entry.records[t]), signal);
        if (!img) throw new Error(`the camera images of step ${entry.records[t].step} of ${describeEpisode(summary)} could not be rendered`);
        images.push(img);
      }
      renderer.dispose();
      renderer = null;
      set({ kind: 'running', stage: 'encoding', episode: k + 1, episodes: n, frame: frames, frames });
      const ep = historyEpisode({ name: entry.id, instruction: entry.label || entry.instruction }, entry.records, images);
      const source: EpisodeProvenance = {
        id: entry.id,
        taskId: entry.taskId,
        seed: entry.seed,
        instruction: ep.instruction,
        policy: entry.policy,
        outcome: entry.outcome.status,
        savedAt: new Date(entry.savedAt).toISOString(),
        records: entry.records.length,
      };
      await call(api.addEpisode(Comlink.transfer(ep, episodeBuffers(ep)), source));
      total += frames;
    }
    set({ kind: 'running', stage: 'packing', episode: n, episodes: n, frame: total, frames: total });
    const root = `vla-playground-lerobot-${stamp(new Date())}`;
    const zip = await call(api.finish(root));
    download(zip, `${root}.zip`);
    set({ kind: 'done', file: `${root}.zip`, episodes: n, frames: total, bytes: zip.byteLength });
  } catch (e) {
    set(e instanceof Cancelled ? { kind: 'cancelled' } : { kind: 'failed', message: errorText(e) });
  } finally {
    renderer?.dispose();
    db?.close();
    api[Comlink.releaseProxy]();
    worker.terminate();
    abort = null;
  }
}
