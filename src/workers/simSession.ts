// Longer than ~400 lines on purpose: it is the app's one host of the episode loop, and its parts (loading,
// pacing, approval, corrections, perturbations, branching, drags) share the loop, the history and the epoch; split, each would need them all.
import { ChunkedPolicy, type Predictor } from '../engine/chunkedPolicy';
import { EpisodeLoop } from '../engine/episodeLoop';
import type { CameraImages, PolicyDecision, PolicyStep, StepPolicy } from '../engine/types';
import { DEFAULT_EXECUTION, formatExecution } from '../policy/execution';
import { CAMERA_RES, CONTROL_HZ, TabletopEnv } from '../sim/env';
import { Episode } from '../sim/episode';
import { formatAxes } from '../sim/axes';
import { PerturbationDriver, type PerturbationPlan } from '../sim/perturbations';
import { episodeOf, perturbEpisodeSpec } from '../engine/episodeStart';
import { jitterCameras } from '../render/domainRandomization';
import { applySensorNoise } from '../render/sensorNoise';
import { ExpertPolicy } from '../sim/expertPolicy';
import type { Vec3 } from '../sim/math';
import { describeScene, poseFrame, type PoseFrame, type SceneDescription } from '../sim/sceneDescription';
import { getEpisodeSource } from '../engine/catalog';
import { programToSpec } from '../language/judge';
import type { EpisodeSpec } from '../sim/tasks';
import { OBJECTS } from '../sim/vocab';
import { springForces, type Drag } from './dragSpring';
import type {
  DraggableBody, DragStart, EpisodeInfo, ExecutionRequest, GoalInfo, InterventionReply, LoadRequest, LoadResult, LoopPhase, SimEvent, StepRecord,
} from './protocol';
import { applyIntervention, type Intervention } from '../engine/interventions';
import { ApprovalGate, type GateAnswer } from './approvalGate';
import { describeProgram } from '../language/program';
import { RemotePredictor } from './remotePredictor';

// The app's host of the episode loop (src/engine/episodeLoop.ts), as a plain class so it runs (and is
// tested) in Node exactly as in the sim worker. It supplies what only the app has: pacing at the chosen
// speed, the policy cameras, a person's drags and approvals, branching from a recorded step, and the
// record stream to the main thread. The learned model is reached over a port straight to the policy worker.

/** Receives the event stream; `transfer` lists the buffers that may move instead of being copied. */
export type EventSink = (e: SimEvent, transfer: Transferable[]) => void;

/** Renders the policy cameras for a pose frame (three.js on an OffscreenCanvas in the worker). */
export interface CameraSource {
  render(frame: PoseFrame): CameraImages;
  /** The pixel axes of the episode's perturbation plan (src/render/policyCameras.ts). */
  setPerturbation?(plan: PerturbationPlan | null): void;
  dispose(): void;
}

export interface SimSessionOptions {
  /** Hands buffers to the event channel without copying (Comlink.transfer in the worker). */
  transfer?: <T>(value: T, buffers: Transferable[]) => T;
  /** The policy cameras; without them records carry no pixels and the model cannot run. */
  cameras?: (scene: SceneDescription) => CameraSource;
}

interface HistoryEntry {
  /** The expert as it was at this state, after deciding (it drives, or labels the model's states). */
  expert: ExpertPolicy;
  decided: PolicyStep | null;
  label: PolicyDecision | null;
  /** The action that led to this state and the drag that acted during it (null for the initial state). */
  action: number[] | null;
  drag: Drag | null;
}

/** The typed arrays of a record that can move to another thread without a copy. */
function buffersOf(r: StepRecord): Transferable[] {
  const images = r.images ? Object.values(r.images).map((a) => a.buffer) : [];
  return [r.frame.bodies.buffer, r.frame.cameras.buffer, r.proprio.buffer, ...images];
}

