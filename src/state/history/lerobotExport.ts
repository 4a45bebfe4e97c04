import * as Comlink from 'comlink';
import { create } from 'zustand';
import type { EpisodeProvenance, ExportWorkerApi } from '../../export/lerobot/browser/lerobotExport.worker';
import { hasWebCodecs, NO_WEBCODECS } from '../../export/lerobot/browser/webCodecs';
import { episodeBuffers, frameCount, HISTORY_DATASET, historyEpisode } from '../../export/lerobot/historySource';
import type { CameraImages } from '../../engine/types';
import { errorText } from '../errorText';
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
  /**
   * `rendered` counts the camera frames rendered so far over all the export's episodes, of `frames` in all
   * (the summaries' step counts, each replaced by its episode's own frame count once read): encoding and
   * packing have no count of their own.
   */
  | { kind: 'running'; stage: ExportStage; episode: number; episodes: number; rendered: number; frames: number }
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

export interface ExportDeps {
  openDb?: () => Promise<HistoryDb>;
  openRenderer?: typeof StoredEpisodeRenderer.open;
  makeWorker?: () => Worker;
  /** Hands the zip to the user (Node tests have no document to click a link in). */
  save?: (bytes: Uint8Array, file: string) => void;
}

const defaultWorker = () => new Worker(new URL('../../export/lerobot/browser/lerobotExport.worker.ts', import.meta.url), { type: 'module', name: 'lerobot-export' });

function startWorker(make: () => Worker): Worker {
  try {
    return make();
  } catch (e) {
    // A page whose Content-Security-Policy has no worker-src for it refuses here, synchronously.
    throw new Error(`the export worker could not be started: ${errorText(e)}`, { cause: e });
  }
}

/** Why a renderer gave a record no pixels, where it knows: no WebGL in its worker, or its worker gone. */
function cameraReason(renderer: StoredEpisodeRenderer): string | null {
  if (renderer.cameraError) return renderer.cameraError;
  return renderer.alive ? null : "its renderer's worker stopped";
}

/** Export the selected episodes of `entries` (the history's list), oldest first, and download the zip. */
export async function exportSelected(entries: readonly HistorySummary[], deps: ExportDeps = {}): Promise<void> {
  if (abort) return;
  const chosen = new Set(useLeRobotExport.getState().selected);
  const episodes = entries.filter((e) => chosen.has(e.id)).sort((a, b) => a.savedAt - b.savedAt);
  const set = (status: ExportStatus) => useLeRobotExport.setState({ status });
  if (!episodes.length) return set({ kind: 'failed', message: 'Select at least one episode to export.' });
  if (!hasWebCodecs()) return set({ kind: 'failed', message: NO_WEBCODECS });

  const ac = new AbortController();
  abort = ac;
  const { signal } = ac;
  const n = episodes.length;
  // A stored episode has a record per step from step 0, so its step count is its frame count.
  let frames = episodes.reduce((sum, e) => sum + e.steps, 0);
  let rendered = 0;
  const progress = (stage: ExportStage, episode: number) => set({ kind: 'running', stage, episode, episodes: n, rendered, frames });
  progress('reading', 1);
  let worker: Worker | null = null;
  let api: Comlink.Remote<ExportWorkerApi> | null = null;
  // Held as promises: a cancel stops the waiting, not the opening, and what an open brings after a cancel
  // (a whole sim worker with its heartbeat, an IndexedDB connection) is ended in `finally` when it comes.
  let db: Promise<HistoryDb> | null = null;
  let renderer: Promise<StoredEpisodeRenderer> | null = null;
  try {
    const w = startWorker(deps.makeWorker ?? defaultWorker);
    worker = w;
    const remote = Comlink.wrap<ExportWorkerApi>(w);
    api = remote;
    const workerFailed = new Promise<never>((_, reject) => {
      w.addEventListener('error', (ev) => reject(new Error(`the export worker failed: ${ev.message || 'it could not start'}`)));
    });
    const call = <T>(p: Promise<T>) => until(Promise.race([p, workerFailed]), signal);
    await call(remote.start(HISTORY_DATASET));
    db = (deps.openDb ?? (() => HistoryDb.open()))();
    const store = await until(db, signal);
    for (const [k, summary] of episodes.entries()) {
      progress('reading', k + 1);
      const entry = await until(store.get(summary.id), signal);
      if (!entry) throw new Error(`${describeEpisode(summary)} is no longer in the history (deleted or evicted since it was listed). Untick it and export again.`);
      const count = frameCount(entry.records);
      if (count < 1) throw new Error(`${describeEpisode(summary)} executed no action: it has no frames to export. Untick it and export again.`);
      frames += count - summary.steps;
      renderer = (deps.openRenderer ?? StoredEpisodeRenderer.open)(entry);
      const r = await until(renderer, signal);
      const images: CameraImages[] = [];
      for (let t = 0; t < count; t++) {
        progress('rendering', k + 1);
        const img = await until(r.images(entry.records[t]), signal);
        if (!img) {
          const reason = cameraReason(r);
          throw new Error(`the camera images of step ${entry.records[t].step} of ${describeEpisode(summary)} could not be rendered${reason ? `: ${reason}` : ''}`);
        }
        images.push(img);
        rendered++;
      }
      renderer = null;
      r.dispose();
      progress('encoding', k + 1);
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
      await call(remote.addEpisode(Comlink.transfer(ep, episodeBuffers(ep)), source));
    }
    progress('packing', n);
    const root = `vla-playground-lerobot-${stamp(new Date())}`;
    const zip = await call(remote.finish(root));
    (deps.save ?? download)(zip, `${root}.zip`);
    set({ kind: 'done', file: `${root}.zip`, episodes: n, frames: rendered, bytes: zip.byteLength });
  } catch (e) {
    set(e instanceof Cancelled ? { kind: 'cancelled' } : { kind: 'failed', message: errorText(e) });
  } finally {
    void renderer?.then(
      (r) => r.dispose(),
      () => undefined,
    );
    void db?.then(
      (d) => d.close(),
      () => undefined,
    );
    api?.[Comlink.releaseProxy]();
    worker?.terminate();
    abort = null;
  }
}
