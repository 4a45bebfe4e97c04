import type { TabletopEnv } from '../sim/env';
import { actionFault } from '../sim/actionGuard';
import type { Episode } from '../sim/episode';
import type { PerturbationDriver } from '../sim/perturbations';
import type { CameraImages, PolicyDecision, PolicyReading, PolicyStep, StepPolicy } from './types';
import { applyIntervention, type Intervention, type InterventionOutcome } from './interventions';

// The one episode loop: observe -> policy -> guard -> apply -> judge -> record, for every host (the app's
// sim worker, the headless runner page, Node). Hosts are thin: they supply pixels, pacing and I/O through
// the hooks below, and decide when to call `step()`.
//
// Record k is the state after k control steps together with the decision made at it (the plan about to
// execute), so a plan is always on screen before it moves anything. `begin()` makes record 0; each
// `step()` executes the pending decision and makes the next record.

export interface LoopHooks {
  /**
   * The policy cameras' pixels at the current state; null when they cannot be rendered. Called only when
   * the policy reads them (a chunked model at its inference steps), or at every state with `eagerImages`.
   */
  images?(): CameraImages | null;
  /** Render every state, whether the policy looks or not (datagen records every frame). */
  eagerImages?: boolean;
  /** Every state, once its decision is made (or once the episode is over at it). */
  onRecord?(rec: LoopRecord): void;
  /** What actually executes for a decided action (datagen's DART noise); the record keeps the clean one. */
  executed?(action: ArrayLike<number>): ArrayLike<number>;
  /** Forces acting during the next control step (a person's mouse drag); called once per step. */
  forces?(): ((env: TabletopEnv) => void) | undefined;
  /** Ground truth at each state while another policy drives (the scripted expert's plan). */
  label?(episode: Episode): PolicyDecision | null;
  /** Which words the policy gets (default 'step'). */
  reading?: PolicyReading;
  /** Corrections said at given steps (a link's, an evaluation's), applied when the episode reaches them. */
  interventions?: readonly Intervention[];
  /** Every intervention applied, scheduled or live. */
  onIntervention?(o: InterventionOutcome): void;
}

export interface LoopRecord {
  step: number;
  episode: Episode;
  /** The action executed to reach this state (the clean one); null for the initial state. */
  action: number[] | null;
  /** The policy's answer at this state; null once the episode is over here. */
  decided: PolicyStep | null;
  /** The ground-truth label at this state, when a labeller is set. */
  label: PolicyDecision | null;
  images: CameraImages | null;
  proprio: Float32Array;
}

/** Where the loop's time went, in ms. */
export interface LoopTiming {
  sim: number;
  render: number;
  policy: number;
  record: number;
}

export type StepResult = 'stepped' | 'held' | 'done';

export class EpisodeLoop {
  readonly timing: LoopTiming = { sim: 0, render: 0, policy: 0, record: 0 };
  /** The decision at the current state, executed by the next `step()`. */
  private pending: PolicyStep | null = null;
  private ended = false;
  /** The newest record: a decision made again at its state keeps its label and action. */
  private last: LoopRecord | null = null;

  constructor(
    readonly episode: Episode,
    readonly policy: StepPolicy,
    private readonly driver: PerturbationDriver | null = null,
    private readonly hooks: LoopHooks = {},
  ) {}

  get done(): boolean {
    return this.episode.done;
  }

  /** A decision is waiting to execute at the current state. */
  get decided(): boolean {
    return this.pending !== null;
  }

  /**
   * Decide at the initial state and record it. A host that restored a recorded state (a branch) passes the
   * plan and label that were made there instead: deciding again would advance a stateful policy twice.
   */
  async begin(restored?: { decided?: PolicyStep | null; label: PolicyDecision | null }): Promise<LoopRecord> {
    if (restored && restored.decided !== undefined) {
      this.pending = restored.decided && !restored.decided.fault ? restored.decided : null;
      return this.emit(null, restored.decided, this.hooks.images?.() ?? null, restored.label);
    }
    return this.decideAndRecord(null, restored?.label);
  }

  /**
   * Execute the pending decision (after its gate), judge the new state, decide at it and record it.
   * 'held' when the gate refused (nothing moved), 'done' when the episode is over.
   */
  async step(): Promise<StepResult> {
    const ep = this.episode;
    const decided = this.pending;
    if (ep.done || !decided) return 'done';
    if (this.policy.gate && !(await this.policy.gate(ep.step, decided))) return ep.done ? 'done' : 'held';
    if (ep.done || this.pending !== decided) return ep.done ? 'done' : 'held';
    const clean = Array.from(decided.action);
    const t0 = performance.now();
    const executed = this.hooks.executed ? this.hooks.executed(clean) : clean;
    ep.apply(executed, this.hooks.forces?.());
    this.timing.sim += performance.now() - t0;
    await this.decideAndRecord(clean);
    return ep.done ? 'done' : 'stepped';
  }

