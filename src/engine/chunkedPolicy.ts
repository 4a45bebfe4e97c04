import { ActionScheduler, type ExecutionMode } from '../policy/execution';
import { continuation } from '../policy/modelDecision';
import type { Observation, PolicyDecision, PolicyStep, StepPolicy } from './types';

// The one adapter between a model that predicts action chunks and the episode loop, used by the app's sim
// worker and the headless runner alike: k-of-H or ACT-ensembled execution, a new instruction invalidating
// the chunk in hand, a refused output stopping the episode, and the approval hook.

/** One model inference: the decision (actions de-normalised, reasoning decoded) and whether it may run. */
export interface Prediction {
  decision: PolicyDecision;
  /** Why the actions must not execute (NaN, far out of range); null when they may. */
  fault: string | null;
}

export interface Predictor {
  predict(obs: Observation): Promise<Prediction>;
}

/**
 * Asked before the first action of every new prediction executes: true runs it as the execution mode says,
 * a number runs only that many of its actions before the model is asked again (partial acceptance), false
 * holds the step.
 */
export type ApprovalHook = (step: number, decision: PolicyDecision) => Promise<boolean | number>;

export class ChunkedPolicy implements StepPolicy {
  readonly needsImages = true;
  private scheduler: ActionScheduler;
  private instruction: string | null = null;
  /** The newest prediction and the step it was made at (its remainder is shown on later steps). */
  private latest: { step: number; decision: PolicyDecision } | null = null;
  /** Set in approval mode. */
  approval: ApprovalHook | null = null;
  /** A partially accepted chunk: the model is asked again at this step, whatever the mode says. */
  private replanAt: number | null = null;

  constructor(private readonly predictor: Predictor, mode: ExecutionMode) {
    this.scheduler = new ActionScheduler(mode);
  }

  get mode(): ExecutionMode {
    return this.scheduler.mode;
  }

  reset(): void {
    this.scheduler.reset();
    this.instruction = null;
    this.latest = null;
    this.replanAt = null;
  }

  /** A person rejected the prediction in hand: it is dropped, and the model is asked again at this state. */
  discard(): void {
    this.scheduler.reset();
    this.latest = null;
    this.replanAt = null;
  }

  /** A new execution mode; a prediction made at `liveStep` stays valid under it. */
  setMode(mode: ExecutionMode, liveStep: number | null = null): void {
    this.scheduler = new ActionScheduler(mode);
    if (this.latest && this.latest.step === liveStep) this.scheduler.push(liveStep, this.latest.decision.actions);
  }

  async act(obs: Observation): Promise<PolicyStep> {
    // A new instruction (the next goal of a chain, a person's correction) invalidates the chunk planned for the old one.
    if (obs.instruction !== this.instruction) {
      this.reset();
      this.instruction = obs.instruction;
    }
    let fresh = false;
    if (this.replanAt !== null && obs.step >= this.replanAt) {
      this.scheduler.reset();
      this.replanAt = null;
    }
    if (this.scheduler.needsInference(obs.step)) {
      if (!obs.images) return { action: [], decision: null, fault: 'the model needs camera images and none could be rendered' };
      const p = await this.predictor.predict(obs);
      if (p.fault) return { action: [], decision: p.decision, fault: `model output refused, nothing was sent to the simulator: ${p.fault}` };
      this.scheduler.push(obs.step, p.decision.actions);
      this.latest = { step: obs.step, decision: p.decision };
      fresh = true;
    }
    const action = this.scheduler.actionAt(obs.step);
    const latest = this.latest;
    if (!action || !latest) return { action: [], decision: latest?.decision ?? null, fault: `no action was planned for step ${obs.step}` };
    return { action, decision: continuation(latest.decision, obs.step - latest.step), fresh };
  }

  async gate(step: number, decided: PolicyStep): Promise<boolean> {
    if (!decided.fresh || !this.approval || !decided.decision) return true;
    const verdict = await this.approval(step, decided.decision);
    if (typeof verdict === 'number') {
      this.replanAt = step + Math.max(1, Math.floor(verdict));
      return true;
    }
    return verdict;
  }
}
