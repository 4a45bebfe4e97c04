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
  const { spec, events: changed } = perturbSpec(base, plan);
  const events = [...changed, ...pixelEvents(plan)];
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

const cm = (v: readonly number[]) => (100 * Math.hypot(v[0], v[1], v[2])).toFixed(1);
const deg = (v: readonly number[]) => ((180 / Math.PI) * Math.hypot(v[0], v[1], v[2])).toFixed(1);

/** What the pixel axes do, in words: they change no state, so nothing else would say it. */
function pixelEvents(plan: PerturbationPlan): string[] {
  const out: string[] = [];
  const c = plan.camera;
  if (c) out.push(`camera: front camera moved ${cm(c.front.pos)} cm and turned ${deg(c.front.rot)}°, field of view x${c.fovScale.toFixed(2)}`);
  const l = plan.lighting;
  if (l) out.push(`lighting: key light x${l.keyScale.toFixed(2)}, turned ${((180 / Math.PI) * l.keyAzimuth).toFixed(0)}°, ambient x${l.ambientScale.toFixed(2)}, ${Math.round(l.kelvin)} K`);
  const b = plan.background;
  const hex = (rgb: readonly number[]) => '#' + rgb.map((x) => Math.round(255 * x).toString(16).padStart(2, '0')).join('');
  if (b) out.push(`background: table ${hex(b.table)}${b.backdrop ? `, backdrop ${hex(b.backdrop)}` : ''}`);
  const s = plan.sensor;
  if (s) out.push(`sensor_noise: noise σ ${s.sigma}/255, exposure x${s.exposure.toFixed(2)}${s.blur ? `, blur ${s.blur}` : ''}`);
  return out;
}