/** ExpertPolicy keeps its state machine in plain fields; a structured clone of them is an exact copy. */
function cloneExpert(p: ExpertPolicy): ExpertPolicy {
  return Object.assign(Object.create(ExpertPolicy.prototype) as ExpertPolicy, structuredClone({ ...p }));
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class SimSession {
  private env!: TabletopEnv;
  private scene!: SceneDescription;
  private cameras: CameraSource | null = null;
  private cameraError: string | null = null;
  private preparing: Promise<void> | null = null;
  private listener: EventSink = () => {};
  private readonly transfer: NonNullable<SimSessionOptions['transfer']>;

  private epoch = 0;
  private spec: EpisodeSpec | null = null;
  /** A person's corrections so far, at their steps: a branch or a link replays them (src/engine/interventions.ts). */
  private interventions: Intervention[] = [];
  /** The episode's seeded perturbations (none: an empty plan). */
  private plan: PerturbationPlan = { settings: [] };
  private info: EpisodeInfo | null = null;
  private loop: EpisodeLoop | null = null;
  private expert = new ExpertPolicy();
  private history: HistoryEntry[] = [];
  /** The decision at the current state has been made and recorded (the loop can step). */
  private prepared: Promise<void> | null = null;

  private readonly model: ChunkedPolicy;
  private predictor: RemotePredictor | Predictor | null = null;
  private predictorWaiters: (() => void)[] = [];
  private readonly gate = new ApprovalGate({
    waiting: () => this.emitPhase('awaiting'),
    replayed: (a) => this.emit({ type: 'approval', epoch: this.epoch, step: a.step, verdict: a.verdict }),
    // The step's own time (its record's computeMs) starts when the person answers, not while they read.
    answered: () => {
      if (this.stepStartedAt) this.stepStartedAt = performance.now();
    },
  });

  private drag: Drag | null = null;
  private stepDrag: Drag | null = null;
  private dragged = false;

  private speed = 1;
  private playing = false;
  private busy: Promise<unknown> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastStepAt = 0;
  private stepStartedAt = 0;

  constructor(private readonly opts: SimSessionOptions = {}) {
    this.transfer = opts.transfer ?? ((v) => v);
    this.model = new ChunkedPolicy({ predict: (obs) => this.predict(obs) }, DEFAULT_EXECUTION);
  }

  /**
   * MuJoCo, the scene and the policy cameras. The worker calls this as soon as it runs (src/workers/sim.worker.ts),
   * so they load while the page's bundle is still being parsed; `init` waits for the same promise.
   */
  prepare(): Promise<void> {
    this.preparing ??= TabletopEnv.create().then((env) => {
      this.env = env;
      this.scene = describeScene(env, CAMERA_RES);
      try {
        this.cameras = this.opts.cameras?.(this.scene) ?? null;
      } catch (e) {
        this.cameraError = errorText(e);
      }
    }).catch((err: unknown) => {
      // Not kept: a host that retries on this session (Node, tests) loads again.
      this.preparing = null;
      throw err;
    });
    return this.preparing;
  }

  async init(listener: EventSink): Promise<{ scene: SceneDescription; controlHz: number; cameraError: string | null }> {
    this.listener = listener;
    await this.prepare();
    return { scene: this.scene, controlHz: CONTROL_HZ, cameraError: this.cameraError };
  }

  // ---------------------------------------------------------------- episodes
  async load(req: LoadRequest): Promise<LoadResult> {
    this.stop();
    this.loop?.end();
    this.epoch += 1;
    const epoch = this.epoch;
    const task = getEpisodeSource(req.taskId);
    const sampled = task.sample(req.seed);
    // A typed program runs on the task's layout; a typed sentence that is no program only rewords a one-goal task.
    const spec = req.program ? { ...programToSpec(req.program.program, sampled.init, req.seed, req.program.text), taskId: task.id } : sampled;
    const typed = req.instruction?.trim();
    if (!req.program && typed && spec.goals.length === 1) spec.goals[0] = { ...spec.goals[0], instruction: typed };
    // The axes apply to whatever runs, a named task or a typed program, from the same seed (src/engine/episodeStart.ts).
    const perturbed = perturbEpisodeSpec(spec, req.perturb ?? []);
    this.spec = perturbed.spec;
    this.plan = perturbed.plan;
    this.cameras?.setPerturbation?.(perturbed.plan.settings.length ? perturbed.plan : null);
    if (req.execution) this.applyExecution(req.execution);
    const { episode, driver } = episodeOf(this.env, perturbed);
    // A link's corrections apply when the episode reaches their steps, exactly as they did when said.
    this.interventions = [...(req.interventions ?? [])];
    this.gate.replay(req.approvals ?? []);
    this.expert = new ExpertPolicy();
    this.history = [];
    this.drag = null;
    this.dragged = false;
    this.info = {
      taskId: task.id,
      suite: task.suite,
      title: task.title,
      seed: req.seed,
      goals: this.spec.goals.map((g) => ({ instruction: g.instruction, atom: g.atom, plan: g.plan, stepLimit: g.stepLimit })),
      policy: req.policy,
      draggable: this.draggableBodies(),
      init: this.spec.init,
      ...(this.spec.text !== undefined ? { text: this.spec.text } : {}),
      perturb: { settings: formatAxes(perturbed.plan.settings), events: [...driver.events], schedule: scheduleOf(perturbed.plan) },
    };
    this.loop = this.makeLoop(episode, req.policy, driver);
    await this.loop.policy.reset();
    if (req.policy === 'expert') {
      // The expert decides at once: the initial state comes back with its plan.
      const first = await this.quietly(() => this.loop!.begin());
      this.prepared = Promise.resolve();
      return this.transfer({ epoch, info: this.info, record: first }, buffersOf(first));
    }
    // The model's first prediction waits for the model: the bare state now, the plan as a record event. The
    // bare state goes without pixels: the camera views ask for them (renderFrame) once the episode is on
    // screen, so the first render of the cameras is not in the way of the Run button.
    const bare = this.recordOf(0, null, null, null, null);
    const loop = this.loop;
    this.prepared = this.whenPredictor().then(async () => {
      if (loop === this.loop) await loop.begin();
    });
    return this.transfer({ epoch, info: this.info, record: bare }, buffersOf(bare));
  }

  private makeLoop(episode: Episode, policy: LoadRequest['policy'], driver: PerturbationDriver): EpisodeLoop {
    const expert: StepPolicy = {
      needsImages: false,
      reset: () => {},
      act: ({ episode: ep }) => {
        const d = this.expert.decide(ep);
        return { action: d.actions[0], decision: { ...d, source: 'expert' } };
      },
    };
    return new EpisodeLoop(episode, policy === 'expert' ? expert : this.model, driver, {
      interventions: this.interventions,
      onIntervention: (o) => this.emit({ type: 'intervention', epoch: this.epoch, step: o.step, text: o.text, message: o.correction.kind === 'replace' || o.correction.kind === 'stop' ? o.correction.message : '', goals: this.goalInfos(o.step), sentence: this.loop?.episode.spec.text }),
      images: this.cameras ? () => this.renderCameras() : undefined,
      forces: () => {
        const d = this.drag ? { ...this.drag, target: [...this.drag.target] as Vec3 } : null;
        // xfrc_applied is not part of a snapshot; it must never outlive the step it was applied in.
        (this.env.data.xfrc_applied as Float64Array).fill(0);
        this.stepDrag = d;
        this.dragged = d !== null;
        return d ? springForces(d) : undefined;
      },
      // With the model driving, the expert still labels every state (ground truth beside the prediction).
      label: policy === 'model' ? (ep) => ({ ...this.expert.decide(ep), source: 'expert' }) : undefined,
      onRecord: (r) => {
        const rec = this.recordOf(r.step, r.action, r.decided, r.label, r.images);
        this.history[r.step] = { expert: cloneExpert(this.expert), decided: r.decided, label: r.label, action: r.action, drag: r.action ? this.stepDrag : null };
        this.history.length = r.step + 1;
        this.stepDrag = null;
        this.lastRecord = rec;
        if (!this.silent) this.emit({ type: 'record', epoch: this.epoch, record: rec }, buffersOf(rec));
      },
    });
  }

  private lastRecord: StepRecord | null = null;
  private silent = false;

  /** Run `fn` without publishing its record; returns the record it made. */
  private async quietly(fn: () => Promise<unknown>): Promise<StepRecord> {
    this.silent = true;
    try {
      await fn();
    } finally {
      this.silent = false;
    }
    return this.lastRecord!;
  }

  /** `images: 'render'` renders the cameras now (a bare state, recorded before any decision). */
  private recordOf(step: number, action: number[] | null, decided: PolicyStep | null, label: PolicyDecision | null, images: CameraImages | null | 'render'): StepRecord {
    const ep = this.loop!.episode;
    const env = this.env;
    const decision = decided?.decision ?? null;
    return {
      step,
      frame: poseFrame(env),
      tcp: env.tcpPos(),
      gripperWidth: env.gripperWidth(),
      proprio: env.proprio(),
      outcome: ep.outcome(),
      // A refused prediction stays on the record that it failed (its fault is in its extras).
      decision: ep.done && !decided?.fault ? null : decision,
      expert: label,
      action: action ? action.slice() : null,
      perturbed: action ? this.dragged : false,
      computeMs: this.stepStartedAt ? performance.now() - this.stepStartedAt : 0,
      images: images === 'render' ? this.renderCameras() : images,
    };
  }

  /** The policy's pixels of a pose frame: the camera axis moves the cameras, the sensor axis adds its noise. */
  private policyImages(frame: PoseFrame, step: number): CameraImages {
    const cam = this.plan.camera;
    if (cam) jitterCameras(frame.cameras, cam);
    const images = this.cameras!.render(frame);
    return this.plan.sensor ? applySensorNoise(images, this.plan.sensor, step, this.cameraSizes()) : images;
  }

  private cameraSizes(): Record<keyof CameraImages, { width: number; height: number }> {
    return Object.fromEntries(this.scene.cameras.map((c) => [c.name, { width: c.width, height: c.height }])) as Record<keyof CameraImages, { width: number; height: number }>;
  }

  private renderCameras(): CameraImages | null {
    if (!this.cameras) return null;
    try {
      return this.policyImages(poseFrame(this.env), this.loop?.episode.step ?? 0);
    } catch (e) {
      this.cameraError = errorText(e);
      this.cameras.dispose();
      this.cameras = null;
      return null;
    }
  }

  private draggableBodies(): DraggableBody[] {
    const m = this.env.model;
    const jntnum = m.body_jntnum as Int32Array;
    return OBJECTS.filter((o) => jntnum[this.env.objectBody[o]] > 0 && !this.env.isParked(o)).map((o) => ({ body: this.env.objectBody[o], name: o }));
  }

  // ---------------------------------------------------------------- the learned model
  /** The model's line is ready (or gone: null). */
  connectPolicy(port: MessagePort | null, reason = 'the policy worker stopped'): void {
    if (this.predictor instanceof RemotePredictor) this.predictor.close(reason);
    this.predictor = null;
    if (!port) return;
    this.setPredictor(new RemotePredictor(port, () => undefined));
  }

  /** Any predictor (the policy worker's line; a model run in-process by tests). */
  setPredictor(p: Predictor): void {
    this.predictor = p;
    for (const w of this.predictorWaiters.splice(0)) w();
  }

  private whenPredictor(): Promise<void> {
    if (this.predictor) return Promise.resolve();
    return new Promise((ok) => this.predictorWaiters.push(ok));
  }

  private predict(obs: Parameters<Predictor['predict']>[0]) {
    if (!this.predictor) throw new Error('the learned model is not loaded');
    return this.predictor.predict(obs);
  }

  setExecution(req: ExecutionRequest): void {
    const changed = formatExecution(req.mode) !== formatExecution(this.model.mode);
    this.applyExecution(req);
    // A new schedule while nothing runs re-plans at the state on screen, so it applies from this step on.
    const loop = this.loop;
    if (changed && !this.playing && !this.busy && loop && loop.policy === this.model && loop.decided) {
      const again = (async () => {
        if (loop === this.loop) await loop.redecide();
      })();
        this.busy = again;
      void again.finally(() => {
        if (this.busy === again) this.busy = null;
      });
    }
  }

  private applyExecution(req: ExecutionRequest): void {
    this.model.setMode(req.mode, this.loop?.episode.step ?? null);
    this.model.approval = req.approval ? (step) => this.gate.ask(step) : null;
    if (!req.approval) this.answerApproval(true);
  }

  private answerApproval(verdict: GateAnswer): boolean {
    if (!this.gate.answer(verdict)) return false;
    if (verdict !== false) this.emitPhase(this.playing ? 'running' : 'idle');
    return true;
  }

  /** Accept the waiting prediction; `steps` runs only its first `steps` actions, then the model is asked again. */
  approve(steps?: number): boolean {
    return this.answerApproval(steps !== undefined && Number.isInteger(steps) && steps >= 1 ? steps : true);
  }

  /**
   * Reject the waiting prediction: nothing of it executes, it is dropped, and the model is asked again at
   * this state (the new prediction waits for approval in turn; the person may edit the plan meanwhile).
   */
  async reject(): Promise<boolean> {
    const loop = this.loop;
    if (this.gate.waitingAt === null || !loop) return false;
    const wasPlaying = this.playing;
    this.stop();
    while (this.busy) await this.busy;
    if (loop !== this.loop || loop.done) return false;
    this.model.discard();
    const run = loop.redecide();
    this.busy = run;
    try {
      await run;
    } finally {
      if (this.busy === run) this.busy = null;
    }
    if (wasPlaying) this.play(this.speed);
    else this.emitPhase('idle');
    return true;
  }

  /**
   * A person's words while the episode runs or waits (talk-back): read against the program still to do
   * and the table now, applied at the current state, and kept so a branch or a link replays them. A run
   * in progress stops after its step, takes the correction, and goes on.
   */
  async intervene(text: string): Promise<InterventionReply> {
    const loop = this.loop;
    if (!loop) return { kind: 'refuse', message: 'No episode is loaded.' };
    const wasPlaying = this.playing;
    this.stop();
    while (this.busy) await this.busy;
    await this.prepared;
    if (loop !== this.loop) return { kind: 'refuse', message: 'The episode changed meanwhile; say it again.' };
    const run = loop.intervene(text);
    this.busy = run;
    let o;
    try {
      o = await run;
    } finally {
      if (this.busy === run) this.busy = null;
    }
    const c = o.correction;
    if (o.applied) {
      // At most one correction per step is kept (the newest): replaying two at one state would read the
      // second against the first's program, which is also what happened, so both are kept in order.
      this.interventions.push({ step: o.step, text: o.text });
    }
    if (wasPlaying && !loop.done) this.play(this.speed);
    else this.emitPhase(loop.done ? 'done' : 'idle');
    if (c.kind === 'clarify') return { kind: 'clarify', question: c.question, options: c.options.map((x) => ({ label: x.label, text: describeProgram(x.program) })) };
    if (c.kind === 'refuse') return { kind: 'refuse', message: c.message };
    return { kind: c.kind === 'stop' ? 'stop' : 'applied', message: c.message, step: o.step, interventions: [...this.interventions], goals: this.goalInfos(o.step) };
  }

  private goalInfos(_step: number): GoalInfo[] {
    return (this.loop?.episode.spec.goals ?? []).map((g) => ({ instruction: g.instruction, atom: g.atom, plan: g.plan, stepLimit: g.stepLimit }));
  }

  // ---------------------------------------------------------------- running
  play(speed: number): void {
    this.speed = speed;
    if (this.playing || !this.loop || this.loop.done) return;
    this.playing = true;
    this.emitPhase('running');
    this.schedule();
  }

  /** Stop after the step in progress; 'idle' is announced once that step's record is out, so nothing follows it. */
  async pause(): Promise<void> {
    const was = this.playing;
    this.stop();
    if (!was) return;
    while (this.busy) await this.busy;
    // A new run may have started meanwhile; then it speaks for itself.
    if (!this.playing) this.emitPhase(this.loop?.done ? 'done' : 'idle');
  }

  /** Stop the loop after the step in progress; a pending approval is withdrawn. */
  private stop(): void {
    this.playing = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.answerApproval(false);
  }

  setSpeed(speed: number): void {
    this.speed = speed;
  }

  /** Exactly one control step (a prediction waiting for approval counts as accepted); the new step, or null. */
  async step(): Promise<number | null> {
    if (this.playing || !this.loop) return null;
    if (this.approve()) return this.busy ? this.settle() : null;
    this.gate.letThrough(1);
    try {
      const r = await this.advance();
      return r === 'stepped' || r === 'done' ? this.loop.episode.step : null;
    } finally {
      this.gate.letThrough(0);
    }
  }

  private async settle(): Promise<number | null> {
    await this.busy;
    return this.loop?.episode.step ?? null;
  }

  private async advance(): Promise<'stepped' | 'held' | 'done'> {
    // One step at a time: a step stopped a moment ago (a withdrawn approval) may still be unwinding.
    while (this.busy) await this.busy;
    const loop = this.loop;
    if (!loop) return 'held';
    const run = (async () => {
      await this.prepared;
      if (loop !== this.loop) return 'held' as const;
      this.stepStartedAt = performance.now();
      this.lastStepAt = this.stepStartedAt;
      const r = await loop.step();
      this.stepStartedAt = 0;
      if (r === 'done') this.emitPhase('done');
      return r;
    })();
    this.busy = run;
    try {
      return await run;
    } finally {
      if (this.busy === run) this.busy = null;
    }
  }

  private period(): number {
    return Number.isFinite(this.speed) && this.speed > 0 ? 1000 / (CONTROL_HZ * this.speed) : 0;
  }

  private schedule(): void {
    const now = performance.now();
    // Paced from the last step's start: a slow step (a prediction) is not followed by a burst.
    const due = Math.max(now, this.lastStepAt + this.period());
    this.timer = setTimeout(() => void this.tick(), due - now);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.playing) return;
    const r = await this.advance();
    if (!this.playing) return;
    if (r === 'stepped') this.schedule();
    else {
      this.playing = false;
      this.emitPhase(r === 'done' ? 'done' : 'idle');
    }
  }

  private emitPhase(phase: LoopPhase): void {
    this.emit({ type: 'phase', epoch: this.epoch, phase, step: this.loop?.episode.step ?? 0 });
  }

  private emit(e: SimEvent, transfer: Transferable[] = []): void {
    this.listener(e, transfer);
  }

  // ---------------------------------------------------------------- history
  /**
   * Continue from recorded step `step`, exactly as if the episode had just arrived there. A MuJoCo state
   * restored mid-episode is not bit-identical to the one reached by stepping (after mj_step the derived
   * quantities still describe the state before the last integration), so the episode is replayed from its
   * initial state with the recorded actions and drags: deterministic, and ~10 ms per step.
   */
  async resumeFrom(step: number): Promise<StepRecord> {
    const target = this.history[step];
    const old = this.loop;
    if (!target || !old || !this.spec) throw new Error(`no recorded state for step ${step}`);
    this.stop();
    await this.busy;
    // The old loop's driver gives back the model it changed (dynamics) before the new one changes it again.
    old.end();
    const episode = new Episode(this.env, this.spec);
    const driver = new PerturbationDriver(this.env, this.plan, this.spec);
    driver.begin();
    // Corrections said after this step belonged to the old future.
    this.interventions = this.interventions.filter((i) => i.step <= step);
    // Recorded answers from here on belonged to the future that was left; the branch asks a person again.
    this.gate.replay([]);
    const replay = (k: number) => {
      for (const i of this.interventions) if (i.step === k) applyIntervention(episode, i.text);
    };
    for (let k = 1; k <= step; k++) {
      const h = this.history[k];
      // Pushes, shifts and corrections happen again at their states, in the loop's order: the replay is
      // the same episode.
      driver.beforeStep(episode);
      replay(k - 1);
      episode.apply(h.action!, h.drag ? springForces(h.drag) : undefined);
      (this.env.data.xfrc_applied as Float64Array).fill(0);
      // Let the main thread's heartbeat through on long branches (src/state/session/simLink.ts).
      if (k % 20 === 0) await new Promise((r) => setTimeout(r));
    }
    this.expert = cloneExpert(target.expert);
    this.history.length = step + 1;
    this.dragged = false;
    const driving = old.policy === this.model ? 'model' : 'expert';
    // The expert's recorded decision here was made after this state's corrections; the model decides again
    // here, and its loop applies them itself (EpisodeLoop's interventions hook).
    if (driving === 'expert') replay(step);
    this.loop = this.makeLoop(episode, driving, driver);
    const loop = this.loop;
    if (driving === 'model') {
      // The branch re-plans from this state: the prediction recorded here belonged to the old future.
      this.model.reset();
      const bare = this.recordOf(step, target.action, null, target.label, 'render');
      this.prepared = this.whenPredictor().then(async () => {
        if (loop === this.loop) await loop.begin({ label: target.label });
      });
      return this.transfer(bare, buffersOf(bare));
    }
    const rec = await this.quietly(() => this.loop!.begin({ decided: target.decided, label: target.label }));
    this.prepared = Promise.resolve();
    return this.transfer({ ...rec, action: target.action }, buffersOf(rec));
  }

  // ---------------------------------------------------------------- mouse drag
  dragStart(d: DragStart): void {
    if (!this.info?.draggable.some((b) => b.body === d.body)) return;
    this.drag = { body: d.body, anchor: d.anchor, target: d.target };
  }

  dragMove(target: Vec3): void {
    if (this.drag) this.drag.target = target;
  }

  dragEnd(): void {
    this.drag = null;
  }

  /**
   * The policy cameras for a recorded pose frame, for display: steps whose pixels no policy needed are
   * rendered only when a person looks at them (null without WebGL).
   */
  renderFrame(frame: PoseFrame, step = 0): CameraImages | null {
    if (!this.cameras) return null;
    try {
      const images = this.policyImages({ ...frame, cameras: frame.cameras.slice() }, step);
      return this.transfer(images, Object.values(images).map((a) => a.buffer));
    } catch {
      return null;
    }
  }

  ping(): number {
    return performance.now();
  }

  dispose(): void {
    this.stop();
    this.loop?.end();
    this.cameras?.dispose();
    this.env?.dispose();
  }
}

/** When each in-episode perturbation happens, for the timeline's marks. */
function scheduleOf(plan: PerturbationPlan): Array<{ step: number; label: string }> {
  const out: Array<{ step: number; label: string }> = [];
  if (plan.shift) out.push({ step: plan.shift.step, label: `layout: ${plan.shift.object.replace('_', ' ')} moved` });
  if (plan.push) out.push({ step: plan.push.step, label: `push: ${plan.push.object.replace('_', ' ')} shoved` });
  return out;
}
