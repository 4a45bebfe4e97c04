// Longer than ~400 lines on purpose: a facade's surface is long by nature (every action a person or a test
// can take); each method is a few lines of wiring into the parts beside it.

import type { ApprovalAnswer } from '../../engine/approvals';
import * as Comlink from 'comlink';
import type { AxisSetting } from '../../sim/axes';
import type { CameraImages } from '../../engine/types';
import type { Vec3 } from '../../sim/math';
import type { SceneDescription } from '../../sim/sceneDescription';
import { DEFAULT_TASK, isTaskId } from '../../sim/tasks';
import type { Backend } from '../../workers/policyProtocol';
import { takeSimWorker } from '../../workers/earlyWorkers';
import type { PolicySource, SimEvent, StepRecord } from '../../workers/protocol';
import { isTerminal, type InterventionReply } from '../../workers/protocol';
import { dispatchRun, displayStatus, pushNotice, useEpisodeStore } from '../episodeStore';
import { executionRequest, usePolicyStore, type ExecutionSettings } from '../policyStore';
import { EpisodeHistory } from '../history/episodeHistory';
import { EpisodeCompare } from '../compare/episodeCompare';
import { FrameImages } from './frameImages';
import { DragControl, type DragState } from './dragControl';
import { InstructionFlow } from './instructionFlow';
import { loadRequestOf } from './loadRequest';
import { PolicyLink } from './policyLink';
import { Recording } from './recording';
import { SimLink } from './simLink';
import { UrlSync } from './urlSync';
import { applyViewLink, runToStep } from './viewOpen';
import { errorText } from '../errorText';

// The facade React and the tests talk to: one object per page, provided through context
// (src/state/session/context.tsx). It owns no logic of its own beyond wiring: each job lives in a part
// with one purpose (sim link, policy link, recording and timeline, instruction flow, URL sync, drag), and
// the run state is the state machine in runState.ts. The control loop itself runs in the sim worker.

const set = useEpisodeStore.setState;
const NO_PROGRAM = { program: null, understood: null, clarification: null, interventions: [], approvals: [] };
const get = useEpisodeStore.getState;

export type { DragState };

export class EpisodeSession {
  readonly recording = new Recording();
  readonly sim: SimLink;
  /** Camera pixels of recorded steps, rendered by the sim worker when no policy kept them. */
  private readonly pixels: FrameImages;
  readonly model: PolicyLink;
  readonly dragging: DragControl;
  readonly instructions: InstructionFlow;
  readonly url = new UrlSync();
  /** Every episode run here, kept in IndexedDB (src/state/history/). */
  readonly history: EpisodeHistory;
  /** A stored episode beside the one on screen, on the same cursor (src/state/compare/). */
  readonly compare = new EpisodeCompare();
  /** The load in flight: runs and steps wait for it. */
  private loadDone: Promise<void> = Promise.resolve();
  /** The sim's epoch of the episode on screen: events of an older load are stale. */
  private epoch = 0;
  /** The model's port, kept to hand again to a restarted sim worker. */
  private modelPort: MessagePort | null = null;
  private modelConnect: (() => void) | null = null;
  private restartingSim: Promise<unknown> | null = null;

  constructor() {
    this.sim = new SimLink({
      onEvent: (e) => this.onEvent(e),
      onCrash: (m) => this.onSimCrash(m),
      onStarted: (_scene, cameraError) => {
        if (cameraError) pushNotice('error', `The policy cameras cannot be rendered (${cameraError}); the learned model has nothing to see, the expert still runs.`);
        if (this.modelConnect) this.modelConnect();
        // A restarted worker: the old port died with its predecessor, the policy worker opens another.
        else if (this.modelPort) this.model.reconnect();
      },
      onGiveUp: (m, n) => set({ boot: 'error', bootError: `the simulator could not be started after ${n} attempts: ${m}` }),
    }, takeSimWorker);
    this.pixels = new FrameImages(this.sim);
    this.model = new PolicyLink({
      connect: (port, reason) => this.connectModel(port, reason),
      onExecution: (s) => {
        if (this.sim.alive) void this.sim.api.setExecution(executionRequest(s));
        this.url.update();
      },
      onBackendChange: (b, reason) => this.onBackendChange(b, reason),
      onCrash: (m) => this.onPolicyCrash(m),
      onRestarted: () => pushNotice('info', 'The policy worker was restarted and the model reloaded; press Run or Reset to go on.'),
    });
    this.history = new EpisodeHistory({ recording: this.recording, load: () => this.load(), pause: () => this.pause(), setExecution: (x) => this.model.setExecution(x) });
    this.dragging = new DragControl(this.sim, () => this.recording.notify());
    this.instructions = new InstructionFlow({
      load: () => this.load(),
      run: () => this.run(),
      pause: () => this.pause(),
      setTask: (t) => this.setTask(t),
      intervene: (text) => this.intervene(text),
    });
  }

