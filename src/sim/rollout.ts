import { EpisodeLoop } from '../engine/episodeLoop';
import { resultOf, type EpisodeResult } from '../engine/result';
import type { StepPolicy } from '../engine/types';
import type { TabletopEnv } from './env';
import { ExpertPolicy } from './expertPolicy';
import type { AxisSetting } from './axes';
import { startEpisode } from '../engine/episodeStart';
import { switchHooks, type InterventionMode } from '../engine/interventions';

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

/**
 * Run one episode to the end in this thread. Never throws for physics or policy trouble: faults end the
 * episode as a failure with the reason recorded. The shared model is restored afterwards.
 */
export async function runEpisode(
  env: TabletopEnv,
  taskId: string,
  seed: number,
  policy: StepPolicy,
  perturbations: readonly AxisSetting[] = [],
  interventions: InterventionMode = 'none',
): Promise<EpisodeResult> {
  const t0 = performance.now();
  const { episode, driver, spec } = startEpisode(env, taskId, seed, perturbations);
  await policy.reset();
  const sw = interventions !== 'none' ? switchHooks(spec, seed, interventions) : null;
  const loop = new EpisodeLoop(episode, policy, driver, sw ? sw.hooks : {});
  try {
    await loop.begin();
    while ((await loop.step()) === 'stepped');
  } finally {
    loop.end();
  }
  const r = resultOf(loop, taskId, seed, performance.now() - t0, driver.events);
  return sw ? { ...r, intervention: sw.outcome(episode) } : r;
}
