import { ActionScheduler } from '../policy/execution';
import type { CameraImages } from '../render/policyCameras';
import type { PoseFrame } from '../sim/sceneDescription';
import type { PolicyDecision, StepRecord } from '../workers/protocol';
import { PolicyClient, PolicyCrashError } from '../workers/policyClient';
import type { Backend, BackendComparison, InferRequest, InferResult } from '../workers/policyProtocol';
import { continuation, modelExtras, toPolicyDecision } from './modelDecision';
import { DEFAULT_EXECUTION_SETTINGS, executionMode, MAX_K, usePolicyStore, type ExecutionSettings } from './policyStore';

// The learned policy's control loop on the main thread. Per control step: the newest record's pose frame
// is rendered by the policy cameras, the pixels go to the policy worker with the episode's epoch, the
// prediction is attached to the record (so every view previews it), optionally waits for a person's
// approval, and the scheduled action executes in the sim worker. Inference and physics stay off this
// thread; only the 64 px camera renders happen here.

/** What the runner needs from the episode controller. */
export interface ModelHost {
  readonly records: readonly StepRecord[];
  /** The episode's epoch now; a result computed under another one is stale. */
  currentEpoch(): number;
  renderCameras(frame: PoseFrame): CameraImages | null;
  /** Execute actions one per control period (in the sim worker); the last record, or null if stopped. */
  executeActions(actions: number[][], epoch: number): Promise<StepRecord | null>;
  attachDecision(step: number, decision: PolicyDecision): void;
  /** The instruction in force at a record (it changes between the goals of a chain). */
  instructionFor(record: StepRecord): string;
  /** End the episode with a reason; nothing further executes. */
  halt(reason: string): void;
  /** The episode was ended by something other than its task (a crash, a halt). */
  halted(): boolean;
  onBackendChange(backend: Backend, reason: string): void;
  onPolicyCrash(message: string): void;
  onRestarted(): void;
}

const setP = usePolicyStore.setState;
const getP = usePolicyStore.getState;
const MODEL_DIR = `${import.meta.env.BASE_URL}models/vla-small/`;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function copyImages(images: CameraImages): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(images).map(([k, v]) => [k, v.slice()]));
}

export class ModelRunner {
  private client: PolicyClient | null = null;
  private loading: Promise<boolean> | null = null;
  private scheduler = new ActionScheduler(executionMode(DEFAULT_EXECUTION_SETTINGS));
  /** The newest prediction and the step it was made at (its remainder is shown on later steps). */
  private latest: { step: number; decision: PolicyDecision } | null = null;
  private instruction: string | null = null;
  /** Bumped by every reset or resume: results computed before it belong to an episode that is gone. */
  private episodeGen = 0;
  /** Bumped by every pause and every new run: a loop started under an older token stops. */
  private runToken = 0;
  private loop: Promise<void> | null = null;
  private inflight: { step: number; gen: number; promise: Promise<PolicyDecision | null> } | null = null;
  /** The step whose prediction has not been approved yet (approval mode). */
  private unapproved: number | null = null;
  private approve: ((ok: boolean) => void) | null = null;

  constructor(private readonly host: ModelHost, readonly modelDir = MODEL_DIR) {}