  // ---------------------------------------------------------------- views' handles
  get records(): readonly StepRecord[] {
    return this.recording.records;
  }
  get interp() {
    return this.recording.interp;
  }
  get scene(): SceneDescription | null {
    return this.sim.scene;
  }
  get drag(): DragState | null {
    return this.dragging.drag;
  }
  subscribe(fn: () => void): () => void {
    return this.recording.subscribe(fn);
  }

  // ---------------------------------------------------------------- start-up
  async boot(search: string): Promise<void> {
    const link = this.url.parse(search);
    for (const w of link.warnings) pushNotice('warning', w);
    const { taskId, instruction, autorun, parseAfterLoad } = this.instructions.fromLink(link);
    set({ taskId, seed: link.seed, perturb: link.perturb, interventions: link.interventions.map((i) => ({ ...i, message: '' })), approvals: link.approvals, instruction, instructionDraft: link.instruction, policy: link.policy, modelAvailable: true });
    // After the episode's fields: setting the mode rewrites the link from them.
    if (link.execution) this.model.setExecution(link.execution);
    // The model loads in its worker while the simulator starts when it is the policy; when the expert is,
    // the model follows once the episode is on screen, so the two do not compete for the CPU at start-up.
    let modelLoad: Promise<void> | null = link.policy === 'model' ? this.loadModel() : null;
    void this.history.init();
    try {
      await this.sim.start();
      set({ boot: 'ready' });
    } catch (err) {
      set({ boot: 'error', bootError: errorText(err) });
      return;
    }
    await this.load();
    modelLoad ??= this.loadModel();
    applyViewLink(link.view);
    if (link.view.step !== null) {
      // A link copied at a step opens at that step: the words first (no autorun), then the run up to it.
      if (parseAfterLoad) await this.instructions.submit(link.instruction, false);
      if (get().policy === 'model') await modelLoad;
      if (get().policy === 'model' && !(await this.modelReady())) return;
      await runToStep({ play: (v) => void this.sim.api.play(v), pause: () => this.pause(), scrub: (k) => this.scrub(k) }, link.view.step);
      return;
    }
    if (parseAfterLoad) {
      // The link's words are read against the layout now on screen: a program runs, else the box says why.
      set({ instructionDraft: link.instruction });
      if (autorun && get().policy === 'model') await modelLoad;
      await this.instructions.submit(link.instruction, autorun);
      return;
    }
    if (!autorun) return;
    // An autorun link for the model waits for it; if it fails to load, the expert runs instead.
    if (get().policy === 'model') await modelLoad;
    await this.run();
  }

