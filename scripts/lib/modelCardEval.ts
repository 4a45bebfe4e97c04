import { formatCell, wilson, type RobustnessReport } from '../../src/robustness/report';
import type { EvalReport } from './evalReport';

// The model card's Evaluation section from the reports that measured the model (scripts/record-eval.ts):
// the named tasks, the open programs (by length, by wording), the task swap and the mid-run switch, and the
// robustness sweep. Every rate carries its 95% Wilson interval and the command that measured it, so a
// reader can rerun any line.

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const rate = (ok: number, n: number) => formatCell({ success_rate: n ? ok / n : 0, ci95: wilson(ok, n) });

export type AnyReport = EvalReport | RobustnessReport;
export const isRobustness = (r: AnyReport): r is RobustnessReport => 'axes' in r && 'clean' in r;

/** The flags that reproduce an eval report (the runner's own flags are left out). */
export function evalCommand(r: EvalReport): string {
  const suite = r.suite.startsWith('open/') ? r.suite.split('/') : [r.suite];
  const flags = [`--suite ${suite[0]}`];
  if (suite[1]) flags.push(`--split ${suite[1]}`);
  if (suite[2]) flags.push(`--wording ${suite[2]}`);
  flags.push(`--trials ${r.trials}`, `--seed ${r.seed}`, '--policy model');
  if (r.execution && r.execution !== 'chunk:4') flags.push(`--execution ${r.execution}`);
  if (r.reading && r.reading !== 'step') flags.push(`--reading ${r.reading}`);
  if (r.interventions) flags.push(`--interventions ${r.interventions}`);
  if (r.perturbations.length) flags.push(`--perturb ${r.perturbations.join(',')}`);
  return `npm run eval -- ${flags.join(' ')}`;
}

/** Trials and successes per suite (the part of a task id before its slash), in the report's task order. */
export function suiteTotals(tasks: EvalReport['tasks']): Map<string, { n: number; ok: number }> {
  const bySuite = new Map<string, { n: number; ok: number }>();
  for (const t of tasks) {
    const s = t.id.split('/')[0];
    const e = bySuite.get(s) ?? { n: 0, ok: 0 };
    e.n += t.trials;
    e.ok += t.successes;
    bySuite.set(s, e);
  }
  return bySuite;
}

function namedTasks(r: EvalReport): string[] {
  const bySuite = suiteTotals(r.tasks);
  const n = r.tasks.reduce((s, t) => s + t.trials, 0);
  const ok = r.tasks.reduce((s, t) => s + t.successes, 0);
  return [
    '| suite | episodes | success [95% CI] |',
    '|---|---|---|',
    ...[...bySuite].map(([s, e]) => `| ${s} | ${e.n} | ${rate(e.ok, e.n)}${s === 'chains' && r.avg_completed_length !== undefined ? `; avg completed length ${r.avg_completed_length.toFixed(2)} / 5` : ''} |`),
    `| **all** | ${n} | **${rate(ok, n)}** |`,
    '',
    '| task | successes |',
    '|---|---|',
    ...r.tasks.map((t) => `| ${t.id} | ${t.successes} / ${t.trials} |`),
  ];
}

function openPrograms(r: EvalReport): string[] {
  const o = r.open!;
  const n = r.episodes.length;
  const ok = r.episodes.filter((e) => e.success).length;
  return [
    `All ${n} programs: ${rate(ok, n)}.`,
    '',
    '| atoms | episodes | success [95% CI] | avg completed length |',
    '|---|---|---|---|',
    ...o.by_length.map((l) => `| ${l.atoms} | ${l.episodes} | ${rate(l.successes, l.episodes)} | ${l.avg_completed_length.toFixed(2)} / ${l.atoms} |`),
    '',
    `By atom (completed of attempted): ${o.by_atom.map((a) => `${a.atom} ${a.completed}/${a.attempted}`).join('; ')}.`,
  ];
}

function swapOrSwitch(r: EvalReport): string[] {
  const s = r.switch!;
  const swap = r.interventions === 'swap';
  return [
    swap
      ? `Swapped before the first step on ${s.switched} of ${s.episodes} episodes: the swapped goal achieved ${rate(s.new_goal_success, s.switched)}; the original goal achieved by accident ${rate(s.abandoned_achieved, s.switched)}.`
      : `Switched mid-episode on ${s.switched} of ${s.episodes} episodes (the others were over before the switch step): the new goal achieved ${rate(s.new_goal_success, s.switched)}; the abandoned goal achieved anyway ${rate(s.abandoned_achieved, s.switched)}.`,
  ];
}

function robustness(r: RobustnessReport): string[] {
  const levels = [...new Set(r.axes.flatMap((a) => a.levels.map((l) => l.level)))].sort();
  const mean = (lv: number) => {
    const cells = r.axes.map((a) => a.levels.find((l) => l.level === lv)).filter((l) => l !== undefined);
    return cells.length ? pct(cells.reduce((s, l) => s + l!.success_rate, 0) / cells.length) : '';
  };
  return [
    `\`npm run robustness -- --policy model --suite ${r.suite} --trials ${r.trials} --seed ${r.seed}\` (${r.clean.episodes.length} episodes per cell; cells: success [95% Wilson interval] change in points against clean).`,
    '',
    `| axis | clean | ${levels.map((l) => `level ${l}`).join(' | ')} |`,
    `|---|---|${levels.map(() => '---').join('|')}|`,
    ...r.axes.map((a) => `| ${a.axis} | ${formatCell(r.clean)} | ${levels.map((lv) => {
      const c = a.levels.find((l) => l.level === lv);
      return c ? formatCell(c) : '';
    }).join(' | ')} |`),
    `| mean over axes | ${pct(r.clean.success_rate)} | ${levels.map(mean).join(' | ')} |`,
  ];
}

/** The Evaluation section's Markdown: one subsection per report, in the order given. */
export function evaluationSection(reports: ReadonlyArray<AnyReport>, executionText: string): string {
  const out: string[] = [
    `Measured in headless Chromium with the app's renderer and onnxruntime-web WASM; ${executionText}. ` +
      'Trial k of every task uses seed S + k; evaluation seeds (>= 1,000,000) are never in training data. ' +
      'Intervals are 95% Wilson score intervals.',
  ];
  for (const r of reports) {
    out.push('');
    if (isRobustness(r)) {
      out.push(`### Robustness (${r.suite})`, '', ...robustness(r));
      continue;
    }
    const open = r.suite.startsWith('open');
    const title = r.switch ? `${r.interventions === 'swap' ? 'Task swap' : 'Instruction switched mid-episode'} (${r.suite})` : open ? `Open programs (${r.suite})` : `Named tasks (${r.suite})`;
    out.push(`### ${title}`, '', `\`${evalCommand(r)}\``, '');
    if (r.switch) out.push(...swapOrSwitch(r));
    else if (open && r.open) out.push(...openPrograms(r));
    else out.push(...namedTasks(r));
  }
  return out.join('\n');
}
