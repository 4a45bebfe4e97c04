import { matchInstruction } from '../sim/instructions';
import type { Vec3 } from '../sim/math';
import type { PoseFrame, SceneDescription } from '../sim/sceneDescription';
import { DEFAULT_TASK, TASK_BY_ID } from '../sim/tasks';
import { PolicyCameraRenderer, type CameraImages } from '../render/policyCameras';
import type { PolicyDecision, PolicySource, SimEvent, StepRecord } from '../workers/protocol';
import { isTerminal } from '../workers/protocol';
import { SimClient } from '../workers/simClient';
import type { Backend } from '../workers/policyProtocol';
import { displayStatus, pushNotice, useEpisodeStore } from './episodeStore';
import { ModelRunner } from './modelRunner';
import { usePolicyStore, type ExecutionSettings } from './policyStore';
import { PoseInterpolator } from './poseInterpolator';
import { buildQuery, parseUrl } from './urlParams';

// The main thread's side of an episode: starts the sim and policy workers, loads episodes, runs / pauses /
// steps them with the scripted expert (inside the sim worker) or the learned model (ModelRunner), records
// every step, drives the timeline, forwards mouse drags, and recovers from worker crashes. React components
// call its methods and read the stores; the render loop reads its refs (`interp`, `drag`).

export interface DragState {
  body: number;
  /** Grab point in the body frame. */
  anchor: Vec3;
  /** Pointer position (world). */
  target: Vec3;
}

const set = useEpisodeStore.setState;
const get = useEpisodeStore.getState;

export class EpisodeController {
  private client: SimClient | null = null;
  scene: SceneDescription | null = null;
  /** Every recorded step of the current episode; index = step. */
  readonly records: StepRecord[] = [];
  readonly interp = new PoseInterpolator();
  /** The live mouse drag, read each frame to draw the spring. */
  drag: DragState | null = null;
  private epoch = 0;
  private lastArrival = 0;
  private arrivalInterval = 100;
  private cameras: PolicyCameraRenderer | null = null;
  private cameraError: string | null = null;
  private listeners = new Set<() => void>();
  private restarting: Promise<void> | null = null;
  /** Camera pixels per pose frame: the model's input and the camera views share one render. */
  private pixels = new WeakMap<PoseFrame, CameraImages>();
  /** Counts model runs, so only the newest one clears `playing` when it ends. */
  private modelRun = 0;
  /** The learned policy: its worker, its control loop, its settings. */
  readonly model: ModelRunner = new ModelRunner({
    records: this.records,
    currentEpoch: () => this.epoch,
    renderCameras: (frame) => this.renderCameras(frame),
    executeActions: (actions, epoch) => this.executeActions(actions, epoch),
    attachDecision: (step, decision) => this.attachDecision(step, decision),
    instructionFor: (r) => this.instructionFor(r),
    halt: (reason) => this.halt(reason),
    halted: () => !!get().crash,
    onBackendChange: (b, reason) => this.onBackendChange(b, reason),
    onPolicyCrash: (message) => this.onPolicyCrash(message),
    onRestarted: () => {
      pushNotice('info', 'The policy worker was restarted and the model reloaded; press Run or Reset to go on.');
      void this.model.preview();
    },
  });

  // ---------------------------------------------------------------- start-up
  async boot(search: string): Promise<void> {
    const url = parseUrl(search);
    for (const w of url.warnings) pushNotice('warning', w);
    let taskId = url.task ?? DEFAULT_TASK;
    let instruction = url.instruction;
    let autorun = url.autorun;
    if (url.instruction) {
      const m = matchInstruction(url.instruction);
      set({ match: m });
      if (!url.task) {
        if (m.best) taskId = m.best.taskId;
        else {
          // Show the message and the suggestions; do not run something the link did not ask for.
          instruction = '';
          autorun = false;
        }
      } else if (m.best && m.best.taskId !== url.task) {
        pushNotice('warning', `The instruction reads like "${m.best.title}", but the link asks for ${url.task}; running ${url.task} with the typed instruction.`);
      }
    }
    set({ taskId, seed: url.seed, instruction, instructionDraft: url.instruction, policy: url.policy, modelAvailable: true });
    // The model loads in its worker while the simulator starts when it is the policy; when the expert is,
    // the model follows once the episode is on screen, so the two do not compete for the CPU at start-up.
    let modelLoad: Promise<void> | null = url.policy === 'model' ? this.loadModel() : null;
    try {
      await this.startClient();
      set({ boot: 'ready' });
    } catch (err) {
      set({ boot: 'error', bootError: err instanceof Error ? err.message : String(err) });
      return;
    }
    await this.load();
    modelLoad ??= this.loadModel();
    // An instruction from the link that matched nothing stays in the box, next to the message about it.
    if (url.instruction && !instruction) set({ instructionDraft: url.instruction });
    if (!autorun) return;
    // An autorun link for the model waits for it; if it fails to load, the expert runs instead.
    if (get().policy === 'model') await modelLoad;
    await this.run();
  }

