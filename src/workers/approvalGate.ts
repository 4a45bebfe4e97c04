import type { ApprovalAnswer, Verdict } from '../engine/approvals';

// The approval gate between the model's prediction and its execution (approval mode). A prediction waits
// here until a person answers, a Step press lets one through, or a link's recorded answer for that step
// replays. What a rejection does to the loop (drop the prediction, ask again) is the session's part; the
// gate only keeps who is waiting and what was answered.

/** true: execute; a number: execute that many steps of it; false: withdrawn (the run stopped). */
export type GateAnswer = boolean | number;

export interface GateEvents {
  /** A prediction made at `step` waits for a person. */
  waiting(step: number): void;
  /** A recorded answer replayed (a link's `ok` parameters): the session notes it like a live one. */
  replayed(answer: ApprovalAnswer): void;
  /** The person answered; the clock of the step restarts here. */
  answered(): void;
}

export class ApprovalGate {
  private pending: { step: number; resolve: (a: GateAnswer) => void } | null = null;
  /** Predictions that may pass without asking (a person pressed Step). */
  private passes = 0;
  private script: ApprovalAnswer[] = [];

  constructor(private readonly events: GateEvents) {}

  /** Recorded answers to replay, in step order (an episode's load; cleared by the next). */
  replay(answers: readonly ApprovalAnswer[]): void {
    this.script = [...answers].sort((a, b) => a.step - b.step);
  }

  /** The step of the prediction waiting, or null. */
  get waitingAt(): number | null {
    return this.pending?.step ?? null;
  }

  letThrough(n: number): void {
    this.passes = n;
  }

  ask(step: number): Promise<GateAnswer> {
    if (this.passes > 0) {
      this.passes -= 1;
      return Promise.resolve(true);
    }
    // Answers recorded for earlier steps belong to a history this episode no longer has (a branch).
    while (this.script.length && this.script[0].step < step) this.script.shift();
    // A replayed rejection re-asks a deterministic model at the same state: the same prediction comes back,
    // so it is noted and the next recorded answer for this step applies to it.
    while (this.script[0]?.step === step && this.script[0].verdict === 'reject') this.events.replayed(this.script.shift()!);
    const recorded = this.script[0]?.step === step ? this.script.shift()! : null;
    if (recorded) {
      this.events.replayed(recorded);
      return Promise.resolve(toAnswer(recorded.verdict));
    }
    return new Promise((resolve) => {
      this.pending = { step, resolve };
      this.events.waiting(step);
    });
  }

  /** Answer the waiting prediction; false when none waits. */
  answer(a: GateAnswer): boolean {
    const p = this.pending;
    if (!p) return false;
    this.pending = null;
    if (a !== false) this.events.answered();
    p.resolve(a);
    return true;
  }
}

function toAnswer(v: Verdict): GateAnswer {
  return v === 'accept' ? true : v === 'reject' ? false : v;
}
