import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoredEpisodeRenderer } from '../../src/state/history/storedEpisodeRenderer';
import type { SimWorkerApi, StepRecord } from '../../src/workers/protocol';
import { episodeParams } from './episodeParams';

// A stored episode's renderer over a sim worker that dies in the middle of a call: a Comlink call to a dead
// worker never settles, so the renderer must end its load and its renders itself (the compare pane and the
// LeRobot export wait on them). Also: the worker's camera error is kept, not dropped.

const params = episodeParams();

const rec = (step: number) => ({ step, frame: { bodies: new Float32Array(14), cameras: new Float32Array(24) }, images: null }) as unknown as StepRecord;

/** A worker on a MessageChannel answering `api`; `die()` is what a worker's uncaught error looks like. */
function fakeWorker(api: Partial<SimWorkerApi>) {
  const { port1, port2 } = new MessageChannel();
  const base: Partial<SimWorkerApi> = { init: async () => ({ scene: { cameras: [] } as never, controlHz: 10, cameraError: null }), ping: () => 0 };
  Comlink.expose({ ...base, ...api }, port2);
  const terminate = vi.fn(() => {
    port1.close();
    port2.close();
  });
  const worker = Object.assign(port1, { terminate }) as unknown as Worker;
  const die = () => port1.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message: 'the worker died' }));
  return { worker, terminate, die };
}

const never = <T>() => new Promise<T>(() => undefined);
let opened: StoredEpisodeRenderer | null = null;
afterEach(() => opened?.dispose());

describe('StoredEpisodeRenderer', () => {
  it('rejects open, naming why, when the worker dies while it loads the episode', async () => {
    let loading!: () => void;
    const asked = new Promise<void>((r) => (loading = r));
    const w = fakeWorker({
      load: () => {
        loading();
        return never();
      },
    });
    const open = StoredEpisodeRenderer.open(params, () => w.worker);
    await asked;
    w.die();
    await expect(open).rejects.toThrow(/could not load object\/blue_to_bowl seed 3 to render it: the worker died/);
    expect(w.terminate).toHaveBeenCalled();
  });

  it('answers null for a render in flight when the worker dies, and for every later one', async () => {
    let rendering!: () => void;
    const asked = new Promise<void>((r) => (rendering = r));
    const w = fakeWorker({
      load: async () => ({}) as never,
      renderFrame: () => {
        rendering();
        return never();
      },
    });
    opened = await StoredEpisodeRenderer.open(params, () => w.worker);
    const first = opened.images(rec(1));
    await asked;
    w.die();
    await expect(first).resolves.toBeNull();
    expect(opened.alive).toBe(false);
    await expect(opened.images(rec(2))).resolves.toBeNull();
  });

  it('keeps the camera error of a worker without WebGL, and renders what it can', async () => {
    const images = { front: new Uint8Array(4), wrist: new Uint8Array(4) };
    const w = fakeWorker({
      init: async () => ({ scene: { cameras: [] } as never, controlHz: 10, cameraError: 'no WebGL2 in a worker' }),
      load: async () => ({}) as never,
      renderFrame: async () => null,
    });
    opened = await StoredEpisodeRenderer.open(params, () => w.worker);
    expect(opened.cameraError).toBe('no WebGL2 in a worker');
    await expect(opened.images(rec(1))).resolves.toBeNull();
    const stored = { ...rec(2), images } as unknown as StepRecord;
    await expect(opened.images(stored)).resolves.toBe(images);
  });

  it('renders each record once while its worker lives', async () => {
    const renderFrame = vi.fn(async () => ({ front: new Uint8Array(4), wrist: new Uint8Array(4) }));
    const w = fakeWorker({ load: async () => ({}) as never, renderFrame: renderFrame as unknown as SimWorkerApi['renderFrame'] });
    opened = await StoredEpisodeRenderer.open(params, () => w.worker);
    expect(opened.cameraError).toBeNull();
    const r = rec(3);
    const [a, b] = await Promise.all([opened.images(r), opened.images(r)]);
    expect(a).toBe(b);
    expect(renderFrame).toHaveBeenCalledTimes(1);
  });
});