  /** Load the learned model; on failure the expert takes over with a message saying why. */
  private async loadModel(): Promise<void> {
    const ok = await this.model.load();
    if (ok) {
      set({ modelAvailable: true });
      void this.model.preview();
      return;
    }
    const reason = usePolicyStore.getState().error ?? 'unknown error';
    set({ modelAvailable: false });
    if (get().policy === 'model') {
      pushNotice('error', `The learned model could not be loaded: ${reason}. The scripted expert drives instead.`);
      set({ policy: 'expert' });
      if (get().boot === 'ready') await this.load();
    } else {
      pushNotice('warning', `The learned model could not be loaded: ${reason}.`);
    }
  }

  private async startClient(): Promise<void> {
    this.client?.dispose();
    const client = new SimClient({
      onEvent: (e) => this.onEvent(e),
      onCrash: (message) => this.onCrash(message),
    });
    this.client = client;
    this.scene = await client.start();
  }

  private get sim(): SimClient {
    if (!this.client || !this.client.alive) throw new Error('the simulator is not running');
    return this.client;
  }

  // ---------------------------------------------------------------- events from the worker
  private onEvent(e: SimEvent): void {
    // Anything from before the latest load (a step still in flight at reset) is stale.
    if (e.epoch !== this.epoch) return;
    if (e.type === 'record') {
      this.addRecord(e.record);
      // A step of the model's chunk: show what is left of the chunk at once.
      if (get().policy === 'model') this.model.recordArrived(e.record);
    } else set({ playing: e.playing });
  }

  private addRecord(r: StepRecord): void {
    this.records[r.step] = r;
    this.records.length = r.step + 1;
    const now = performance.now();
    if (this.lastArrival > 0) this.arrivalInterval = 0.7 * this.arrivalInterval + 0.3 * Math.min(400, now - this.lastArrival);
    this.lastArrival = now;
    const following = get().cursor === null;
    if (following) this.interp.push(r.frame.bodies, now, Math.min(250, this.arrivalInterval));
    set({ live: r, recordCount: this.records.length, ...(following ? { view: r } : {}) });
    if (isTerminal(r.outcome.status)) set({ playing: false });
    this.notify();
  }

  /** The current load's epoch: a result computed for an older epoch (before a reset) must be dropped. */
  get currentEpoch(): number {
    return this.epoch;
  }

  /**
   * Execute one action chosen by another policy (the model): the sim steps, the expert labels the new state
   * as ground truth, and the step is recorded with `decision` attached to the state it was made at.
   */
  async executeAction(action: number[], decision: PolicyDecision | null, epoch = this.epoch): Promise<StepRecord | null> {
    await this.ready();
    if (epoch !== this.epoch || get().crash) return null;
    // The last line of defence: whatever asks, a non-finite action never reaches the simulator.
    if (action.length !== 7 || action.some((v) => !Number.isFinite(v))) {
      this.halt(`refused a non-finite action [${action.map((v) => v.toFixed(3)).join(', ')}]`);
      return null;
    }
    const from = this.records.length - 1;
    if (decision) this.attachDecision(from, decision);
    const r = await this.sim.call((api) => api.execute(action)).catch(() => null);
    if (!r || epoch !== this.epoch || r.step !== this.records.length) return null;
    this.addRecord(r);
    return r;
  }

  /**
   * Execute a policy's actions in the sim worker, one per control period at the current speed; each step
   * arrives as a record event. Resolves with the last record, or null when stopped, reset or refused.
   */
  async executeActions(actions: number[][], epoch = this.epoch): Promise<StepRecord | null> {
    await this.ready();
    if (epoch !== this.epoch || get().crash || actions.length === 0) return null;
    const bad = actions.find((a) => a.length !== 7 || a.some((v) => !Number.isFinite(v)));
    if (bad) {
      this.halt(`refused a non-finite action [${bad.map((v) => v.toFixed(3)).join(', ')}]`);
      return null;
    }
    const from = this.records.length - 1;
    const n = await this.sim.call((api) => api.executeMany(actions, get().speed)).catch(() => null);
    if (!n || epoch !== this.epoch) return null;
    // Records come as events, on another channel than this reply: wait for the last one to land.
    return this.waitForRecord(from + n, epoch);
  }

