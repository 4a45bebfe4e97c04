import type { AxisSetting } from '../sim/axes';
import type { TabletopEnv } from '../sim/env';
import { Episode } from '../sim/episode';
import { perturbSpec, planPerturbations, PerturbationDriver, type PerturbationPlan } from '../sim/perturbations';
import type { EpisodeSpec } from '../sim/tasks';
import { rewordSpec } from '../language/reword';
import { getEpisodeSource } from './catalog';

// Every host starts an episode the same way: the source's seeded spec, then the robustness axes' changes
// to it (layout, distractors, the arm's start, the words), then the episode and the driver of what happens
// during it (pushes, shifts, dynamics). The pixel axes travel in `plan` to the host's renderer.

export interface PerturbedSpec {
  spec: EpisodeSpec;
  plan: PerturbationPlan;
  /** What the axes did, in words (the timeline's and the report's events). */
  events: string[];
}

/** Apply `settings` to a spec; with none it is returned as it is. */
export function perturbEpisodeSpec(base: EpisodeSpec, settings: readonly AxisSetting[]): PerturbedSpec {
  const plan = planPerturbations(settings, base);
  const { spec, events } = perturbSpec(base, plan);
  if (!plan.language) return { spec, plan, events };
  const worded = rewordSpec(spec, plan.language.level, plan.language.seed);
  return { spec: worded.spec, plan, events: [...events, ...worded.events] };
}

/** An episode on `env` with its perturbation driver started (call `driver.end()` when it is over). */
export function episodeOf(env: TabletopEnv, p: PerturbedSpec): { episode: Episode; driver: PerturbationDriver } {
  const episode = new Episode(env, p.spec);
  const driver = new PerturbationDriver(env, p.plan, p.spec);
  driver.events.push(...p.events);
  driver.begin();
  return { episode, driver };
}

/** Sample a task episode (or an open-suite one), perturbed along `settings`. */
export function startEpisode(env: TabletopEnv, taskId: string, seed: number, settings: readonly AxisSetting[] = []) {
  const p = perturbEpisodeSpec(getEpisodeSource(taskId).sample(seed), settings);
  return { ...episodeOf(env, p), plan: p.plan, spec: p.spec };
}
