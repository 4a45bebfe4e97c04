import type { TabletopEnv, SimSnapshot } from './env';
import { holds, describeRelation, whatHappenedInstead, BUTTON_TRIGGER, type Latches } from './predicates';
import { getTask, type EpisodeSpec, type Goal } from './tasks';

export type EpisodeStatus = 'idle' | 'running' | 'success' | 'failure';

export interface StepOutcome {
  status: EpisodeStatus;
  reason: string | null;
  step: number;
  goalIndex: number;
  /** Goals achieved so far (chains report this as the completed length). */
  completed: number;
}

export interface EpisodeSnapshot {
  sim: SimSnapshot;
  status: EpisodeStatus;
  reason: string | null;
  step: number;
  goalStep: number;
  goalIndex: number;
  completed: number;
  latches: Latches;
}

/**
 * One episode on a TabletopEnv: initial state from the task's seeded sampler, goal bookkeeping (one goal,
 * or five in a row for chains), success predicates, step limits and physics faults.
 */
export class Episode {
  /** Its goals change when a person corrects the plan mid-episode (`replaceGoals`). */
  spec: EpisodeSpec;
  status: EpisodeStatus = 'running';
  reason: string | null = null;
  step = 0;
  goalStep = 0;
  goalIndex = 0;
  completed = 0;
  latches: Latches = { buttonPressed: false };

  constructor(readonly env: TabletopEnv, spec: EpisodeSpec) {
    this.spec = spec;
    env.reset(spec.init);
  }

  static fromTask(env: TabletopEnv, taskId: string, seed: number): Episode {
    return new Episode(env, getTask(taskId).sample(seed));
  }

  get goal(): Goal {
    return this.spec.goals[Math.min(this.goalIndex, this.spec.goals.length - 1)];
  }
  get instruction(): string {
    return this.goal.instruction;
  }
  get done(): boolean {
    return this.status === 'success' || this.status === 'failure';
  }

  outcome(): StepOutcome {
    return { status: this.status, reason: this.reason, step: this.step, goalIndex: this.goalIndex, completed: this.completed };
  }

  /** Execute one control step; `applyForces` runs before each physics step (drags, pushes). */
  apply(action: ArrayLike<number>, applyForces?: (env: TabletopEnv) => void): StepOutcome {
    if (this.done) return this.outcome();
    const r = this.env.step(action, applyForces);
    this.step += 1;
    this.goalStep += 1;
    if (r.fault) return this.fail(r.fault);
    const down = this.env.buttonPos() < BUTTON_TRIGGER;
    if (!down) this.latches.buttonReleased = true;
    else if (this.latches.buttonReleased !== false) this.latches.buttonPressed = true;
    if (this.goal.relations.every((rel) => holds(this.env, rel, this.latches))) {
      this.completed += 1;
      if (this.goalIndex + 1 >= this.spec.goals.length) {
        this.status = 'success';
        return this.outcome();
      }
      this.goalIndex += 1;
      this.goalStep = 0;
      this.latches = { buttonPressed: false, buttonReleased: this.env.buttonPos() >= BUTTON_TRIGGER };
      return this.outcome();
    }
    if (this.goalStep >= this.goal.stepLimit) {
      const missed = this.goal.relations.filter((rel) => !holds(this.env, rel, this.latches));
      const instead = [...new Set(missed.flatMap((rel) => whatHappenedInstead(this.env, rel, this.latches)))];
      return this.fail(
        `step limit (${this.goal.stepLimit}) reached; not achieved: ${missed.map(describeRelation).join(', ')}` +
          (instead.length ? `; ${instead.join(', ')}` : ''),
      );
    }
    return this.outcome();
  }

  /**
   * A person changed the plan mid-episode (src/engine/interventions.ts): the goals from the current one on
   * are replaced, and the first new goal starts now with its full step limit. The goals already achieved
   * stay in the spec, so a result still counts them. Returns false (nothing changes) when the episode is
   * over or `goals` is empty.
   */
  replaceGoals(goals: Goal[], text?: string): boolean {
    if (this.done || goals.length === 0) return false;
    const kept = this.spec.goals.slice(0, this.goalIndex);
    this.spec = { ...this.spec, goals: [...kept, ...goals], ...(text !== undefined ? { text } : {}) };
    this.goalStep = 0;
    this.latches = { buttonPressed: false, buttonReleased: this.env.buttonPos() >= BUTTON_TRIGGER };
    return true;
  }

  fail(reason: string): StepOutcome {
    this.status = 'failure';
    this.reason = reason;
    return this.outcome();
  }

  snapshot(): EpisodeSnapshot {
    return {
      sim: this.env.snapshot(),
      status: this.status,
      reason: this.reason,
      step: this.step,
      goalStep: this.goalStep,
      goalIndex: this.goalIndex,
      completed: this.completed,
      latches: { ...this.latches },
    };
  }

  restore(s: EpisodeSnapshot): void {
    this.env.restore(s.sim);
    Object.assign(this, { status: s.status, reason: s.reason, step: s.step, goalStep: s.goalStep, goalIndex: s.goalIndex, completed: s.completed, latches: { ...s.latches } });
  }
}