  // ---------------------------------------------------------------- the worker
  /** Start the policy worker and load the model; resolves to whether it is ready. */
  load(restart = false): Promise<boolean> {
    this.client?.dispose();
    const client = new PolicyClient({
      onBackendChange: (b, reason) => {
        if (client !== this.client) return;
        setP({ backend: b, backendNote: reason });
        this.host.onBackendChange(b, reason);
      },
      onCrash: (message) => this.onCrash(client, message),
    });
    this.client = client;
    setP({ status: restart ? 'restarting' : 'loading', progress: null, phases: [], error: null });
    client.start();
    const loading = client
      .load({ modelDir: this.modelDir }, (p) => {
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

  /** Waits for a load in progress; whether the model can run now. */
  async ready(): Promise<boolean> {
    const s = getP().status;
    if (s === 'ready') return !!this.client?.alive;
    if (s === 'error' || !this.loading) return false;
    return this.loading;
  }

  private onCrash(client: PolicyClient, message: string): void {
    if (client !== this.client) return;
    const wasReady = getP().status === 'ready';
    this.stop();
    this.inflight = null;
    setP({ inferring: false, awaiting: null });
    this.host.onPolicyCrash(message);
    if (!wasReady) {
      // It died while loading: restarting would most likely loop.
      setP({ status: 'error', error: `the policy worker crashed while loading: ${message}` });
      return;
    }
    setP({ restarts: getP().restarts + 1 });
    // The chunk in hand came from the dead worker's model: start the next run with a fresh prediction.
    this.scheduler.reset();
    this.latest = null;
    void this.load(true).then((ok) => {
      if (ok) this.host.onRestarted();
    });
  }

  // ---------------------------------------------------------------- episode lifecycle
  /** A new episode (load, reset) or a branch (resume): forget every plan made before. */
  resetEpisode(): void {
    this.episodeGen += 1;
    this.stop();
    this.scheduler.reset();
    this.latest = null;
    this.instruction = null;
    this.unapproved = null;
    this.inflight = null;
  }

  /** Stop the loop after whatever it is waiting on; a pending approval is withdrawn. */
  stop(): void {
    this.runToken += 1;
    this.approve?.(false);
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /**
   * Show what the model will do at the live step without executing anything: the rest of the chunk in
   * hand, or a fresh prediction when the schedule needs one. The plan is on screen before anything moves.
   */
  async preview(): Promise<void> {
    const live = this.host.records.at(-1);
    if (!live || live.outcome.status !== 'running' || live.decision || this.loop || this.host.halted()) return;
    if (getP().status !== 'ready') return;
    this.syncInstruction(live);
    if (this.scheduler.needsInference(live.step)) await this.predict(live);
    else this.showRemainder(live);
  }

  private showRemainder(live: StepRecord): void {
    if (this.latest && this.latest.step < live.step && !live.decision) {
      this.host.attachDecision(live.step, continuation(this.latest.decision, live.step - this.latest.step));
    }
  }

  /** Run until the episode ends, a fault stops it, or `stop()`. */
  play(): Promise<void> {
    return this.drive(Infinity);
  }

  /** Exactly one control step (with a prediction first when the schedule needs one). */
  step(): Promise<void> {
    return this.drive(1);
  }

  private async drive(maxSteps: number): Promise<void> {
    const token = ++this.runToken;
    this.approve?.(false);
    // A loop stopped a moment ago may still be waiting on the sim; never run two.
    while (this.loop) await this.loop;
    if (token !== this.runToken) return;
    const run = this.runLoop(token, maxSteps);
    this.loop = run;
    try {
      await run;
    } finally {
      if (this.loop === run) this.loop = null;
    }
    // Stepped or paused: the next plan goes on screen while the arm waits.
    if (!this.loop) await this.preview();
  }

  private syncInstruction(live: StepRecord): void {
    // A new instruction (the next goal of a chain) invalidates the chunk planned for the old one.
    const instruction = this.host.instructionFor(live);
    if (instruction !== this.instruction) {
      this.scheduler.reset();
      this.instruction = instruction;
      this.latest = null;
    }
  }

  private async runLoop(token: number, maxSteps: number): Promise<void> {
    const gen = this.episodeGen;
    const alive = () => token === this.runToken && gen === this.episodeGen;
    let done = 0;
    while (alive() && done < maxSteps) {
      const live = this.host.records.at(-1);
      if (!live || live.outcome.status !== 'running') break;
      const n = live.step;
      this.syncInstruction(live);
      if (this.scheduler.needsInference(n)) {
        const decision = await this.predict(live);
        if (!decision || !alive()) break;
      } else {
        this.showRemainder(live);
      }
      if (this.unapproved === n && getP().execution.approval) {
        if (!(await this.waitForApproval(n)) || !alive()) break;
      }
      if (this.unapproved === n) this.unapproved = null;
      const actions = this.plannedActions(n, maxSteps - done);
      if (actions.length === 0) {
        this.host.halt(`no action was planned for step ${n}`);
        break;
      }
      // The sim worker paces them at the control rate; this thread is needed again at the next prediction.
      const rec = await this.host.executeActions(actions, this.host.currentEpoch());
      if (!rec || rec.step <= n) break;
      done += rec.step - n;
    }
  }

  /** The actions the schedule runs from step `n` before it asks the model again (at most `max`). */
  private plannedActions(n: number, max: number): number[][] {
    const out: number[][] = [];
    for (let s = n; out.length < max; s++) {
      if (s > n && this.scheduler.needsInference(s)) break;
      const a = this.scheduler.actionAt(s);
      if (!a) break;
      out.push(a);
    }
    return out;
  }

  /** A step of a chunk arrived from the sim: show the rest of the chunk on it. */
  recordArrived(rec: StepRecord): void {
    if (!this.scheduler.needsInference(rec.step)) this.showRemainder(rec);
  }

  private waitForApproval(step: number): Promise<boolean> {
    setP({ awaiting: step });
    return new Promise<boolean>((ok) => {
      this.approve = (v) => {
        this.approve = null;
        setP({ awaiting: null });
        ok(v);
      };
    });
  }

  /** Accept the prediction waiting for approval; false when none waits. */
  accept(): boolean {
    if (!this.approve) return false;
    this.approve(true);
    return true;
  }

  // ---------------------------------------------------------------- inference
  private predict(rec: StepRecord): Promise<PolicyDecision | null> {
    const f = this.inflight;
    if (f && f.step === rec.step && f.gen === this.episodeGen) return f.promise;
    const promise = this.infer(rec).finally(() => {
      if (this.inflight?.promise === promise) this.inflight = null;
    });
    this.inflight = { step: rec.step, gen: this.episodeGen, promise };
    return promise;
  }

  /** The observation at a record, as the model receives it (fresh copies: the buffers are transferred). */
  observe(rec: StepRecord): InferRequest | null {
    const images = this.host.renderCameras(rec.frame);
    if (!images) return null;
    return { epoch: this.host.currentEpoch(), step: rec.step, images: copyImages(images), proprio: rec.proprio.slice(), instruction: this.host.instructionFor(rec) };
  }

  private async infer(rec: StepRecord): Promise<PolicyDecision | null> {
    const gen = this.episodeGen;
    const client = this.client;
    if (!client?.alive || getP().status !== 'ready') return null;
    const req = this.observe(rec);
    if (!req) {
      this.host.halt('the policy cameras cannot be rendered, so the model has nothing to see');
      return null;
    }
    setP({ inferring: true });
    let res: InferResult;
    try {
      res = await client.infer(req);
    } catch (err) {
      // A crash is handled (and reported) by onCrash; anything else is this episode's problem.
      if (!(err instanceof PolicyCrashError) && gen === this.episodeGen) this.host.halt(`the model failed to run: ${errorText(err)}`);
      return null;
    } finally {
      if (client === this.client) setP({ inferring: false });
    }
    // Computed for an episode that has since been reset: drop it.
    if (res.epoch !== this.host.currentEpoch() || gen !== this.episodeGen) {
      setP({ dropped: getP().dropped + 1 });
      return null;
    }
    const decision = toPolicyDecision(res, req.instruction);
    this.host.attachDecision(rec.step, decision);
    setP({ lastInferMs: res.ms });
    const fault = modelExtras(decision)!.fault;
    if (fault) {
      this.host.halt(`model output refused, nothing was sent to the simulator: ${fault}`);
      return null;
    }
    this.scheduler.push(rec.step, decision.actions);
    this.latest = { step: rec.step, decision };
    this.unapproved = rec.step;
    return decision;
  }

  // ---------------------------------------------------------------- settings
  setExecution(patch: Partial<ExecutionSettings>): void {
    const prev = getP().execution;
    const H = getP().info?.chunkLength ?? MAX_K;
    const next: ExecutionSettings = { ...prev, ...patch };
    next.k = Math.max(1, Math.min(H, Math.round(next.k)));
    next.m = Math.max(0, Math.min(5, next.m));
    setP({ execution: next });
    if (next.kind !== prev.kind || next.k !== prev.k || next.m !== prev.m) {
      this.scheduler = new ActionScheduler(executionMode(next));
      // A prediction made for the step on screen stays valid under the new schedule.
      const live = this.host.records.at(-1);
      if (this.latest && live && this.latest.step === live.step) this.scheduler.push(live.step, this.latest.decision.actions);
    }
    if (!next.approval) this.approve?.(true);
  }

  // ---------------------------------------------------------------- tests, fault injection, benchmarks
  /** The live observation through WebGPU and WASM (null when WebGPU is not live). */
  async compareBackends(): Promise<BackendComparison | null> {
    const live = this.host.records.at(-1);
    const req = live ? this.observe(live) : null;
    if (!req || !this.client?.alive) return null;
    return this.client.compareBackends(req);
  }

  /** Per-run inference times (ms) inside the worker for the live observation. */
  async timeInference(backend: Backend, runs: number): Promise<number[]> {
    const live = this.host.records.at(-1);
    const req = live ? this.observe(live) : null;
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
    this.stop();
    this.client?.dispose();
  }
}
