import { formatAxes } from '../../sim/axes';
import type { EpisodeStatus } from '../../sim/episode';
import { outcomeWord } from '../history/describeEpisode';
import type { EpisodeParams } from '../history/historyEntry';
import type { ExecutionSettings } from '../policyStore';

// Words for the compare pane's header: what the compared episode is, and how it differs from the episode on
// screen, fact by fact, so a person sees at once whether two runs differ by policy, execution mode,
// perturbations or only by chance.

/** What identifies an episode and what became of it. */
export interface EpisodeFacts extends Pick<EpisodeParams, 'taskId' | 'seed' | 'policy' | 'perturb' | 'execution' | 'instruction' | 'interventions' | 'approvals'> {
  outcome: EpisodeStatus | 'faulted';
  steps: number;
  /** The episode is the one run on screen, not a stored one: if it has not ended, it is running. */
  running?: boolean;
}

export function executionText(x: ExecutionSettings): string {
  const mode = x.kind === 'chunk' ? `chunk:${x.k}` : `ensemble:${x.m}`;
  return x.approval ? `${mode} with approval` : mode;
}

export const perturbText = (p: EpisodeFacts['perturb']) => (p.length ? formatAxes(p) : 'none');

interface Fact {
  name: string;
  /** The fact as it reads in a list ("seed 4", "12 steps"). */
  text(f: EpisodeFacts): string;
  /** The value compared (text unless words would call equal things different). */
  key?(f: EpisodeFacts): string;
}

const FACTS: readonly Fact[] = [
  { name: 'task', text: (f) => f.taskId },
  { name: 'seed', text: (f) => `seed ${f.seed}` },
  { name: 'policy', text: (f) => f.policy },
  // The expert plans no chunks: its execution mode changes nothing and is not a difference.
  { name: 'execution', text: (f) => executionText(f.execution), key: (f) => (f.policy === 'expert' ? `expert approval:${f.execution.approval}` : executionText(f.execution)) },
  { name: 'perturbations', text: (f) => `perturbations ${perturbText(f.perturb)}` },
  { name: 'instruction', text: (f) => (f.instruction ? `“${f.instruction}”` : 'the task’s instruction') },
  { name: 'corrections', text: (f) => `${f.interventions.length} correction${f.interventions.length === 1 ? '' : 's'}`, key: (f) => JSON.stringify(f.interventions.map((i) => [i.step, i.text])) },
  { name: 'approvals', text: (f) => `${f.approvals.length} approval answer${f.approvals.length === 1 ? '' : 's'}`, key: (f) => JSON.stringify(f.approvals) },
  { name: 'outcome', text: (f) => outcomeWord(f.outcome, f.running) },
  { name: 'steps', text: (f) => `${f.steps} steps` },
];

/** The facts a header lists for one episode, in a fixed order (instruction and answers only when present). */
export function describeFacts(f: EpisodeFacts): string[] {
  return FACTS.filter((x) => {
    if (x.name === 'instruction') return f.instruction !== '';
    if (x.name === 'corrections') return f.interventions.length > 0;
    if (x.name === 'approvals') return f.approvals.length > 0;
    return true;
  }).map((x) => x.text(f));
}

export interface Difference {
  name: string;
  /** The compared episode's value, and the one on screen. */
  compared: string;
  onScreen: string;
}

/** Every fact in which the compared episode differs from the one on screen. */
export function differences(compared: EpisodeFacts, onScreen: EpisodeFacts): Difference[] {
  return FACTS.filter((x) => (x.key ?? x.text)(compared) !== (x.key ?? x.text)(onScreen)).map((x) => ({ name: x.name, compared: x.text(compared), onScreen: x.text(onScreen) }));
}
