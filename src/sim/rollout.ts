import { EpisodeLoop } from '../engine/episodeLoop';
import { resultOf, type EpisodeResult } from '../engine/result';
import type { StepPolicy } from '../engine/types';
import type { TabletopEnv } from './env';
import { Episode } from './episode';
import { ExpertPolicy } from './expertPolicy';
import { perturbSpec, planPerturbations, PerturbationDriver, type PerturbationName, type PerturbationPlan } from './perturbations';
import { getEpisodeSource } from '../engine/catalog';

// Node's host of the episode loop (src/engine/episodeLoop.ts): no pixels, no pacing; the eval CLI's Node
// lanes and the tests run whole episodes here.

export type { EpisodeResult } from '../engine/result';

/** The scripted expert as a step policy: it re-plans every step and executes the first action (closed loop). */
export function expertStepPolicy(): StepPolicy {
  const expert = new ExpertPolicy();
  return {
    needsImages: false,
    reset: () => expert.reset(),
    act: (obs) => {
      const d = expert.decide(obs.episode);
      return { action: d.actions[0], decision: { ...d, source: 'expert' } };
    },
  };
}

/** Sample a task episode, apply the seeded perturbations and prepare the driver for in-episode ones. */
export function startEpisode(env: TabletopEnv, taskId: string, seed: number, perturbations: readonly PerturbationName[] = []) {
  const base = getEpisodeSource(taskId).sample(seed);
  const plan: PerturbationPlan = planPerturbations(perturbations, base);
  const { spec, events } = perturbSpec(base, plan);
  const episode = new Episode(env, spec);
  const driver = new PerturbationDriver(env, plan, spec);
  driver.events.push(...events);
  driver.begin();
  return { episode, driver, plan };
}

/**
 * Run one episode to the end in this thread. Never throws for physics or policy trouble: faults end the
 * episode as a failure with the reason recorded. The shared model is restored afterwards.
 */
export async function runEpisode(env: TabletopEnv, taskId: string, seed: number, policy: StepPolicy, perturbations: readonly PerturbationName[] = []): Promise<EpisodeResult> {
  const t0 = performance.now();
  const { episode, driver } = startEpisode(env, taskId, seed, perturbations);
  await policy.reset();
  const loop = new EpisodeLoop(episode, policy, driver);
  try {
    await loop.begin();
    while ((await loop.step()) === 'stepped');
  } finally {
    loop.end();
  }
  return resultOf(loop, taskId, seed, performance.now() - t0, driver.events);
}
