import * as Comlink from 'comlink';
import type { SceneDescription } from '../../sim/sceneDescription';
import type { SimEvent, SimWorkerApi } from '../../workers/protocol';
import { makeSimWorker } from '../../workers/earlyWorkers';

// The main thread's line to the sim worker: starts it, forwards its events, and answers for its faults. A
// worker that dies loudly (an uncaught error) or silently (closed, killed: it stops answering) is found by
// its error event or by a heartbeat, and restarted; one that cannot even load is retried with back-off a
// bounded number of times, then reported, never requested again in a loop.

export interface SimLinkHandlers {
  onEvent(e: SimEvent): void;
  /** The worker died after it had started; it is being restarted. */
  onCrash(message: string): void;
  /** A (re)started worker is ready. */
  onStarted(scene: SceneDescription, cameraError: string | null): void;
  /** Starting failed `attempts` times in a row; no further attempt is made. */
  onGiveUp(message: string, attempts: number): void;
}

export const HEARTBEAT_MS = 1000;
/**
 * A live worker answers a ping between control steps (each well under a second, even on a busy machine);
 * its longer jobs (replaying a branch) yield between steps so that it can.
 */
export const PING_DEADLINE_MS = 4000;
/** Waits before each restart after a failed start: 0.5 s, 1 s, 2 s, then give up. */
export const RESTART_BACKOFF_MS = [500, 1000, 2000];

export class SimStartError extends Error {}

export class SimLink {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<SimWorkerApi> | null = null;
  private dead = true;
  private failedStarts = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private lastTick = 0;
  private pingSent = 0;
  private lastAnswer = 0;
  private crashed: ((err: Error) => void) | null = null;
  private events: MessagePort | null = null;
  private lost: ((err: Error) => void) | null = null;
  private lostPromise: Promise<never> = SimLink.settledLoss();
  scene: SceneDescription | null = null;

  constructor(
    private readonly handlers: SimLinkHandlers,
    private readonly makeWorker: () => Worker = makeSimWorker,
  ) {}

  /** Start the worker (retrying with back-off); resolves with the scene, rejects after giving up. */
  async start(): Promise<SceneDescription> {
    for (;;) {
      try {
        const scene = await this.startOnce();
        this.failedStarts = 0;
        return scene;
      } catch (err) {
        this.failedStarts += 1;
        const message = err instanceof Error ? err.message : String(err);
        if (this.failedStarts > RESTART_BACKOFF_MS.length) {
          this.handlers.onGiveUp(message, this.failedStarts);
          throw new SimStartError(`the simulator could not be started after ${this.failedStarts} attempts: ${message}`);
        }
        await new Promise((r) => setTimeout(r, RESTART_BACKOFF_MS[this.failedStarts - 1]));
      }
    }
  }

  private async startOnce(): Promise<SceneDescription> {
    this.teardown();
    this.dead = false;
    const worker = this.makeWorker();
    this.worker = worker;
    const failed = new Promise<never>((_, reject) => (this.crashed = reject));
    this.lostPromise = new Promise<never>((_, reject) => (this.lost = reject));
    // Only those who race a call against it care; nobody else must see an unhandled rejection.
    this.lostPromise.catch(() => undefined);
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.fail(e.message || 'the simulator worker stopped with an error (or its script could not be loaded)');
    });
    worker.addEventListener('messageerror', () => this.fail('a message from the simulator could not be read'));
    const remote = Comlink.wrap<SimWorkerApi>(worker);
    this.remote = remote;
    const events = new MessageChannel();
    events.port1.onmessage = (m: MessageEvent<SimEvent>) => {
      if (!this.dead && this.worker === worker) this.handlers.onEvent(m.data);
    };
    this.events?.close();
    this.events = events.port1;
    const { scene, cameraError } = await Promise.race([remote.init(Comlink.transfer(events.port2, [events.port2])), failed]);
    this.scene = scene;
    this.crashed = null;
    this.startHeartbeat();
    this.handlers.onStarted(scene, cameraError);
    return scene;
  }

  get api(): Comlink.Remote<SimWorkerApi> {
    if (!this.remote || this.dead) throw new Error('the simulator is not running');
    return this.remote;
  }

  /**
   * Rejects when the worker now running is gone (crashed, restarted or disposed). A Comlink call in flight to
   * a dead worker never settles: whoever must not wait forever races the call against this.
   */
  get gone(): Promise<never> {
    return this.lostPromise;
  }

  private static settledLoss(): Promise<never> {
    const p = Promise.reject(new Error('the simulator is not running'));
    p.catch(() => undefined);
    return p;
  }

  get alive(): boolean {
    return !!this.remote && !this.dead;
  }

  /** Run a call; a rejection means the worker's state can no longer be trusted (a WASM abort), so it is a crash. */
  async call<T>(fn: (api: Comlink.Remote<SimWorkerApi>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.api);
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.pingSent = 0;
    this.lastTick = 0;
    this.heartbeat = setInterval(() => {
      const remote = this.remote;
      if (!remote || this.dead) return;
      const now = performance.now();
      // A tick that comes late means this thread was frozen (a busy machine): the worker's answer may be
      // queued behind this very tick, so the verdict waits for the next one.
      const late = this.lastTick > 0 && now - this.lastTick > HEARTBEAT_MS;
      this.lastTick = now;
      if (late) return;
      if (this.pingSent > 0) {
        if (now - this.pingSent > PING_DEADLINE_MS) this.fail('the simulator stopped responding');
        return;
      }
      if (now - this.lastAnswer < HEARTBEAT_MS) return;
      this.pingSent = now;
      remote.ping().then(
        () => {
          if (this.remote !== remote) return;
          this.pingSent = 0;
          this.lastAnswer = performance.now();
        },
        () => undefined,
      );
    }, HEARTBEAT_MS / 4);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** The worker is gone: before it started, the start fails; after, it is reported as a crash. */
  private fail(message: string): void {
    if (this.dead) return;
    const starting = this.crashed;
    this.teardown(message);
    if (starting) starting(new Error(message));
    else this.handlers.onCrash(message);
  }

  private teardown(reason = 'the simulator was stopped'): void {
    this.dead = true;
    this.crashed = null;
    this.lost?.(new Error(reason));
    this.lost = null;
    this.stopHeartbeat();
    this.events?.close();
    this.events = null;
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  dispose(): void {
    this.teardown();
  }
}
