import { matchInstruction } from '../sim/instructions';
import type { Vec3 } from '../sim/math';
import type { PoseFrame, SceneDescription } from '../sim/sceneDescription';
import { DEFAULT_TASK, TASK_BY_ID } from '../sim/tasks';
import { PolicyCameraRenderer, type CameraImages } from '../render/policyCameras';
import type { PolicyDecision, PolicySource, SimEvent, StepRecord } from '../workers/protocol';
import { isTerminal } from '../workers/protocol';
import { SimClient } from '../workers/simClient';
import { displayStatus, pushNotice, useEpisodeStore } from './episodeStore';
import { PoseInterpolator } from './poseInterpolator';
import { buildQuery, parseUrl } from './urlParams';

// The main thread's side of an episode: starts the sim worker, loads episodes, runs / pauses / steps them,
// records every step, drives the timeline, forwards mouse drags, and recovers from worker crashes. React
// components call its methods and read the store; the render loop reads its refs (`interp`, `drag`).

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
    if (url.policy === 'model' && !get().modelAvailable) {
      pushNotice('warning', 'The learned model is not available in this build yet; using the scripted expert.');
    }
    set({ taskId, seed: url.seed, instruction, instructionDraft: url.instruction, policy: 'expert' });
    try {
      await this.startClient();
      set({ boot: 'ready' });
    } catch (err) {
      set({ boot: 'error', bootError: err instanceof Error ? err.message : String(err) });
      return;
    }
    await this.load();
    // An instruction from the link that matched nothing stays in the box, next to the message about it.
    if (url.instruction && !instruction) set({ instructionDraft: url.instruction });
    if (autorun) await this.run();
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
    if (e.type === 'record') this.addRecord(e.record);
    else set({ playing: e.playing });
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
    const from = this.records.length - 1;
    if (decision) this.attachDecision(from, decision);
    const r = await this.sim.call((api) => api.execute(action)).catch(() => null);
    if (!r || epoch !== this.epoch || r.step !== this.records.length) return null;
    this.addRecord(r);
    return r;
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

  private onCrash(raw: string): void {
    const message = raw.replace(/^Uncaught (Error: )?/, '');
    const reason = `simulator crashed: ${message}`;
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
    const { taskId, seed, instruction, policy } = get();
    set({ loading: true });
    try {
      const res = await this.sim.call((api) => api.load({ taskId, seed, instruction: instruction || undefined, policy }));
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
    if (s.policy !== 'expert') {
      pushNotice('warning', 'Only the scripted expert can drive the arm in this build.');
      return;
    }
    if (s.crash || !s.live || isTerminal(s.live.outcome.status)) await this.load();
    this.goLive();
    this.sim.api.play(get().speed);
  }

  pause(): void {
    if (this.client?.alive) this.client.api.pause();
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

  /** A suggested task from the instruction feedback: load it with its own instruction. */
  async chooseSuggestion(taskId: string): Promise<void> {
    await this.setTask(taskId);
  }

  dismissMatch(): void {
    set({ match: null });
  }

  setPolicy(policy: PolicySource): void {
    if (policy === 'model' && !get().modelAvailable) {
      pushNotice('warning', 'The learned model is not available in this build yet.');
      return;
    }
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
    await this.sim.call((api) => api.resumeFrom(k));
    this.records.length = k + 1;
    const r = this.records[k];
    this.interp.snap(r.frame.bodies);
    set({ cursor: null, view: r, live: r, recordCount: k + 1, playing: false });
    this.notify();
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
    try {
      this.cameras ??= new PolicyCameraRenderer(this.scene);
      return this.cameras.render(frame);
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

  /** Fault injection: make the worker die, to exercise crash recovery (used by the e2e tests). */
  injectCrash(): void {
    this.client?.api.injectFault('crash');
  }

  dispose(): void {
    this.client?.dispose();
    this.cameras?.dispose();
  }
}

export const controller = new EpisodeController();