  /**
   * Decide again at the current state, keeping its label and the action that led to it: the policy's
   * settings changed while nothing ran (a new execution mode re-plans). The new record replaces the old one.
   */
  async redecide(): Promise<LoopRecord | null> {
    if (this.episode.done || !this.pending || !this.last) return null;
    return this.decideAndRecord(this.last.action, this.last.label, true);
  }

  /**
   * A person's words at the current state (talk-back): the plan changes from here, and the policy decides
   * again at this state with the new step (the record here is replaced, with a fresh label). Nothing
   * changes when the words are not understood, ask a question, or the episode is over.
   */
  async intervene(text: string): Promise<InterventionOutcome> {
    const o = applyIntervention(this.episode, text);
    if (!o.applied) return o;
    this.hooks.onIntervention?.(o);
    if (this.episode.done) {
      this.pending = null;
      if (this.last) this.emit(this.last.action, null, null, null);
      return o;
    }
    if (this.last) await this.decideAndRecord(this.last.action, undefined, true);
    return o;
  }

  /** Fail the episode for a reason from outside (a crashed policy worker, a person's stop). */
  fail(reason: string): void {
    if (this.episode.done) return;
    this.episode.fail(reason);
    this.pending = null;
  }

  /** Undo in-episode perturbations (friction) on the shared model; call once when the episode is left. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.driver?.end();
  }

  private async decideAndRecord(action: number[] | null, label?: PolicyDecision | null, again = false): Promise<LoopRecord> {
    const ep = this.episode;
    this.pending = null;
    // Perturbations act once per state, however often it is decided at.
    if (!ep.done && !again) this.driver?.beforeStep(ep);
    if (!ep.done && !again) {
      for (const i of this.hooks.interventions ?? []) {
        if (i.step !== ep.step) continue;
        const o = applyIntervention(ep, i.text);
        if (o.applied) this.hooks.onIntervention?.(o);
      }
    }
    // Rendering is the dearest stage (a software rasteriser takes far longer than the physics): pixels are
    // made when the policy reads them, once per state.
    let rendered: CameraImages | null | undefined;
    let renderMs = 0;
    const images = (): CameraImages | null => {
      if (rendered !== undefined) return rendered;
      const t0 = performance.now();
      rendered = this.hooks.images ? this.hooks.images() : null;
      renderMs = performance.now() - t0;
      this.timing.render += renderMs;
      return rendered;
    };
    if (this.hooks.eagerImages) images();
    if (ep.done) return this.emit(action, null, rendered ?? null, label);
    let decided: PolicyStep;
    let proprio: Float32Array | undefined;
    const t1 = performance.now();
    try {
      decided = await this.policy.act({
        step: ep.step,
        instruction: this.hooks.reading === 'sentence' ? (ep.spec.text ?? ep.instruction) : ep.instruction,
        get images() {
          return images();
        },
        proprio: (proprio = ep.env.proprio()),
        episode: ep,
      });
    } catch (e) {
      decided = { action: [], decision: null, fault: `policy error: ${e instanceof Error ? e.message : String(e)}` };
    }
    // A render the policy asked for is counted as rendering, not as the policy's time.
    this.timing.policy += performance.now() - t1 - (this.hooks.eagerImages ? 0 : renderMs);
    const fault = decided.fault ?? actionFault(decided.action);
    if (fault) {
      decided = { ...decided, fault };
      ep.fail(fault);
    } else {
      this.pending = decided;
    }
    return this.emit(action, decided, rendered ?? null, label, proprio);
  }

  /** `proprio`: the state's reading when the policy already took it (one read per state). */
  private emit(action: number[] | null, decided: PolicyStep | null, images: CameraImages | null, label?: PolicyDecision | null, proprio?: Float32Array): LoopRecord {
    const t0 = performance.now();
    const ep = this.episode;
    const rec: LoopRecord = {
      step: ep.step,
      episode: ep,
      action,
      decided,
      label: label !== undefined ? label : this.hooks.label && !ep.done ? this.hooks.label(ep) : null,
      images,
      proprio: proprio ?? ep.env.proprio(),
    };
    this.last = rec;
    this.hooks.onRecord?.(rec);
    this.timing.record += performance.now() - t0;
    return rec;
  }
}
