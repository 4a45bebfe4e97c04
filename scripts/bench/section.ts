// The shape of a bench section: scripts/bench.ts imports every scripts/bench/*.ts that default-exports
// one of these and merges their results under their names. A section that cannot run here (no browser,
// no native MuJoCo, no model) returns { skipped: reason } instead of failing the whole bench.

export interface BenchContext {
  /** Fewer iterations (tests, CI smoke runs); figures are noisier. */
  quick: boolean;
  log(line: string): void;
}

export type BenchResult = Record<string, unknown> | { skipped: string };

export interface BenchSection {
  name: string;
  /** Sections run in ascending order (default 100); their results appear in that order. */
  order?: number;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** Median of a few repeats: one scheduler hiccup on a shared 2-core machine must not set the figure. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x: number, digits = 3) => Number(x.toPrecision(digits));
