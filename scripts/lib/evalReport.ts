import Table from 'cli-table3';
import type { EpisodeResult } from '../../src/sim/rollout';
import type { SwitchOutcome } from '../../src/engine/interventions';

// The eval report: the JSON of docs/architecture.md (Contracts) plus CALVIN-style chain figures, and its table form.

export interface TaskSummary {
  id: string;
  instruction: string;
  trials: number;
  successes: number;
  success_rate: number;
  /** Chains only: mean number of instructions completed in a row (0-5). */
  avg_completed_length?: number;
  /** Chains only: how many episodes completed exactly k instructions, k = 0..5. */
  completed_counts?: number[];
  mean_steps: number;
}

export interface EpisodeRecord {
  task: string;
  seed: number;
  /** Open programs: the sentence and what each goal asked for. */
  text?: string;
  atoms?: string[];
  success: boolean;
  steps: number;
  wall_ms: number;
  reason: string | null;
  completed: number;
  events?: string[];
  /** --interventions switch: the switch and what became of it. */
  intervention?: SwitchOutcome;
}

/** --interventions switch: over the episodes where the switch was made. */
export interface SwitchSummary {
  episodes: number;
  /** Episodes that were over (success or failure) before the switch step, or whose words did not apply. */
  not_switched: number;
  switched: number;
  /** The new goal achieved (the episode's success), of the switched episodes. */
  new_goal_success: number;
  new_goal_rate: number;
  /** The abandoned goal held at the end anyway, of the switched episodes (lower is better). */
  abandoned_achieved: number;
  abandoned_rate: number;
}

export interface ChainSummary {
  episodes: number;
  avg_completed_length: number;
  completed_counts: number[];
  /** CALVIN's figure: fraction of chains that completed at least k instructions, k = 1..5. */
  success_at_length: number[];
}

/** The compositional suite's figures (--suite open): by program length and by atom type. */
export interface OpenSummary {
  by_length: Array<{ atoms: number; episodes: number; successes: number; success_rate: number; avg_completed_length: number }>;
  /** An atom is attempted when the episode got to it (every earlier atom done), completed when achieved. */
  by_atom: Array<{ atom: string; attempted: number; completed: number; rate: number }>;
}

export interface EvalReport extends ReportMeta {
  /** How seeds were assigned: trial k of every task uses seed + k. */
  seeding: string;
  success_rate: number;
  avg_completed_length?: number;
  chains?: ChainSummary;
  open?: OpenSummary;
  switch?: SwitchSummary;
  tasks: TaskSummary[];
  episodes: EpisodeRecord[];
}

