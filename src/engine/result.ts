import { atomKinds } from './catalog';
import type { EpisodeLoop } from './episodeLoop';
import type { SwitchOutcome } from './interventions';

// The outcome of one episode, one type for every host: the eval CLI's Node lanes, the headless runner
// page (which adds its timing, randomization and recording) and the app.

export interface EpisodeResult {
  task: string;
  seed: number;
  /** The sentence (a chain's five instructions are in its spec: its first). */
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
  /** Open programs: what each goal asked for (place_in_bowl, stack, open_drawer, ...), in order. */
  atoms?: string[];
  /** Open programs: the sentence the episode was given. */
  text?: string;
  /** `--interventions switch`: the switched instruction and what became of it. */
  intervention?: SwitchOutcome;
}

/** The result of a finished (or stopped) loop; `reason` overrides the episode's own. */
export function resultOf(loop: EpisodeLoop, task: string, seed: number, wallMs: number, events: string[], reason?: string): EpisodeResult {
  const ep = loop.episode;
  return {
    task,
    seed,
    instruction: ep.spec.text ?? ep.spec.goals[0].instruction,
    success: ep.status === 'success',
    steps: ep.step,
    completed: ep.completed,
    goals: ep.spec.goals.length,
    reason: reason ?? ep.reason,
    wall_ms: Math.round(wallMs),
    events,
    ...(ep.spec.text !== undefined ? { atoms: atomKinds(ep.spec.goals), text: ep.spec.text } : {}),
  };
}
