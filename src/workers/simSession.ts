import { CAMERA_RES, CONTROL_HZ, PHYSICS_DT, TabletopEnv } from '../sim/env';
import { Episode } from '../sim/episode';
import type { EpisodeSpec } from '../sim/tasks';
import { ExpertPolicy } from '../sim/expertPolicy';
import type { Vec3 } from '../sim/math';
import { describeScene, poseFrame, type SceneDescription } from '../sim/sceneDescription';
import { getTask } from '../sim/tasks';
import { OBJECTS } from '../sim/vocab';
import type {
  DragStart, DraggableBody, EpisodeInfo, LoadRequest, LoadResult, PolicyDecision, SimEvent, StepRecord,
} from './protocol';

// The sim worker's logic as a plain class, so it runs (and is tested) in Node exactly as in the worker.

/**
 * Spring-damper of the mouse drag, per unit of the dragged body's mass: 4 Hz, critically damped. Stiff
 * enough that table friction (mu = 1) leaves under 2 cm of lag, soft enough to look like a spring.
 */
const DRAG_OMEGA = 2 * Math.PI * 4;
const DRAG_MAX_ACCEL = 60; // m/s^2: a wild mouse must not fling objects out of the workspace
const DRAG_ROT_DAMPING = 0.02;

/** A mouse drag: the grabbed body, the grab point in its frame, and where the pointer is (world). */
interface Drag {
  body: number;
  anchor: Vec3;
  target: Vec3;
}

/** A drag acting during one control step; `prev` is the grab point one physics step ago. */
interface Spring extends Drag {
  prev: Vec3 | null;
}

interface HistoryEntry {
  /** The expert and its plan as they were at this state (after deciding). */
  expert: ExpertPolicy;
  pending: PolicyDecision | null;
  /** The action that led to this state and the drag that acted during it (null for the initial state). */
  action: number[] | null;
  drag: Drag | null;
}

/** The typed arrays of a record that can move to another thread without a copy. */
function buffersOf(r: StepRecord): Transferable[] {
  return [r.frame.bodies.buffer, r.frame.cameras.buffer, r.proprio.buffer];
}

/** ExpertPolicy keeps its state machine in plain fields; a structured clone of them is an exact copy. */
function cloneExpert(p: ExpertPolicy): ExpertPolicy {
  return Object.assign(Object.create(ExpertPolicy.prototype) as ExpertPolicy, structuredClone({ ...p }));
}

export class SimSession {
  private env!: TabletopEnv;
  private scene!: SceneDescription;
  private listener: (e: SimEvent) => void = () => {};
  private episode: Episode | null = null;
  private expert = new ExpertPolicy();
  private pending: PolicyDecision | null = null;
  private history: HistoryEntry[] = [];
  private info: EpisodeInfo | null = null;
  private spec: EpisodeSpec | null = null;
  private policy: LoadRequest['policy'] = 'expert';
  private epoch = 0;
  private drag: Drag | null = null;
  private dragged = false;
  private speed = 1;
  private playing = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextTick = 0;
  /** When the last control step ran: a batch of another policy's actions keeps the control rate across batches. */
  private lastStepAt = 0;
  /** Another policy's actions being executed one per control period (executeMany). */
  private batch: { actions: number[][]; done: number; goal: number; resolve: (executed: number) => void } | null = null;

  /** `transfer` hands pose buffers to the event channel without copying (Comlink.transfer in the worker). */
  constructor(private readonly transfer: <T>(value: T, buffers: Transferable[]) => T = (v) => v) {}

  async init(listener: (e: SimEvent) => void): Promise<{ scene: SceneDescription; controlHz: number }> {
    this.listener = listener;
    if (!this.env) {
      this.env = await TabletopEnv.create();
      this.scene = describeScene(this.env, CAMERA_RES);
    }
    return { scene: this.scene, controlHz: CONTROL_HZ };
  }