  /** Load the learned model; on failure the expert takes over with a message saying why. */
  private async loadModel(): Promise<void> {
    if (await this.model.load()) {
      set({ modelAvailable: true });
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

  private connectModel(port: MessagePort | null, reason?: string): void {
    this.modelPort = port;
    // A port can be handed over once; a restarted sim worker gets a fresh one from the policy worker.
    this.modelConnect = port
      ? () => {
          this.modelConnect = null;
          if (this.sim.alive) void this.sim.api.connectPolicy(transferPort(port), reason);
        }
      : null;
    if (!port) {
      if (this.sim.alive) void this.sim.api.connectPolicy(null, reason);
      return;
    }
    if (this.sim.alive) this.modelConnect!();
  }

  // ---------------------------------------------------------------- events from the sim worker
  private onEvent(e: SimEvent): void {
    // Anything from before the latest load (a step still in flight at reset) is stale.
    if (e.epoch !== this.epoch) return;
    if (e.type === 'record') this.recording.add(e.record);
    else if (e.type === 'intervention') {
      const s = get();
      const known = s.interventions.some((i) => i.step === e.step && i.text === e.text);
      // The plan under the instruction box follows the new goals (the parse of the first words is history).
      set({
        interventions: known ? s.interventions : [...s.interventions, { step: e.step, text: e.text, message: e.message }].sort((a, b) => a.step - b.step),
        ...(s.info ? { info: { ...s.info, goals: e.goals, ...(e.sentence !== undefined ? { text: e.sentence } : {}) } } : {}),
        understood: null,
      });
      this.url.update();
    } else if (e.type === 'approval') {
      // A replayed answer is already listed (it came with the link or from the previous run of this episode).
      if (!get().approvals.some((a) => a.step === e.step && a.verdict === e.verdict)) this.noteDecision({ step: e.step, verdict: e.verdict });
    } else {
      if (e.phase === 'awaiting') usePolicyStore.setState({ awaiting: e.step });
      else if (usePolicyStore.getState().awaiting !== null) usePolicyStore.setState({ awaiting: null });
      dispatchRun({ type: 'phase', phase: e.phase });
    }
  }

  private onBackendChange(backend: Backend, reason: string): void {
    pushNotice('warning', `${reason[0].toUpperCase()}${reason.slice(1)}; the model carries on with ${backend === 'wasm' ? 'WASM on the CPU' : 'WebGPU'}.`);
  }

  private onPolicyCrash(raw: string): void {
    const message = raw.replace(/^Uncaught (Error: )?/, '');
    const s = get();
    const affected = s.policy === 'model' && !!s.live && !isTerminal(s.live.outcome.status) && s.run !== 'faulted';
    if (affected) {
      this.fault(`policy worker crashed at step ${s.live!.step}: ${message}`);
      pushNotice('error', `The policy worker stopped (${message}). This episode is marked failed; the worker is being restarted.`);
    } else {
      pushNotice('warning', `The policy worker stopped (${message}); it is being restarted.`);
    }
  }

  private onSimCrash(raw: string): void {
    const message = raw.replace(/^Uncaught (Error: )?/, '');
    const step = get().live?.step;
    this.fault(`simulator crashed${step !== undefined ? ` at step ${step}` : ''}: ${message}`);
    pushNotice('error', `The simulator stopped (${message}). This episode is marked failed; the simulator is being restarted, then press Run or Reset to go on.`);
    this.dragging.drop();
    const restart = this.sim.start().catch((err: unknown) => set({ boot: 'error', bootError: errorText(err) }));
    this.restartingSim = restart.finally(() => (this.restartingSim = null));
  }

  /** End the episode on screen for a reason other than its task. */
  private fault(reason: string): void {
    set({ crash: reason });
    usePolicyStore.setState({ awaiting: null });
    dispatchRun({ type: 'fault' });
  }

  private async ready(): Promise<void> {
    if (this.restartingSim) await this.restartingSim;
    await this.loadDone;
  }

  // ---------------------------------------------------------------- episode control
  /** Load (or reload) the episode for the store's task, seed, instruction and policy. */
  load(): Promise<void> {
    const run = this.loadDone.then(() => this.loadNow());
    this.loadDone = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<void> {
    // (load() already waited for the previous load or branch.)
    if (this.restartingSim) await this.restartingSim;
    const s = get();
    const taskId = s.taskId;
    if (!isTaskId(taskId)) {
      pushNotice('error', `There is no task "${taskId}"; showing ${DEFAULT_TASK} instead.`);
      set({ taskId: DEFAULT_TASK });
      return this.loadNow();
    }
    dispatchRun({ type: 'load' });
    this.dragging.drop();
    usePolicyStore.setState({ awaiting: null });
    try {
      const req = loadRequestOf({ ...s, execution: usePolicyStore.getState().execution });
      const res = await this.sim.call((api) => api.load(req));
      this.epoch = res.epoch;
      const typedApplies = res.info.goals.length === 1;
      set({ info: res.info, crash: null, instructionDraft: res.info.text ?? (s.instruction && typedApplies ? s.instruction : res.info.goals[0].instruction) });
      this.recording.start(res.record);
      dispatchRun({ type: 'loaded' });
      this.url.update();
    } catch (err) {
      dispatchRun({ type: 'fault' });
      if (this.sim.alive) pushNotice('error', `Could not load the episode: ${errorText(err)}`);
    }
  }

  async run(): Promise<void> {
    await this.ready();
    const s = get();
    // A new instruction typed into the box and then Run (rather than Enter): match it first.
    const typed = s.instructionDraft.trim();
    if (s.info && typed && typed !== s.info.goals[0].instruction.trim() && typed !== s.instruction.trim() && typed !== s.info.text?.trim()) {
      await this.instructions.submit(typed);
      return;
    }
    if (s.policy === 'model' && !(await this.modelReady())) return;
    // A stored episode opened from the history runs again from its first state.
    if (s.run === 'faulted' || s.run === 'done' || !s.live || isTerminal(s.live.outcome.status) || this.history.viewing) await this.load();
    if (get().run === 'faulted' || !this.sim.alive) return;
    this.recording.goLive();
    void this.sim.api.play(get().speed);
  }

  private async modelReady(): Promise<boolean> {
    if (await this.model.ready()) return true;
    const reason = usePolicyStore.getState().error;
    pushNotice('error', `The learned model is not available${reason ? ` (${reason})` : ''}; choose the scripted expert to run.`);
    return false;
  }

  pause(): void {
    if (this.sim.alive) void this.sim.api.pause();
  }

  /** Accept the model's prediction waiting for approval (approval mode). */
  /** Accept the prediction waiting for approval; `steps` executes only its first steps (partial). */
  approve(steps?: number): boolean {
    const at = usePolicyStore.getState().awaiting;
    if (at === null || !this.sim.alive) return false;
    void this.sim.api.approve(steps);
    this.noteDecision({ step: at, verdict: steps ?? 'accept' });
    return true;
  }

  /** Reject it: nothing executes, the model is asked again here (edit the plan meanwhile to change it). */
  reject(): boolean {
    const at = usePolicyStore.getState().awaiting;
    if (at === null || !this.sim.alive) return false;
    void this.sim.api.reject();
    this.noteDecision({ step: at, verdict: 'reject' });
    return true;
  }

  /** Approval answers are listed with the corrections and carried by the link, so it replays them. */
  private noteDecision(a: ApprovalAnswer): void {
    set({ approvals: [...get().approvals, a] });
    this.url.update();
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
    if (s.run === 'faulted' || !s.live || isTerminal(s.live.outcome.status) || !this.sim.alive) return;
    if (this.history.viewing) await this.load();
    if (s.playing && s.run !== 'awaiting') {
      this.pause();
      return;
    }
    if (s.policy === 'model' && !(await this.modelReady())) return;
    this.recording.goLive();
    await this.sim.call((api) => api.step()).catch(() => null);
  }

  async reset(): Promise<void> {
    this.pause();
    await this.load();
  }

  setSpeed(speed: number): void {
    set({ speed });
    if (this.sim.alive) void this.sim.api.setSpeed(speed);
  }

  // ---------------------------------------------------------------- episode choice
  async setTask(taskId: string): Promise<void> {
    if (!isTaskId(taskId)) return;
    this.pause();
    set({ taskId, instruction: '', match: null, ...NO_PROGRAM });
    await this.load();
  }

  async setSeed(seed: number): Promise<void> {
    this.pause();
    // Another layout: a program read on the old one may name other cubes here.
    set({ seed, ...(get().program ? { instruction: '', ...NO_PROGRAM } : {}) });
    await this.load();
  }

  /** A correction from the plan editor or the box: applied, asked about, or refused with a notice. */
  correct(text: string): Promise<boolean> {
    return this.instructions.correct(text);
  }

  /** A person's words to the episode under way (talk-back, src/engine/interventions.ts). */
  async intervene(text: string): Promise<InterventionReply | null> {
    await this.ready();
    if (!this.sim.alive) return null;
    // Words said while a step is under the cursor in the past apply to the live state, which is shown.
    this.recording.goLive();
    try {
      return await this.sim.call<InterventionReply>((api) => api.intervene(text));
    } catch (err) {
      pushNotice('error', `The correction could not be applied: ${errorText(err)}`);
      return null;
    }
  }

  /** Apply seeded robustness axes to the episode on screen (it restarts from its first state, perturbed). */
  async setPerturb(perturb: AxisSetting[]): Promise<void> {
    this.pause();
    set({ perturb });
    await this.load();
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

  setInstructionDraft(text: string): void {
    set({ instructionDraft: text });
  }
  submitInstruction(text: string, autorun = true): Promise<boolean> {
    return this.instructions.submit(text, autorun);
  }
  chooseClarification(option: number): Promise<boolean> {
    return this.instructions.choose(option);
  }
  runTextOnCurrentTask(text: string): Promise<void> {
    return this.instructions.runTextOnCurrentTask(text);
  }
  chooseSuggestion(taskId: string): Promise<void> {
    return this.setTask(taskId);
  }
  dismissMatch(): void {
    set({ match: null, clarification: null });
  }
  shareUrl(): string {
    return this.url.shareUrl();
  }

  // ---------------------------------------------------------------- camera pixels
  /**
   * The policy cameras of a record: its own pixels where a policy looked at them, otherwise rendered by the
   * sim worker from the record's poses when a view shows it (once per record).
   */
  cameraImages(rec: StepRecord): Promise<CameraImages | null> {
    return this.pixels.of(rec);
  }

  // ---------------------------------------------------------------- timeline
  /** Show recorded step `i` exactly as it was; pauses a running episode. */
  scrub(i: number): void {
    if (get().playing) this.pause();
    this.recording.scrub(i);
  }

  goLive(): void {
    this.recording.goLive();
  }

  /** Branch: continue the episode from the step under the cursor, dropping what came after it. */
  async resumeFromCursor(): Promise<void> {
    const k = get().cursor;
    // The simulator holds only the first state of an episode opened from the history.
    if (k === null || this.history.viewing) return;
    await this.ready();
    if (get().run === 'faulted' || !this.sim.alive) return;
    this.pause();
    // A load waits for the branch: the worker replays it in slices and must not be reloaded meanwhile.
    const branching = this.sim.call((api) => api.resumeFrom(k)).catch(() => null);
    this.loadDone = branching.then(() => undefined);
    const r = await branching;
    if (!r) return;
    // Corrections said after the branch step belonged to the future that was left.
    // Answers at the branch step belong to the prediction the branch makes again.
    set({ interventions: get().interventions.filter((i) => i.step <= k), approvals: get().approvals.filter((a) => a.step < k) });
    this.recording.branch(k, r);
    dispatchRun({ type: 'live' });
  }

  // ---------------------------------------------------------------- mouse drag
  beginDrag(d: DragState): void {
    this.dragging.begin(d);
  }
  moveDrag(target: Vec3): void {
    this.dragging.move(target);
  }
  endDrag(): void {
    this.dragging.end();
  }

  // ---------------------------------------------------------------- tests, benchmarks, fault injection
  /** Set by the 3D view: a world point's position in the page (CSS pixels), for tests and tooltips. */
  screenPoint: ((p: Vec3) => [number, number]) | null = null;

  setScreenProjector(fn: ((p: Vec3) => [number, number]) | null): void {
    this.screenPoint = fn;
  }

  /** World position of a body (by MuJoCo name) in the step on screen. */
  bodyPosition(name: string): Vec3 | null {
    const b = this.scene?.bodyNames.indexOf(name) ?? -1;
    const view = get().view;
    if (b < 0 || !view) return null;
    const f = view.frame.bodies;
    return [f[7 * b], f[7 * b + 1], f[7 * b + 2]];
  }

  status(): string {
    return displayStatus(get());
  }

  /** The learned policy's state (load progress, backend, execution settings), for tests and the bench. */
  policyState() {
    return usePolicyStore.getState();
  }

  /** The instruction in force at the live step (a chain's changes between goals). */
  liveInstruction(): string {
    const s = get();
    const goals = s.info?.goals ?? [];
    return goals[Math.min(s.live?.outcome.goalIndex ?? 0, goals.length - 1)]?.instruction ?? '';
  }

  async compareBackends() {
    return this.model.compareBackends(await this.liveObserved(), this.liveInstruction());
  }

  async timeInference(backend: Backend, runs: number) {
    return this.model.timeInference(await this.liveObserved(), this.liveInstruction(), backend, runs);
  }

  /** The live record with its camera pixels (an episode's bare first state comes without; they are rendered). */
  private async liveObserved(): Promise<StepRecord | undefined> {
    const rec = this.recording.live;
    if (!rec || rec.images) return rec;
    const images = await this.pixels.of(rec);
    return images ? { ...rec, images } : rec;
  }

  /** Fault injection: 'crash' throws in the sim worker, 'close' ends it silently. */
  injectCrash(kind: 'crash' | 'close' = 'crash'): void {
    if (this.sim.alive) void this.sim.api.injectFault(kind);
  }

  dispose(): void {
    this.compare.close();
    this.model.dispose();
    this.sim.dispose();
  }
}

function transferPort(port: MessagePort): MessagePort {
  // A port moves to the worker only when transferred; it cannot be cloned.
  return Comlink.transfer(port, [port]);
}