  private waitForRecord(step: number, epoch: number, timeoutMs = 10_000): Promise<StepRecord | null> {
    const now = () => (epoch === this.epoch ? (this.records[step] ?? undefined) : null);
    const hit = now();
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve) => {
      const done = (r: StepRecord | null) => {
        unsubscribe();
        clearTimeout(timer);
        resolve(r);
      };
      const unsubscribe = this.subscribe(() => {
        const r = now();
        if (r !== undefined) done(r);
      });
      const timer = setTimeout(() => done(now() ?? null), timeoutMs);
    });
  }

  /** Attach a decision made elsewhere (the policy worker) to a recorded step, for display and replay. */
  attachDecision(step: number, decision: PolicyDecision): void {
    const r = this.records[step];
    if (!r) return;
    const updated = { ...r, decision };
    this.records[step] = updated;
    const s = get();
    set({
      ...(s.live?.step === step ? { live: updated } : {}),
      ...(s.view?.step === step ? { view: updated } : {}),
    });
    this.notify();
  }

  /** The instruction in force at a record: the current goal's (a chain has five). */
  instructionFor(r: StepRecord): string {
    const goals = get().info?.goals ?? [];
    return goals[Math.min(r.outcome.goalIndex, goals.length - 1)]?.instruction ?? '';
  }

  /** Stop the episode for a reason (a refused model output, a failed inference): shown as its failure. */
  halt(reason: string): void {
    this.model.stop();
    set({ crash: reason, playing: false });
    pushNotice('error', `The episode was stopped: ${reason}.`);
  }

  private onBackendChange(backend: Backend, reason: string): void {
    pushNotice('warning', `${reason[0].toUpperCase()}${reason.slice(1)}; the model carries on with ${backend === 'wasm' ? 'WASM on the CPU' : 'WebGPU'}.`);
  }

  private onPolicyCrash(raw: string): void {
    const message = raw.replace(/^Uncaught (Error: )?/, '');
    const s = get();
    const affected = s.policy === 'model' && !!s.live && !isTerminal(s.live.outcome.status) && !s.crash;
    if (affected) {
      set({ crash: `policy worker crashed at step ${s.live!.step}: ${message}`, playing: false });
      pushNotice('error', `The policy worker stopped (${message}). This episode is marked failed; the worker is being restarted.`);
    } else {
      pushNotice('warning', `The policy worker stopped (${message}); it is being restarted.`);
    }
  }

  private onCrash(raw: string): void {
    const message = raw.replace(/^Uncaught (Error: )?/, '');
    const reason = `simulator crashed: ${message}`;
    this.model.stop();
    set({ crash: reason, playing: false, loading: false });
    pushNotice('error', `The simulator stopped (${message}). This episode is marked failed; it was restarted, press Run or Reset to go on.`);
    this.drag = null;
    this.restarting = this.startClient()
      .catch((err) => {
        set({ boot: 'error', bootError: `the simulator could not be restarted: ${err instanceof Error ? err.message : String(err)}` });
      })
      .finally(() => {
        this.restarting = null;
      });
  }

  private async ready(): Promise<void> {
    if (this.restarting) await this.restarting;
  }

  // ---------------------------------------------------------------- episode control
  /** Load (or reload) the episode for the store's task, seed, instruction and policy. */
  async load(): Promise<void> {
    await this.ready();
    this.model.resetEpisode();
    const { taskId, seed, instruction, policy } = get();
    set({ loading: true });
    try {
      const res = await this.sim.call((api) => api.load({ taskId, seed, instruction: instruction || undefined, policy }));
      this.model.resetEpisode();
      this.epoch = res.epoch;
      this.records.length = 0;
      this.records.push(res.record);
      this.interp.snap(res.record.frame.bodies);
      this.lastArrival = 0;
      this.drag = null;
      const typedApplies = res.info.goals.length === 1;
      set({
        info: res.info,
        live: res.record,
        view: res.record,
        cursor: null,
        recordCount: 1,
        playing: false,
        crash: null,
        loading: false,
        instructionDraft: instruction && typedApplies ? instruction : res.info.goals[0].instruction,
      });
      this.updateUrl();
      this.notify();
      if (policy === 'model') void this.model.preview();
    } catch (err) {
      set({ loading: false });
      if (this.client?.alive) pushNotice('error', `Could not load the episode: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async run(): Promise<void> {
    await this.ready();
    const s = get();
    // A new instruction typed into the box and then Run (rather than Enter): match it first.
    const typed = s.instructionDraft.trim();
    if (s.info && typed && typed !== s.info.goals[0].instruction.trim() && typed !== s.instruction.trim()) {
      await this.submitInstruction(typed);
      return;
    }
    if (s.policy === 'model') {
      await this.runModel();
      return;
    }
    if (s.crash || !s.live || isTerminal(s.live.outcome.status)) await this.load();
    this.goLive();
    this.sim.api.play(get().speed);
  }

  private async modelReady(): Promise<boolean> {
    if (await this.model.ready()) return true;
    const reason = usePolicyStore.getState().error;
    pushNotice('error', `The learned model is not available${reason ? ` (${reason})` : ''}; choose the scripted expert to run.`);
    return false;
  }

  private async runModel(): Promise<void> {
    const id = ++this.modelRun;
    set({ playing: true });
    try {
      if (!(await this.modelReady()) || id !== this.modelRun) return;
      const s = get();
      if (s.crash || !s.live || isTerminal(s.live.outcome.status)) await this.load();
      if (id !== this.modelRun) return;
      this.goLive();
      set({ playing: true });
      await this.model.play();
    } finally {
      if (id === this.modelRun) set({ playing: false });
    }
  }

  pause(): void {
    if (this.client?.alive) this.client.api.pause();
    if (get().policy === 'model' || this.model.running) {
      this.modelRun += 1;
      this.model.stop();
      set({ playing: false });
    }
  }

  /** Accept the model's prediction waiting for approval (approval mode). */
  approve(): boolean {
    return this.model.accept();
  }

  setExecution(patch: Partial<ExecutionSettings>): void {
    this.model.setExecution(patch);
  }

  toggleRun(): void {
    if (get().playing) this.pause();
    else void this.run();
  }

  async step(): Promise<void> {
    await this.ready();
    const s = get();
    if (s.crash || !s.live || isTerminal(s.live.outcome.status)) return;
    if (s.playing) {
      this.pause();
      return;
    }
    this.goLive();
    if (s.policy === 'model') {
      // Step while a prediction waits for approval accepts it: the one step it executes is the step.
      if (this.model.accept()) return;
      if (await this.modelReady()) await this.model.step();
      return;
    }
    const r = await this.sim.call((api) => api.step()).catch(() => null);
    if (r && r.step === this.records.length) this.addRecord(r);
  }

  async reset(): Promise<void> {
    this.pause();
    await this.load();
  }

  setSpeed(speed: number): void {
    set({ speed });
    if (this.client?.alive) this.client.api.setSpeed(speed);
  }

  // ---------------------------------------------------------------- episode choice
  async setTask(taskId: string): Promise<void> {
    if (!TASK_BY_ID[taskId]) return;
    this.pause();
    set({ taskId, instruction: '', match: null });
    await this.load();
  }

  async setSeed(seed: number): Promise<void> {
    this.pause();
    set({ seed });
    await this.load();
  }

  setInstructionDraft(text: string): void {
    set({ instructionDraft: text });
  }

  /** Match the typed instruction to a task; on a match, load it and run. Returns whether it matched. */
  async submitInstruction(text: string, autorun = true): Promise<boolean> {
    const m = matchInstruction(text);
    set({ match: m });
    if (!m.best) return false;
    this.pause();
    set({ taskId: m.best.taskId, instruction: m.text });
    await this.load();
    if (autorun) await this.run();
    return true;
  }

  /**
   * Give the learned model a text no task matched, on the task already loaded: it reads whatever it is
   * told (unknown words become <unk>); success is still judged by the loaded task.
   */
  async runTextOnCurrentTask(text: string): Promise<void> {
    const s = get();
    if (s.policy !== 'model' || !text.trim() || (s.info?.goals.length ?? 1) > 1) return;
    this.pause();
    set({ instruction: text.trim(), match: null });
    await this.load();
    await this.run();
  }

  /** A suggested task from the instruction feedback: load it with its own instruction. */
  async chooseSuggestion(taskId: string): Promise<void> {
    await this.setTask(taskId);
  }

  dismissMatch(): void {
    set({ match: null });
  }

  setPolicy(policy: PolicySource): void {
    if (policy === 'model' && !get().modelAvailable) {
      const reason = usePolicyStore.getState().error;
      pushNotice('warning', `The learned model is not available${reason ? `: ${reason}` : ''}.`);
      return;
    }
    this.pause();
    set({ policy });
    void this.load();
  }

  private updateUrl(): void {
    if (typeof history === 'undefined') return;
    const s = get();
    const query = buildQuery({ task: s.taskId, seed: s.seed, instruction: s.instruction, policy: s.policy });
    // Display options that are not part of the episode (e.g. quality) stay in the link.
    const quality = new URLSearchParams(location.search).get('quality');
    history.replaceState(null, '', quality ? `${query}&quality=${encodeURIComponent(quality)}` : query);
  }

  shareUrl(): string {
    const s = get();
    return `${location.origin}${location.pathname}${buildQuery({ task: s.taskId, seed: s.seed, instruction: s.instruction, policy: s.policy })}`;
  }

  // ---------------------------------------------------------------- timeline
  /** Show recorded step `i` exactly as it was; pauses a running episode. */
  scrub(i: number): void {
    const n = this.records.length;
    if (n === 0) return;
    const k = Math.max(0, Math.min(n - 1, Math.round(i)));
    if (get().playing) this.pause();
    const r = this.records[k];
    this.interp.snap(r.frame.bodies);
    set({ cursor: k === n - 1 ? null : k, view: r });
    this.notify();
  }

  goLive(): void {
    const live = this.records[this.records.length - 1];
    if (!live || get().cursor === null) return;
    this.interp.snap(live.frame.bodies);
    set({ cursor: null, view: live });
    this.notify();
  }

  /** Branch: continue the episode from the step under the cursor, dropping what came after it. */
  async resumeFromCursor(): Promise<void> {
    const k = get().cursor;
    if (k === null) return;
    await this.ready();
    const s = get();
    if (s.crash) return;
    this.pause();
    this.model.resetEpisode();
    await this.sim.call((api) => api.resumeFrom(k));
    this.records.length = k + 1;
    // The branch re-plans from this state: the prediction recorded here belonged to the old future.
    const r = s.policy === 'model' ? { ...this.records[k], decision: null } : this.records[k];
    this.records[k] = r;
    this.interp.snap(r.frame.bodies);
    set({ cursor: null, view: r, live: r, recordCount: k + 1, playing: false });
    this.notify();
    if (s.policy === 'model') void this.model.preview();
  }

  // ---------------------------------------------------------------- mouse drag
  beginDrag(d: DragState): void {
    if (!this.client?.alive) return;
    this.drag = d;
    this.client.api.dragStart(d);
    this.notify();
  }

  moveDrag(target: Vec3): void {
    if (!this.drag || !this.client?.alive) return;
    this.drag.target = target;
    this.client.api.dragMove(target);
    this.notify();
  }

  endDrag(): void {
    if (!this.drag) return;
    this.drag = null;
    if (this.client?.alive) this.client.api.dragEnd();
    this.notify();
  }

  // ---------------------------------------------------------------- policy cameras
  /** The policy cameras' RGB pixels for a pose frame (the exact model input); null if WebGL is missing. */
  renderCameras(frame: PoseFrame): CameraImages | null {
    if (!this.scene || this.cameraError) return null;
    const cached = this.pixels.get(frame);
    if (cached) return cached;
    try {
      this.cameras ??= new PolicyCameraRenderer(this.scene);
      const images = this.cameras.render(frame);
      this.pixels.set(frame, images);
      return images;
    } catch (err) {
      this.cameraError = err instanceof Error ? err.message : String(err);
      pushNotice('error', `The policy cameras cannot be rendered: ${this.cameraError}`);
      return null;
    }
  }

  // ---------------------------------------------------------------- misc
  /** Set by the 3D view: a world point's position in the page (CSS pixels), for tests and tooltips. */
  screenPoint: ((p: Vec3) => [number, number]) | null = null;

  /** World position of a body (by MuJoCo name) in the step on screen. */
  bodyPosition(name: string): Vec3 | null {
    const b = this.scene?.bodyNames.indexOf(name) ?? -1;
    const view = get().view;
    if (b < 0 || !view) return null;
    const f = view.frame.bodies;
    return [f[7 * b], f[7 * b + 1], f[7 * b + 2]];
  }

  /** Called whenever records or the viewed step change (for non-React consumers such as canvases). */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }

  status(): string {
    return displayStatus(get());
  }

  /** The learned policy's state (load progress, backend, execution settings), for tests and the bench. */
  policyState() {
    return usePolicyStore.getState();
  }

  /** Fault injection: make the worker die, to exercise crash recovery (used by the e2e tests). */
  injectCrash(): void {
    this.client?.api.injectFault('crash');
  }

  dispose(): void {
    this.model.dispose();
    this.client?.dispose();
    this.cameras?.dispose();
  }
}

export const controller = new EpisodeController();
