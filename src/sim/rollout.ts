import type { TabletopEnv } from './env';
import { Episode } from './episode';
import { ExpertPolicy } from './expertPolicy';
import { perturbSpec, planPerturbations, PerturbationDriver, type PerturbationName, type PerturbationPlan } from './perturbations';
import { getTask } from './tasks';

/** The outcome of one episode, as the eval CLI records it. */
export interface EpisodeResult {
  task: string;
  seed: number;
  instruction: string;
  success: boolean;
  steps: number;
  /** Goals achieved (chains: 0-5; other tasks: 0 or 1). */
  completed: number;
  goals: number;
  reason: string | null;
  wall_ms: number;
  /** What the perturbations did, in order. */
  events: string[];
}

/** Anything that proposes the next 7-D action for an episode. */
export interface StepPolicy {
  reset(): void;
  act(ep: Episode): ArrayLike<number>;
}

/** The scripted expert, executing the first action of every chunk it proposes (closed loop). */
export function expertStepPolicy(): StepPolicy {
  const expert = new ExpertPolicy();
  return { reset: () => expert.reset(), act: (ep) => expert.decide(ep).actions[0] };
}

/** Sample a task episode, apply the seeded perturbations and prepare the driver for in-episode ones. */
export function startEpisode(env: TabletopEnv, taskId: string, seed: number, perturbations: readonly PerturbationName[] = []) {
  const base = getTask(taskId).sample(seed);
  const plan: PerturbationPlan = planPerturbations(perturbations, base);
  const { spec, events } = perturbSpec(base, plan);
  const episode = new Episode(env, spec);
  const driver = new PerturbationDriver(env, plan, spec);
  driver.events.push(...events);
  driver.begin();
  return { episode, driver, plan };
}

/**
 * Run one episode to the end in this thread. Never throws for physics trouble: faults end the episode as
 * a failure with the reason recorded. The shared model is restored afterwards.
 */
export function runEpisode(env: TabletopEnv, taskId: string, seed: number, policy: StepPolicy, perturbations: readonly PerturbationName[] = []): EpisodeResult {
  const t0 = performance.now();
  const { episode: ep, driver } = startEpisode(env, taskId, seed, perturbations);
  policy.reset();
  try {
    while (!ep.done) {
      driver.beforeStep(ep);
      let action: ArrayLike<number>;
      try {
        action = policy.act(ep);
      } catch (e) {
        ep.fail(`policy error: ${(e as Error).message}`);
        break;
      }
      ep.apply(action);
    }
  } finally {
    driver.end();
  }
  return {
    task: taskId,
    seed,
    // The first instruction, as the runner page reports it (a chain's five are in its spec).
    instruction: ep.spec.goals[0].instruction,
    success: ep.status === 'success',
    steps: ep.step,
    completed: ep.completed,
    goals: ep.spec.goals.length,
    reason: ep.reason,
    wall_ms: Math.round(performance.now() - t0),
    events: driver.events,
  };
}
