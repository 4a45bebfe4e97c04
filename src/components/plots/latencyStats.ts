// Percentiles of per-step latencies, shown as numbers beside the latency plot.

export interface LatencySummary {
  /** How many values the figures are over. */
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * Nearest-rank percentile (p in 0..1) of values sorted ascending: the smallest value at or below which at
 * least p of the values lie. Always one of the measured values, never an interpolation between two, so a
 * p95 over a handful of inferences is a latency that really happened.
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(Math.min(1, Math.max(0, p)) * sorted.length);
  return sorted[Math.max(0, rank - 1)];
}

/** p50, p95 and max of the finite values; null when there are none. */
export function summarize(values: Iterable<number | null | undefined>): LatencySummary | null {
  const xs: number[] = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) xs.push(v);
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  return { n: xs.length, p50: nearestRank(xs, 0.5), p95: nearestRank(xs, 0.95), max: xs[xs.length - 1] };
}

/** "4.1 ms" / "12 ms" / "1.3 s": the digits a person can compare at a glance. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}