  load(req: LoadRequest): LoadResult {
    this.stopLoop();
    this.epoch += 1;
    const task = getTask(req.taskId);
    const spec = task.sample(req.seed);
    const typed = req.instruction?.trim();
    if (typed && spec.goals.length === 1) spec.goals[0] = { ...spec.goals[0], instruction: typed };
    this.spec = spec;
    this.episode = new Episode(this.env, spec);
    this.expert = new ExpertPolicy();
    this.history = [];
    this.drag = null;
    this.dragged = false;
    this.info = {
      taskId: task.id,
      suite: task.suite,
      title: task.title,
      seed: req.seed,
      goals: spec.goals.map((g) => ({ instruction: g.instruction, plan: g.plan, stepLimit: g.stepLimit })),
      policy: req.policy,
      draggable: this.draggableBodies(),
    };
    this.policy = req.policy;
    this.pending = this.decideExpert();
    this.remember(null, null);
    const record = this.record(null, 0);
    return this.transfer({ epoch: this.epoch, info: this.info, record }, buffersOf(record));
  }

  private draggableBodies(): DraggableBody[] {
    const m = this.env.model;
    const jntnum = m.body_jntnum as Int32Array;
    return OBJECTS.filter((o) => jntnum[this.env.objectBody[o]] > 0 && !this.env.isParked(o)).map((o) => ({ body: this.env.objectBody[o], name: o }));
  }

  private decideExpert(): PolicyDecision | null {
    const ep = this.episode!;
    if (ep.done) return null;
    return { ...this.expert.decide(ep), source: 'expert' };
  }

  /** Keep what is needed to come back to the current state later (resumeFrom). */
  private remember(action: number[] | null, drag: HistoryEntry['drag']): void {
    const step = this.episode!.step;
    this.history[step] = { expert: cloneExpert(this.expert), pending: this.pending, action, drag };
    this.history.length = step + 1;
  }

  /** Record the current state; with the expert driving, `pending` is already the plan at this state. */
  private record(action: number[] | null, computeMs: number): StepRecord {
    const ep = this.episode!;
    const env = this.env;
    const expertDriving = this.policy === 'expert';
    const rec: StepRecord = {
      step: ep.step,
      frame: poseFrame(env),
      tcp: env.tcpPos(),
      gripperWidth: env.gripperWidth(),
      proprio: env.proprio(),
      outcome: ep.outcome(),
      decision: expertDriving ? this.pending : null,
      expert: expertDriving ? null : this.pending,
      action,
      perturbed: this.dragged,
      computeMs,
    };
    return rec;
  }

  /** Execute one control step with `action`. */
  private advance(action: number[]): StepRecord | null {
    const ep = this.episode;
    if (!ep || ep.done) return null;
    const t0 = performance.now();
    this.lastStepAt = t0;
    // The pointer target is fixed for the whole step: messages are only handled between steps.
    const drag = this.drag ? { ...this.drag } : null;
    this.dragged = drag !== null;
    this.applyAction(action, drag);
    // Decide at the new state before publishing it, so the plan is on screen before it executes. With an
    // external policy the expert still labels every state (ground truth beside the model's prediction).
    this.pending = this.decideExpert();
    this.remember(action.slice(), drag);
    return this.record(action.slice(), performance.now() - t0);
  }

  private applyAction(action: number[], drag: HistoryEntry['drag']): void {
    const spring: Spring | null = drag ? { ...drag, prev: null } : null;
    this.episode!.apply(action, spring ? (env) => this.applySpring(env, spring) : undefined);
    // xfrc_applied is not part of a snapshot; it must never outlive the step it was applied in.
    (this.env.data.xfrc_applied as Float64Array).fill(0);
  }

  /** One expert step; the result's pose buffers are handed over to whoever receives it. */
  step(): StepRecord | null {
    return this.handOver(this.expertStep());
  }

  private expertStep(): StepRecord | null {
    if (this.policy !== 'expert' || !this.pending) return null;
    return this.advance(this.pending.actions[0]);
  }

