import type { InferRequest, Backend, BackendComparison } from '../../workers/policyProtocol';
import { PolicyClient } from '../../workers/policyClient';
import type { StepRecord } from '../../workers/protocol';
import { MAX_K, usePolicyStore, type ExecutionSettings, type ModelSource } from '../policyStore';
import { errorText } from '../errorText';

// The main thread's side of the learned model: the policy worker's lifecycle (load, crash, restart), the
// model's settings in the UI, and the direct line it hands the sim worker once the model is ready. The
// main thread never asks the model for a decision itself: the sim worker's loop does.

export interface PolicyLinkHandlers {
  /** The model is ready behind this port (or gone: null, with the reason). */
  connect(port: MessagePort | null, reason?: string): void;
  /** The execution settings changed. */
  onExecution(settings: ExecutionSettings): void;
  onBackendChange(backend: Backend, reason: string): void;
  /** The worker died (after loading); the link restarts it. */
  onCrash(message: string): void;
  onRestarted(): void;
}

const setP = usePolicyStore.setState;
const getP = usePolicyStore.getState;
const MODEL_DIR = `${import.meta.env.BASE_URL}models/vla-small/`;
/** A silently dead worker is found by this heartbeat within about WATCH_AFTER + PING_DEADLINE (policyClient.ts). */
const HEARTBEAT_MS = 2000;

export class PolicyLink {
  private client: PolicyClient | null = null;
  private loading: Promise<boolean> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly handlers: PolicyLinkHandlers, readonly modelDir = MODEL_DIR) {}

  /** Start the policy worker and load the model; resolves to whether it is ready. */
  load(restart = false): Promise<boolean> {
    this.stopHeartbeat();
    this.client?.dispose();
    const client = new PolicyClient({
      onBackendChange: (b, reason) => {
        if (client !== this.client) return;
        setP({ backend: b, backendNote: reason });
        this.handlers.onBackendChange(b, reason);
      },
      onCrash: (message) => this.onCrash(client, message),
    });
    this.client = client;
    setP({ status: restart ? 'restarting' : 'loading', progress: null, phases: [], error: null });
    client.start();
    const src = getP().source;
    const opts = src && 'files' in src ? { modelDir: this.modelDir, files: src.files } : { modelDir: src?.dir ?? this.modelDir };
    const loading = client
      .load(opts, (p) => {
        if (client !== this.client) return;
        const phases = getP().phases;
        setP({ progress: p, phases: phases.at(-1) === p.phase ? phases : [...phases, p.phase] });
      })
      .then(
        (info) => {
          if (client !== this.client) return false;
          setP({ status: 'ready', info, backend: info.backend, backendNote: info.backendNote });
          // A prediction planned for k > H would never re-plan in time.
          if (getP().execution.k > info.chunkLength) this.setExecution({ k: info.chunkLength });
          this.handlers.connect(client.connect());
          this.startHeartbeat(client);
          return true;
        },
        (err: unknown) => {
          if (client !== this.client) return false;
          client.dispose();
          setP({ status: 'error', error: errorText(err), backend: null });
          return false;
        },
      );
    this.loading = loading;
    return loading;
  }

  /** Load another model (a folder URL or dropped files; null: the shipped one) in place of the current one. */
  useModel(source: ModelSource): Promise<boolean> {
    setP({ source, info: null });
    return this.load();
  }

  /** Open a new line to the ready model (the sim worker that held the old one was restarted). */
  reconnect(): void {
    const client = this.client;
    if (client?.alive && getP().status === 'ready') this.handlers.connect(client.connect());
  }

  /** Waits for a load in progress; whether the model can run now. */
  async ready(): Promise<boolean> {
    const s = getP().status;
    if (s === 'ready') return !!this.client?.alive;
    if (s === 'error' || !this.loading) return false;
    return this.loading;
  }

  private startHeartbeat(client: PolicyClient): void {
    // The sim worker's inferences do not pass through here, so a worker that dies silently between them
    // would go unnoticed until the next one; the heartbeat finds it.
    this.heartbeat = setInterval(() => {
      if (client === this.client && client.alive) void client.heartbeat().catch(() => undefined);
    }, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private onCrash(client: PolicyClient, message: string): void {
    if (client !== this.client) return;
    this.stopHeartbeat();
    const wasReady = getP().status === 'ready';
    setP({ awaiting: null });
    this.handlers.connect(null, `the policy worker stopped: ${message}`);
    this.handlers.onCrash(message);
    if (!wasReady) {
      // It died while loading: restarting would most likely loop.
      setP({ status: 'error', error: `the policy worker crashed while loading: ${message}` });
      return;
    }
    setP({ restarts: getP().restarts + 1 });
    void this.load(true).then((ok) => {
      if (ok) this.handlers.onRestarted();
    });
  }

  setExecution(patch: Partial<ExecutionSettings>): void {
    const prev = getP().execution;
    const H = getP().info?.chunkLength ?? MAX_K;
    const next: ExecutionSettings = { ...prev, ...patch };
    next.k = Math.max(1, Math.min(H, Math.round(next.k)));
    next.m = Math.max(0, Math.min(5, next.m));
    setP({ execution: next });
    this.handlers.onExecution(next);
  }

  // ---------------------------------------------------------------- tests, fault injection, benchmarks
  /** The observation a record shows, as the model receives it. */
  private observe(rec: StepRecord | undefined, instruction: string): InferRequest | null {
    if (!rec?.images) return null;
    const images = Object.fromEntries(Object.entries(rec.images).map(([k, v]) => [k, v.slice()]));
    return { epoch: 0, step: rec.step, images, proprio: rec.proprio.slice(), instruction };
  }

  /** The live observation through WebGPU and WASM (null when WebGPU is not live). */
  async compareBackends(rec: StepRecord | undefined, instruction: string): Promise<BackendComparison | null> {
    const req = this.observe(rec, instruction);
    if (!req || !this.client?.alive) return null;
    return this.client.compareBackends(req);
  }

  /** Per-run inference times (ms) inside the worker for the live observation. */
  async timeInference(rec: StepRecord | undefined, instruction: string, backend: Backend, runs: number): Promise<number[]> {
    const req = this.observe(rec, instruction);
    if (!req || !this.client?.alive) throw new Error('no live observation or no policy worker');
    return this.client.timeInference(req, backend, runs);
  }

  /** Destroy the WebGPU device as a driver reset would; the worker must carry on with WASM. */
  loseDevice(): Promise<boolean> {
    return this.client?.alive ? this.client.loseDevice() : Promise.resolve(false);
  }

  injectCrash(kind: 'close' | 'throw' = 'close'): void {
    this.client?.injectFault(kind);
  }

  dispose(): void {
    this.stopHeartbeat();
    this.client?.dispose();
  }
}