export interface ReportMeta {
  suite: string;
  policy: string;
  /** The evaluated model directory (relative to the working directory when inside it), null for the expert. */
  model: string | null;
  /** SHA-256 of the evaluated model file's bytes (checked against its manifest), so a report cannot be recorded into another model. */
  model_sha256?: string | null;
  /** The model's chunk execution (formatExecution), null for the expert. */
  execution: string | null;
  /** What the model read during multi-step instructions (step or sentence), null for the expert. */
  reading?: string | null;
  /** 'switch' (one switched instruction mid-episode) or 'swap' (one before the first step); docs/interventions.md. */
  interventions?: string;
  backend: string;
  seed: number;
  trials: number;
  perturbations: string[];
  wall_s: number;
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function chainSummary(results: EpisodeResult[]): ChainSummary {
  const maxLen = Math.max(5, ...results.map((r) => r.goals));
  const counts = new Array(maxLen + 1).fill(0);
  for (const r of results) counts[r.completed] += 1;
  const n = results.length;
  return {
    episodes: n,
    avg_completed_length: n ? round(results.reduce((s, r) => s + r.completed, 0) / n) : 0,
    completed_counts: counts,
    success_at_length: Array.from({ length: maxLen }, (_, k) => (n ? round(results.filter((r) => r.completed >= k + 1).length / n) : 0)),
  };
}

function openSummary(results: EpisodeResult[]): OpenSummary {
  const lengths = [...new Set(results.map((r) => r.goals))].sort((a, b) => a - b);
  const by_length = lengths.map((n) => {
    const rs = results.filter((r) => r.goals === n);
    const successes = rs.filter((r) => r.success).length;
    return { atoms: n, episodes: rs.length, successes, success_rate: round(successes / rs.length), avg_completed_length: round(rs.reduce((a, r) => a + r.completed, 0) / rs.length) };
  });
  const tally = new Map<string, { attempted: number; completed: number }>();
  for (const r of results) {
    (r.atoms ?? []).forEach((atom, i) => {
      if (i > r.completed) return;
      const t = tally.get(atom) ?? { attempted: 0, completed: 0 };
      t.attempted += 1;
      if (i < r.completed) t.completed += 1;
      tally.set(atom, t);
    });
  }
  const by_atom = [...tally].sort().map(([atom, t]) => ({ atom, ...t, rate: round(t.completed / t.attempted) }));
  return { by_length, by_atom };
}

export function buildReport(meta: ReportMeta, taskOrder: { id: string; suite: string }[], results: EpisodeResult[]): EvalReport {
  const tasks: TaskSummary[] = [];
  for (const t of taskOrder) {
    const rs = results.filter((r) => r.task === t.id);
    if (rs.length === 0) continue;
    const successes = rs.filter((r) => r.success).length;
    const s: TaskSummary = {
      id: t.id,
      instruction: rs[0].instruction,
      trials: rs.length,
      successes,
      success_rate: round(successes / rs.length),
      mean_steps: round(rs.reduce((a, r) => a + r.steps, 0) / rs.length, 1),
    };
    if (t.suite === 'chains') {
      const c = chainSummary(rs);
      s.avg_completed_length = c.avg_completed_length;
      s.completed_counts = c.completed_counts;
    }
    tasks.push(s);
  }
  const chainIds = new Set(taskOrder.filter((t) => t.suite === 'chains').map((t) => t.id));
  const chainResults = results.filter((r) => chainIds.has(r.task));
  const report: EvalReport = {
    suite: meta.suite,
    policy: meta.policy,
    model: meta.model,
    model_sha256: meta.model_sha256 ?? null,
    execution: meta.execution,
    reading: meta.reading ?? null,
    ...(meta.interventions && meta.interventions !== 'none' ? { interventions: meta.interventions } : {}),
    backend: meta.backend,
    seed: meta.seed,
    trials: meta.trials,
    seeding: `trial k (k = 0..${meta.trials - 1}) of every task uses seed ${meta.seed} + k`,
    perturbations: meta.perturbations,
    success_rate: results.length ? round(results.filter((r) => r.success).length / results.length) : 0,
    tasks,
    episodes: results.map((r) => ({
      task: r.task,
      seed: r.seed,
      ...(r.text !== undefined ? { text: r.text, atoms: r.atoms } : {}),
      success: r.success,
      steps: r.steps,
      wall_ms: r.wall_ms,
      reason: r.reason,
      completed: r.completed,
      ...(r.events.length ? { events: r.events } : {}),
      ...(r.intervention ? { intervention: r.intervention } : {}),
    })),
    wall_s: round(meta.wall_s, 1),
  };
  if (chainResults.length) {
    report.chains = chainSummary(chainResults);
    report.avg_completed_length = report.chains.avg_completed_length;
  }
  // Programs: the open suite's episodes and those an intervention turned into a typed program. A named task
  // also has a sentence when it has several steps or the language axis reworded it; it is not one of these.
  const openResults = results.filter((r) => r.atoms && (r.task.startsWith('open/') || r.intervention));
  if (openResults.length) report.open = openSummary(openResults);
  if (meta.interventions === 'switch' || meta.interventions === 'swap') report.switch = switchSummary(results);
  return report;
}

function switchSummary(results: EpisodeResult[]): SwitchSummary {
  const sw = results.filter((r) => r.intervention?.applied);
  const ok = sw.filter((r) => r.success).length;
  const ab = sw.filter((r) => r.intervention!.abandoned_achieved).length;
  return {
    episodes: results.length,
    not_switched: results.length - sw.length,
    switched: sw.length,
    new_goal_success: ok,
    new_goal_rate: sw.length ? round(ok / sw.length) : 0,
    abandoned_achieved: ab,
    abandoned_rate: sw.length ? round(ab / sw.length) : 0,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The summary table printed at the end of a run. */
export function formatTable(report: EvalReport, color = false): string {
  const table = new Table({
    head: ['task', 'trials', 'success', 'rate', 'mean steps', 'chain len'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right'],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
    // No rule between rows: a 20-task table stays readable on one screen.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const t of report.tasks) {
    table.push([t.id, t.trials, t.successes, pct(t.success_rate), t.mean_steps.toFixed(1), t.avg_completed_length?.toFixed(2) ?? '']);
  }
  const total = report.episodes.length;
  const ok = report.episodes.filter((e) => e.success).length;
  table.push(['all', total, ok, pct(report.success_rate), '', report.avg_completed_length?.toFixed(2) ?? '']);
  const lines = [
    `suite ${report.suite} · policy ${report.policy}${report.model ? ` (${report.model})` : ''} · backend ${report.backend} · seeds ${report.seed}..${report.seed + report.trials - 1}` +
      (report.perturbations.length ? ` · perturbations ${report.perturbations.join(',')}` : ''),
    table.toString(),
  ];
  if (report.chains) {
    lines.push(
      `chains: average completed length ${report.chains.avg_completed_length.toFixed(2)} / 5; ` +
        `completed >= k for k = 1..5: ${report.chains.success_at_length.map(pct).join(' ')}`,
    );
  }
  if (report.open) {
    lines.push(`open programs by length: ${report.open.by_length.map((l) => `${l.atoms} atom(s) ${pct(l.success_rate)} of ${l.episodes} (completed ${l.avg_completed_length.toFixed(2)})`).join('; ')}`);
    lines.push(`open programs by atom: ${report.open.by_atom.map((a) => `${a.atom} ${a.completed}/${a.attempted}`).join('; ')}`);
  }
  if (report.switch) {
    const s = report.switch;
    const swapped = report.interventions === 'swap';
    if (swapped) lines.push(`swapped instructions (said before the first step, same layouts): ${s.switched} of ${s.episodes} swapped; swapped goal achieved ${s.new_goal_success}/${s.switched} (${pct(s.new_goal_rate)}); original goal achieved by accident ${s.abandoned_achieved}/${s.switched} (${pct(s.abandoned_rate)})`);
    else lines.push(`switched instructions: ${s.switched} of ${s.episodes} episodes switched (${s.not_switched} over before the switch step or not applicable); new goal achieved ${s.new_goal_success}/${s.switched} (${pct(s.new_goal_rate)}); abandoned goal achieved anyway ${s.abandoned_achieved}/${s.switched} (${pct(s.abandoned_rate)})`);
  }
  const failures = report.episodes.filter((e) => !e.success);
  if (failures.length) {
    lines.push(`failures (${failures.length}):`);
    for (const f of failures.slice(0, 20)) lines.push(`  ${f.task} seed ${f.seed}: ${f.reason ?? 'unknown'}`);
    if (failures.length > 20) lines.push(`  ... and ${failures.length - 20} more (see the JSON)`);
  }
  return lines.join('\n');
}