  /**
   * One step with an action from another policy (the model). Its decision belongs to the state it was made
   * at, which the caller already holds; the new record carries the expert's label of the new state.
   */
  execute(action: number[]): StepRecord | null {
    return this.handOver(this.advance(action));
  }

  private handOver(r: StepRecord | null): StepRecord | null {
    return r ? this.transfer(r, buffersOf(r)) : null;
  }

  // ---------------------------------------------------------------- play loop
  play(speed: number): void {
    this.speed = speed;
    if (this.playing || !this.episode || this.episode.done || this.policy !== 'expert') return;
    this.playing = true;
    this.emit({ type: 'playing', epoch: this.epoch, playing: true });
    this.nextTick = performance.now();
    this.schedule();
  }

  pause(): void {
    this.finishBatch();
    if (!this.playing) return;
    this.stopLoop();
    this.emit({ type: 'playing', epoch: this.epoch, playing: false });
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.nextTick = performance.now();
  }

  private stopLoop(): void {
    this.playing = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.finishBatch();
  }

  private period(): number {
    return Number.isFinite(this.speed) && this.speed > 0 ? 1000 / (CONTROL_HZ * this.speed) : 0;
  }

  // ---------------------------------------------------------------- another policy's action batches
  /**
   * Execute another policy's actions (the model's chunk) one per control period, publishing each record as
   * an event exactly as the expert's play loop does; resolves with how many ran. Stops early at the end of
   * the episode, when the goal changes (the chunk was planned for the old one), on pause or on load. The
   * main thread is then needed once per prediction rather than once per step.
   */
  executeMany(actions: number[][], speed: number): Promise<number> {
    this.finishBatch();
    this.speed = speed;
    const ep = this.episode;
    if (!ep || ep.done || actions.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve) => {
      this.batch = { actions: actions.map((a) => a.slice()), done: 0, goal: ep.outcome().goalIndex, resolve };
      this.scheduleBatch();
    });
  }

  private scheduleBatch(): void {
    const now = performance.now();
    const due = Math.max(now, this.lastStepAt + this.period());
    this.timer = setTimeout(() => this.batchTick(), due - now);
  }

  private batchTick(): void {
    this.timer = null;
    const b = this.batch;
    if (!b) return;
    const rec = this.advance(b.actions[b.done]);
    if (rec) {
      b.done += 1;
      this.emit(this.transfer({ type: 'record', epoch: this.epoch, record: rec }, buffersOf(rec)));
    }
    const over = !rec || rec.outcome.status === 'success' || rec.outcome.status === 'failure' || rec.outcome.goalIndex !== b.goal;
    if (over || b.done >= b.actions.length) this.finishBatch();
    else this.scheduleBatch();
  }

  private finishBatch(): void {
    const b = this.batch;
    if (!b) return;
    this.batch = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    b.resolve(b.done);
  }

  private schedule(): void {
    const period = this.period();
    this.nextTick += period;
    const now = performance.now();
    // Fell more than a period behind (a slow step, a busy machine): drop the backlog instead of bursting.
    if (now - this.nextTick > period) this.nextTick = now;
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.nextTick - now));
  }

  private tick(): void {
    this.timer = null;
    if (!this.playing) return;
    const rec = this.expertStep();
    if (rec) this.emit(this.transfer({ type: 'record', epoch: this.epoch, record: rec }, buffersOf(rec)));
    if (!rec || rec.outcome.status === 'success' || rec.outcome.status === 'failure') {
      this.pause();
      return;
    }
    this.schedule();
  }

  private emit(e: SimEvent): void {
    this.listener(e);
  }

  // ---------------------------------------------------------------- history
  /**
   * Continue from recorded step `step`, exactly as if the episode had just arrived there. A MuJoCo state
   * restored mid-episode is not bit-identical to the one reached by stepping (after mj_step the derived
   * quantities still describe the state before the last integration), so the episode is replayed from its
   * initial state with the recorded actions and drags: deterministic, and ~10 ms per step.
   */
  resumeFrom(step: number): StepRecord {
    const target = this.history[step];
    if (!target || !this.episode || !this.spec) throw new Error(`no recorded state for step ${step}`);
    this.stopLoop();
    this.episode = new Episode(this.env, this.spec);
    for (let k = 1; k <= step; k++) {
      const h = this.history[k];
      this.applyAction(h.action!, h.drag);
    }
    this.expert = cloneExpert(target.expert);
    this.pending = target.pending;
    this.history.length = step + 1;
    this.dragged = false;
    // The caller keeps its own record of this step (with the action that led to it); this one refreshes the pose.
    return this.handOver(this.record(null, 0))!;
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

  private anchorWorld(body: number, anchor: Vec3): Vec3 {
    const xp = this.env.data.xpos as Float64Array;
    const R = this.env.data.xmat as Float64Array;
    const o = 9 * body;
    return [
      xp[3 * body] + R[o] * anchor[0] + R[o + 1] * anchor[1] + R[o + 2] * anchor[2],
      xp[3 * body + 1] + R[o + 3] * anchor[0] + R[o + 4] * anchor[1] + R[o + 5] * anchor[2],
      xp[3 * body + 2] + R[o + 6] * anchor[0] + R[o + 7] * anchor[1] + R[o + 8] * anchor[2],
    ];
  }

  /** Spring-damper from the grab point to the pointer, as a force + torque on the body (xfrc_applied). */
  private applySpring(env: TabletopEnv, d: Spring): void {
    const b = d.body;
    const p = this.anchorWorld(b, d.anchor);
    const dt = PHYSICS_DT;
    // Velocity of the grab point by finite difference: works for free and sliding bodies alike.
    const v: Vec3 = d.prev ? [(p[0] - d.prev[0]) / dt, (p[1] - d.prev[1]) / dt, (p[2] - d.prev[2]) / dt] : [0, 0, 0];
    d.prev = p;
    const mass = (env.model.body_subtreemass as Float64Array)[b];
    const k = DRAG_OMEGA * DRAG_OMEGA;
    const c = 2 * DRAG_OMEGA;
    let a: Vec3 = [0, 1, 2].map((i) => k * (d.target[i] - p[i]) - c * v[i]) as Vec3;
    const an = Math.hypot(a[0], a[1], a[2]);
    if (an > DRAG_MAX_ACCEL) a = a.map((x) => (x * DRAG_MAX_ACCEL) / an) as Vec3;
    const f: Vec3 = [a[0] * mass, a[1] * mass, a[2] * mass];
    const com = env.data.xipos as Float64Array;
    const r: Vec3 = [p[0] - com[3 * b], p[1] - com[3 * b + 1], p[2] - com[3 * b + 2]];
    const xfrc = env.data.xfrc_applied as Float64Array;
    const cvel = env.data.cvel as Float64Array; // [angular(3), linear(3)] in the world-aligned com frame
    const o = 6 * b;
    xfrc[o] = f[0];
    xfrc[o + 1] = f[1];
    xfrc[o + 2] = f[2];
    xfrc[o + 3] = r[1] * f[2] - r[2] * f[1] - DRAG_ROT_DAMPING * mass * cvel[o];
    xfrc[o + 4] = r[2] * f[0] - r[0] * f[2] - DRAG_ROT_DAMPING * mass * cvel[o + 1];
    xfrc[o + 5] = r[0] * f[1] - r[1] * f[0] - DRAG_ROT_DAMPING * mass * cvel[o + 2];
  }

  injectFault(kind: 'crash'): void {
    if (kind === 'crash') {
      setTimeout(() => {
        throw new Error('injected fault: the simulator worker crashed');
      });
    }
  }

  dispose(): void {
    this.stopLoop();
    this.env?.dispose();
  }
}
