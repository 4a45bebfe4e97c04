import * as Comlink from 'comlink';
import type { LoadProgress } from '../policy/modelLoader';
import { makePolicyWorker } from './earlyWorkers';
import { watchCall } from './watchdog';
import type { Backend, BackendComparison, InferRequest, InferResult, PolicyLoadInfo, PolicyLoadOptions, PolicyWorkerApi } from './policyProtocol';

// The main thread's handle on the policy worker: starts it, loads the model, hands the sim worker a direct
// line to it (connect), and notices when the worker dies: every call runs under src/workers/watchdog.ts,
// and a heartbeat pings it while nothing else is asked (the sim worker's inferences do not pass here).

export interface PolicyClientHandlers {
  onBackendChange(backend: Backend, reason: string): void;
  /** The worker is gone; pending calls have been rejected with a PolicyCrashError. */
  onCrash(message: string): void;
}

export class PolicyCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyCrashError';
  }
}

/** How long a call runs before the watchdog asks whether the worker is still there. */
const WATCH_AFTER_MS = 3000;
/**
 * How long a live worker may take to answer that question: a synchronous WASM run or session build blocks
 * it, and on a busy 2-core machine that can take seconds; building sessions at load takes longest, and a
 * software WebGPU adapter starved of CPU can hold the worker far longer still.
 */
const PING_DEADLINE_MS: Record<Backend, number> = { wasm: 8000, webgpu: 30000 };
const LOAD_PING_DEADLINE_MS = 30000;

export class PolicyClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<PolicyWorkerApi> | null = null;
  private dead = false;
  private readonly pending = new Set<(err: Error) => void>();
  /** The live backend, which sets how patient the watchdog is. */
  backend: Backend = 'wasm';

  constructor(private readonly handlers: PolicyClientHandlers) {}

  start(): void {
    this.dead = false;
    const worker = makePolicyWorker();
    this.worker = worker;
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.crash(e.message || 'the policy worker stopped with an error');
    });
    worker.addEventListener('messageerror', () => this.crash('a message from the policy worker could not be read'));
    this.remote = Comlink.wrap<PolicyWorkerApi>(worker);
    void this.remote.onBackendChange(Comlink.proxy((b: Backend, reason: string) => {
      this.backend = b;
      if (!this.dead) this.handlers.onBackendChange(b, reason);
    }));
  }

  get alive(): boolean {
    return !!this.remote && !this.dead;
  }

  private get api(): Comlink.Remote<PolicyWorkerApi> {
    if (!this.remote || this.dead) throw new PolicyCrashError('the policy worker is not running');
    return this.remote;
  }

  /** Run a call; rejects with PolicyCrashError if the worker dies (loudly or silently) before it answers. */
  private watched<T>(fn: (api: Comlink.Remote<PolicyWorkerApi>) => Promise<T>, pingDeadline = PING_DEADLINE_MS[this.backend]): Promise<T> {
    const api = this.api;
    const w = watchCall(() => fn(api), {
      watchAfterMs: WATCH_AFTER_MS,
      pingDeadlineMs: pingDeadline,
      ping: () => api.ping(),
      onLost: () => this.crash('the policy worker stopped responding'),
      lostError: () => new PolicyCrashError('the policy worker stopped responding'),
    });
    this.pending.add(w.abort);
    const forget = () => this.pending.delete(w.abort);
    w.promise.then(forget, forget);
    return w.promise;
  }

  async load(opts: PolicyLoadOptions, onProgress: (p: LoadProgress) => void): Promise<PolicyLoadInfo> {
    const info = await this.watched((api) => api.load(opts, Comlink.proxy(onProgress)), LOAD_PING_DEADLINE_MS);
    this.backend = info.backend;
    return info;
  }

  /** The images' buffers move to the worker: pass copies if the caller still needs them. */
  infer(req: InferRequest): Promise<InferResult> {
    const buffers = [...Object.values(req.images).map((a) => a.buffer), req.proprio.buffer] as ArrayBuffer[];
    return this.watched((api) => api.infer(Comlink.transfer(req, buffers)));
  }

  compareBackends(req: InferRequest): Promise<BackendComparison | null> {
    return this.watched((api) => api.compareBackends(req));
  }

  timeInference(req: InferRequest, backend: Backend, runs: number): Promise<number[]> {
    return this.watched((api) => api.timeInference(req, backend, runs));
  }

  loseDevice(): Promise<boolean> {
    return this.watched((api) => api.loseDevice());
  }

  clearCache(): Promise<void> {
    return this.watched((api) => api.clearCache());
  }

  /** A MessagePort on which the worker serves `infer` and `ping` (for the sim worker's control loop). */
  connect(): MessagePort {
    const ch = new MessageChannel();
    void this.api.connect(Comlink.transfer(ch.port1, [ch.port1]));
    return ch.port2;
  }

  /** Ping now (the heartbeat between calls); a worker that does not answer is declared dead. */
  heartbeat(): Promise<number> {
    return this.watched((api) => api.ping());
  }

  injectFault(kind: 'close' | 'throw'): void {
    void this.api.injectFault(kind);
  }

  private crash(message: string): void {
    if (this.dead) return;
    this.dispose(message);
    this.handlers.onCrash(message);
  }

  /** Stop the worker; calls still waiting for it are rejected with `reason`. */
  dispose(reason = 'the policy worker was stopped'): void {
    this.dead = true;
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    const err = new PolicyCrashError(reason);
    for (const fail of [...this.pending]) fail(err);
  }
}
