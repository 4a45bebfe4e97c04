import { ACTION_CLIP, ACTION_LAYOUT, actionUnit, CONFIDENCE_HEADS, GRIPPER_DIM, type PlotData } from './plotData';

// Which charts the plots panel shows and which of the plot data's arrays each draws. Colours follow the 3D
// view's legend: the plan in blue (dashed, like the ghost path), what executed in orange.

export type SeriesKind = 'line' | 'step' | 'points';

export interface ChartSeries {
  label: string;
  color: string;
  kind: SeriesKind;
  dash?: number[];
}

export interface ChartSpec {
  /** Stable key, also the chart's data-testid suffix (plot-<key>). */
  key: string;
  title: string;
  unit: string;
  series: ChartSeries[];
  y: YScale;
}

/**
 * fixed: a probability, the gripper command. symmetric: about 0, fitted to the data but at least ±minHalf,
 * so an arm holding still draws a flat line at 0, not noise blown up to fill the plot. fromZero: 0 to the
 * largest value (times).
 */
export type YScale = { kind: 'fixed'; range: [number, number] } | { kind: 'symmetric'; minHalf: number } | { kind: 'fromZero' };

export const COLORS = {
  plan: '#7aa2ff',
  executed: '#ffb454',
  subtask: '#3fcf7f',
  move: '#f5b942',
  inference: '#ff8a8a',
  step: '#9aa3b5',
} as const;

const PLAN: ChartSeries = { label: 'chunk at cursor', color: COLORS.plan, kind: 'line', dash: [4, 3] };
const EXECUTED: ChartSeries = { label: 'executed', color: COLORS.executed, kind: 'line' };

const actionTitle: Record<string, string> = { dx: 'Δx', dy: 'Δy', dz: 'Δz', drx: 'Δroll', dry: 'Δpitch', drz: 'Δyaw', grip: 'Gripper command' };

/** A quarter of what the action guard lets through (contract action.clip), in display units. */
const minHalfSpan = (dim: number) => 0.25 * ACTION_CLIP[dim] * actionUnit(dim).scale;

const actionChart = (dim: number): ChartSpec => ({
  key: `action-${ACTION_LAYOUT[dim]}`,
  title: actionTitle[ACTION_LAYOUT[dim]] ?? ACTION_LAYOUT[dim],
  unit: actionUnit(dim).unit,
  series: dim === GRIPPER_DIM ? [{ ...EXECUTED, kind: 'step' }, PLAN] : [EXECUTED, PLAN],
  y: dim === GRIPPER_DIM ? { kind: 'fixed', range: [-1.2, 1.2] } : { kind: 'symmetric', minHalf: minHalfSpan(dim) },
});

export const CHARTS: readonly ChartSpec[] = [
  ...ACTION_LAYOUT.map((_, d) => actionChart(d)),
  {
    key: 'confidence',
    title: 'Confidence',
    unit: 'probability',
    series: CONFIDENCE_HEADS.map((h) => ({ label: h, color: h === 'plan' ? COLORS.plan : COLORS[h], kind: 'step' as const })),
    y: { kind: 'fixed', range: [0, 1.05] },
  },
  {
    key: 'latency',
    title: 'Latency',
    unit: 'ms',
    series: [
      { label: 'inference', color: COLORS.inference, kind: 'points' },
      { label: 'step (worker)', color: COLORS.step, kind: 'line' },
    ],
    y: { kind: 'fromZero' },
  },
];

/** The y arrays of one chart, in its series' order. */
export function chartSeries(spec: ChartSpec, data: PlotData): (number | null)[][] {
  if (spec.key === 'confidence') return CONFIDENCE_HEADS.map((h) => data.confidence[h]);
  if (spec.key === 'latency') return [data.inferMs, data.stepMs];
  const dim = ACTION_LAYOUT.findIndex((name) => spec.key === `action-${name}`);
  if (dim < 0) throw new Error(`no data for chart ${spec.key}`);
  return [data.executed[dim], data.chunk[dim]];
}
