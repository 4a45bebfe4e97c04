import type { Episode } from '../sim/episode';
import { goalOf, type ResolvedAtom } from '../sim/goals';
import { holds } from '../sim/predicates';
import { Rng } from '../sim/rng';
import type { EpisodeSpec } from '../sim/tasks';
import { CUBES, type CubeName } from '../sim/vocab';
import { interpretCorrection, type Correction } from '../language/correction';
import { describeProgram } from '../language/program';
import { sceneOf } from '../language/scene';

// A person's corrections during an episode (talk-back, docs/interventions.md): words said at a step,
// read against the program still to do and the table as it is at that step. An intervention is kept as
// what was said and when; reading the same words at the same state of the same seeded episode gives the
// same program, which is what makes an episode with its interventions replay exactly from a link.

/**
 * How an evaluation intervenes: not at all, one switched instruction per episode mid-run ('switch',
 * SwitchVLA style), or the instruction swapped before the first step ('swap', LIBERO-PRO's task swap: the
 * same layout under another colour, target or fixture, to see whether the words steer the policy at all).
 */
export type InterventionMode = 'none' | 'switch' | 'swap';
export const INTERVENTION_MODES: readonly InterventionMode[] = ['none', 'switch', 'swap'];

export interface Intervention {
  /** The control step (record index) it was said at: it applies before the decision there. */
  step: number;
  /** The words, e.g. "no, the blue one", "then press the button", "stop". */
  text: string;
}

/** What applying one did, for the record and the timeline. */
export interface InterventionOutcome extends Intervention {
  correction: Correction;
  /** Whether the plan changed (or the episode stopped). */
  applied: boolean;
}

/** Read `text` against the episode now and apply it: new goals from the current one on, or a stop. */
export function applyIntervention(ep: Episode, text: string): InterventionOutcome {
  const step = ep.step;
  if (ep.done) return { step, text, applied: false, correction: { kind: 'refuse', message: 'The episode is over; start it again to change it.' } };
  const remaining = ep.spec.goals.slice(ep.goalIndex).map((g) => g.atom);
  const correction = interpretCorrection(text, remaining, sceneOf(ep.env));
  if (correction.kind === 'stop') {
    ep.fail(`stopped by a person at step ${step}`);
    return { step, text, correction, applied: true };
  }
  if (correction.kind !== 'replace') return { step, text, correction, applied: false };
  const applied = ep.replaceGoals(correction.atoms.map((a) => goalOf(a)), describeProgram(correction.program));
  return { step, text, correction, applied };
}

const MAX_INTERVENTIONS = 32;
const MAX_TEXT = 300;

/**
 * The link form: one `at` parameter per intervention, `<step>:<words>` (`&at=12:no%2C%20the%20blue%20one`).
 * Malformed entries are reported, not guessed; they never throw.
 */
export function parseInterventions(values: readonly string[]): { interventions: Intervention[]; warnings: string[] } {
  const interventions: Intervention[] = [];
  const warnings: string[] = [];
  for (const v of values.slice(0, MAX_INTERVENTIONS)) {
    const m = /^(\d{1,5}):([\s\S]+)$/.exec(v);
    if (!m || m[2].trim().length === 0 || m[2].length > MAX_TEXT) {
      warnings.push(`intervention "${v.slice(0, 40)}" in the link is not <step>:<words> (up to ${MAX_TEXT} characters); it is ignored`);
      continue;
    }
    interventions.push({ step: Number(m[1]), text: m[2].trim() });
  }
  if (values.length > MAX_INTERVENTIONS) warnings.push(`only the first ${MAX_INTERVENTIONS} interventions in the link are used`);
  interventions.sort((a, b) => a.step - b.step);
  return { interventions, warnings };
}

export function formatIntervention(i: Intervention): string {
  return `${i.step}:${i.text}`;
}

// ------------------------------------------------------------------ evaluation: switched instructions
/**
 * SwitchVLA-style evaluation (`npm run eval -- --interventions switch`): at a step drawn from the seed
 * (10-40), the person says "actually ..." with another goal for the current step: the same cube to the
 * other place, or another cube to the same place, or the other fixture. The episode then succeeds only if
 * the new goal is achieved; whether the abandoned goal was achieved anyway is reported beside it.
 */
export function planSwitch(spec: EpisodeSpec, seed: number, mode: 'switch' | 'swap' = 'switch'): Intervention & { abandoned: ResolvedAtom } {
  const rng = new Rng(seed).fork(SWITCH_SALT);
  // The step is drawn in both modes so a swap picks the same other goal as the switch on that seed.
  const drawn = 10 + rng.int(31);
  const step = mode === 'swap' ? 0 : drawn;
  const first = spec.goals[0].atom;
  const colour = (c: CubeName) => c.split('_')[0];
  if (first.kind === 'place') {
    const others = CUBES.filter((c) => c !== first.cube && c !== first.target && spec.init.objects[c] && spec.init.objects[c]!.pos[2] < 0.03);
    const stack = first.target !== 'blue_bowl' && first.target !== 'plate';
    const swapCube = others.length > 0 && (stack || rng.next() < 0.5);
    if (swapCube) {
      const c = rng.pick(others);
      const where = first.target === 'blue_bowl' ? 'in the bowl' : first.target === 'plate' ? 'on the plate' : `on the ${colour(first.target)} cube`;
      return { step, text: `actually put the ${colour(c)} cube ${where}`, abandoned: first };
    }
    const where = first.target === 'blue_bowl' ? 'on the plate' : 'in the bowl';
    return { step, text: `actually put the ${colour(first.cube)} cube ${where}`, abandoned: first };
  }
  if (first.kind === 'press_button') return { step, text: spec.init.drawer < -0.01 ? 'actually close the drawer' : 'actually open the drawer', abandoned: first };
  return { step, text: 'actually press the button', abandoned: first };
}
const SWITCH_SALT = 0x5717;

/** The switch an evaluation makes, and what became of it (EpisodeResult.intervention). */
export interface SwitchOutcome {
  step: number;
  text: string;
  /** The switch was made (the episode had not ended before its step, and the words applied there). */
  applied: boolean;
  /** The goal abandoned at the switch holds at the end anyway (lower is better). */
  abandoned_achieved: boolean;
}

/** Loop hooks for a switched episode, and its outcome once the loop is over. */
export function switchHooks(spec: EpisodeSpec, seed: number, mode: 'switch' | 'swap' = 'switch'): { hooks: { interventions: Intervention[]; onIntervention(o: InterventionOutcome): void }; outcome(ep: Episode): SwitchOutcome } {
  const sw = planSwitch(spec, seed, mode);
  let applied = false;
  return {
    hooks: { interventions: [{ step: sw.step, text: sw.text }], onIntervention: () => (applied = true) },
    outcome: (ep) => ({
      step: sw.step,
      text: sw.text,
      applied,
      abandoned_achieved: applied && goalOf(sw.abandoned).relations.every((r) => holds(ep.env, r, ep.latches)),
    }),
  };
}
