import * as Comlink from 'comlink';
import type { SceneDescription } from '../sim/sceneDescription';
import type { SimEvent, SimWorkerApi } from './protocol';

// The main thread's handle on the sim worker: starts it, forwards its events, and notices when it dies
// (an uncaught error, a WASM abort surfacing as a rejected call) so the app can restart it.

export interface SimClientHandlers {
  onEvent(e: SimEvent): void;
  /** The worker is gone or unusable; `message` says why. The client has already been torn down. */
  onCrash(message: string): void;
}

export class SimClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<SimWorkerApi> | null = null;
  private dead = false;
  scene: SceneDescription | null = null;
  controlHz = 10;

  constructor(private readonly handlers: SimClientHandlers) {}

  async start(): Promise<SceneDescription> {
    this.dead = false;
    const worker = new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'sim' });
    this.worker = worker;
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.crash(e.message || 'the simulator worker stopped with an error');
    });
    worker.addEventListener('messageerror', () => this.crash('a message from the simulator could not be read'));
    this.remote = Comlink.wrap<SimWorkerApi>(worker);
    const listener = Comlink.proxy((e: SimEvent) => {
      if (!this.dead) this.handlers.onEvent(e);
    });
    const { scene, controlHz } = await this.remote.init(listener);
    this.scene = scene;
    this.controlHz = controlHz;
    return scene;
  }

  get api(): Comlink.Remote<SimWorkerApi> {
    if (!this.remote || this.dead) throw new Error('the simulator is not running');
    return this.remote;
  }

  get alive(): boolean {
    return !!this.remote && !this.dead;
  }

  /**
   * Run a call against the worker; a rejection means the worker's state can no longer be trusted (a WASM
   * abort leaves MuJoCo's memory undefined), so it counts as a crash.
   */
  async call<T>(fn: (api: Comlink.Remote<SimWorkerApi>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.api);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.crash(message);
      throw err;
    }
  }

  private crash(message: string): void {
    if (this.dead) return;
    this.dispose();
    this.handlers.onCrash(message);
  }

  dispose(): void {
    this.dead = true;
    // Terminating is enough: the Comlink proxy dies with the worker it talks to.
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }
}
