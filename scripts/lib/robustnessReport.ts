import Table from 'cli-table3';
import { formatCell, formatChange, rateOf, replayLink, round, type LevelResult, type RobustnessEpisode, type RobustnessReport } from '../../src/robustness/report';

// The robustness sweep's report for the CLI (`npm run robustness`): assembling the JSON from the episodes
// and the LIBERO-Plus-style table. The types, statistics, links, chart and validator live in
// src/robustness/report.ts because the app reads the same files.

export {
  formatCell,
  formatChange,
  PALETTE,
  parseRobustnessReport,
  rateOf,
  replayLink,
  robustnessChartSvg,
  validateRobustnessReport,
  wilson,
  type LevelResult,
  type Rate,
  type RobustnessEpisode,
  type RobustnessReport,
} from '../../src/robustness/report';

export type EpisodeOutcome = Omit<RobustnessEpisode, 'link'>;

/** What a sweep says about itself: the report's own header fields; `created` defaults to now (tests pass one). */
export type RobustnessMeta = Pick<RobustnessReport, 'policy' | 'model' | 'suite' | 'seed' | 'trials' | 'execution' | 'reading' | 'wall_s'> & {
  created?: string;
};

export function buildRobustnessReport(
  meta: RobustnessMeta,
  clean: EpisodeOutcome[],
  cells: Array<{ axis: string; level: 1 | 2 | 3; episodes: EpisodeOutcome[] }>,
): RobustnessReport {
  const withLinks = (eps: EpisodeOutcome[], perturb: string | null): RobustnessEpisode[] =>
    eps.map((e) => ({ ...e, link: replayLink(e, meta.policy, perturb) }));
  const cleanRate = rateOf(clean);
  const cleanRaw = clean.length ? clean.filter((e) => e.success).length / clean.length : 0;
  const axes: RobustnessReport['axes'] = [];
  for (const cell of cells) {
    let entry = axes.find((a) => a.axis === cell.axis);
    if (!entry) axes.push((entry = { axis: cell.axis, levels: [] }));
    if (entry.levels.some((l) => l.level === cell.level)) throw new Error(`robustness report: ${cell.axis} level ${cell.level} given twice`);
    const raw = cell.episodes.length ? cell.episodes.filter((e) => e.success).length / cell.episodes.length : 0;
    entry.levels.push({
      level: cell.level,
      ...rateOf(cell.episodes),
      // From the unrounded rates, so the drop is not off by the rates' own rounding.
      drop: round(100 * (cleanRaw - raw), 1),
      episodes: withLinks(cell.episodes, `${cell.axis}:${cell.level}`),
    });
  }
  for (const a of axes) a.levels.sort((p, q) => p.level - q.level);
  return {
    policy: meta.policy,
    model: meta.model,
    suite: meta.suite,
    seed: meta.seed,
    trials: meta.trials,
    execution: meta.execution ?? null,
    reading: meta.reading ?? null,
    created: meta.created ?? new Date().toISOString(),
    wall_s: round(meta.wall_s, 1),
    clean: { ...cleanRate, episodes: withLinks(clean, null) },
    axes,
  };
}

const pct = (x: number) => `${Math.round(100 * x)}`;

/**
 * One row per axis: clean | L1 | L2 | L3, then the mean over axes per level. The mean row has no interval:
 * the axes share the clean layouts, so their cells are not independent samples to pool.
 */
export function formatRobustnessTable(r: RobustnessReport, color = false): string {
  const table = new Table({
    head: ['axis', 'clean', 'L1', 'L2', 'L3'],
    colAligns: ['left', 'right', 'right', 'right', 'right'],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const clean = formatCell(r.clean);
  const byLevel: Record<1 | 2 | 3, LevelResult[]> = { 1: [], 2: [], 3: [] };
  for (const a of r.axes) {
    const cells = ([1, 2, 3] as const).map((level) => {
      const l = a.levels.find((x) => x.level === level);
      if (!l) return '';
      byLevel[level].push(l);
      return formatCell(l);
    });
    table.push([a.axis, clean, ...cells]);
  }
  const mean = (ls: LevelResult[]) => {
    if (!ls.length) return '';
    const rate = ls.reduce((s, l) => s + l.success_rate, 0) / ls.length;
    const drop = round(ls.reduce((s, l) => s + l.drop, 0) / ls.length, 1);
    return `${pct(rate)}% ${formatChange(drop)}`;
  };
  table.push(['mean over axes', clean, mean(byLevel[1]), mean(byLevel[2]), mean(byLevel[3])]);
  const n = r.clean.episodes.length;
  const head =
    `robustness · suite ${r.suite} · policy ${r.policy}${r.model ? ` (${r.model})` : ''}` +
    (r.execution ? ` · ${r.execution}` : '') +
    ` · seeds ${r.seed}..${r.seed + r.trials - 1} · ${n} episodes per cell` +
    '\ncells: success [95% Wilson interval] change in points against clean';
  return `${head}\n${table.toString()}`;
}
