import { z } from 'zod';

// The robustness sweep's report (`npm run robustness`): its types, the statistics both the CLI and the app
// compute, the replay link of an episode, the chart and the validator the app loads a file through. No Node
// or DOM imports: the CLI (scripts/lib/robustnessReport.ts) and the browser share this module.

export interface RobustnessEpisode {
  task: string;
  seed: number;
  success: boolean;
  steps: number;
  completed: number;
  goals: number;
  reason: string | null;
  /** Relative app link that replays this episode (replayLink). */
  link: string;
}

export interface Rate {
  /** 0..1 */
  success_rate: number;
  /** Wilson 95% interval, 0..1. */
  ci95: [number, number];
}

export interface LevelResult extends Rate {
  level: 1 | 2 | 3;
  /** Percentage points lost against the clean run: 100 * (clean - this), rounded to 0.1; negative is a gain. */
  drop: number;
  episodes: RobustnessEpisode[];
}

export interface RobustnessReport {
  policy: string;
  model: string | null;
  suite: string;
  seed: number;
  trials: number;
  execution?: string | null;
  reading?: string | null;
  /** ISO 8601 time the sweep finished. */
  created: string;
  wall_s: number;
  clean: Rate & { episodes: RobustnessEpisode[] };
  axes: Array<{ axis: string; levels: LevelResult[] }>;
}

/**
 * Wilson score interval: unlike the normal approximation it stays inside [0, 1] and is not zero-width at
 * 0/n or n/n, which matters at the 10-50 trials per cell a sweep affords.
 */
export function wilson(successes: number, n: number, z = 1.959964): [number, number] {
  if (!(n > 0)) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // At 0/n and n/n the bound is exactly 0 or 1; floating point would leave 0.9999999999999999.
  return [successes <= 0 ? 0 : Math.max(0, center - half), successes >= n ? 1 : Math.min(1, center + half)];
}

export const round = (x: number, d = 4): number => {
  const r = Math.round(x * 10 ** d) / 10 ** d;
  // -0 would print as "-0.0" in a table.
  return r === 0 ? 0 : r;
};

/** Success rate and its interval, rounded the way the JSON stores them. */
export function rateOf(episodes: ReadonlyArray<{ success: boolean }>): Rate {
  const ok = episodes.filter((e) => e.success).length;
  const [lo, hi] = wilson(ok, episodes.length);
  return { success_rate: episodes.length ? round(ok / episodes.length) : 0, ci95: [round(lo), round(hi)] };
}

/**
 * The app link that replays an episode (URL parameters in docs/architecture.md, plus `perturb`, a comma list
 * of axis:level). Relative, so a report opened from any deployment of the app points back at that deployment.
 */
export function replayLink(ep: { task: string; seed: number }, policy: string, perturb: string | null): string {
  const q = new URLSearchParams();
  q.set('task', ep.task);
  q.set('seed', String(ep.seed));
  q.set('policy', policy);
  if (perturb) q.set('perturb', perturb);
  q.set('autorun', '1');
  return `./?${q.toString()}`;
}

const pct = (x: number) => `${Math.round(100 * x)}`;

/** "−7.0" for a drop of 7 points (success went down), "+2.0" for a gain. */
export function formatChange(drop: number): string {
  if (drop === 0) return '±0.0';
  return drop > 0 ? `\u2212${drop.toFixed(1)}` : `+${(-drop).toFixed(1)}`;
}

/** "83% [72-90] −7.0": the cell text of the CLI's table and the app's. */
export function formatCell(r: { success_rate: number; ci95: [number, number]; drop?: number }): string {
  const base = `${pct(r.success_rate)}% [${pct(r.ci95[0])}-${pct(r.ci95[1])}]`;
  return r.drop === undefined ? base : `${base} ${formatChange(r.drop)}`;
}

// ------------------------------------------------------------------------------------------ validation

// A loaded file's links become <a href>s: only relative query links into the app itself are accepted, so a
// crafted report cannot carry javascript: or off-site URLs.
const APP_LINK = /^(\.\/)?\?[^\s]*$/;

const unit = z.number().min(0).max(1);
const Episode = z.object({
  task: z.string().min(1),
  seed: z.number().int().nonnegative(),
  success: z.boolean(),
  steps: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  goals: z.number().int().nonnegative(),
  reason: z.string().nullable(),
  link: z.string().regex(APP_LINK, 'expected a relative app link such as ./?task=…&seed=…'),
});
const Interval = z.tuple([unit, unit]).refine(([lo, hi]) => lo <= hi, 'expected [low, high] with low <= high');
const RateShape = { success_rate: unit, ci95: Interval };
const Level = z.object({
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  ...RateShape,
  drop: z.number().min(-100).max(100),
  episodes: z.array(Episode),
});
const Report = z.object({
  policy: z.string().min(1),
  model: z.string().nullable(),
  suite: z.string().min(1),
  seed: z.number().int().nonnegative(),
  trials: z.number().int().positive(),
  execution: z.string().nullable().optional(),
  reading: z.string().nullable().optional(),
  created: z.string(),
  wall_s: z.number().nonnegative(),
  clean: z.object({ ...RateShape, episodes: z.array(Episode) }),
  axes: z.array(
    z.object({
      axis: z.string().min(1),
      levels: z.array(Level).refine((ls) => new Set(ls.map((l) => l.level)).size === ls.length, 'a level appears twice'),
    }),
  ),
});

function fieldName(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(the file)';
}

/** The report, or an Error whose message names the first field that is wrong. */
export function validateRobustnessReport(x: unknown): RobustnessReport {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error('not a robustness report: expected a JSON object');
  const r = Report.safeParse(x);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`not a valid robustness report: ${fieldName(issue.path)}: ${issue.message}`);
  }
  return r.data as RobustnessReport;
}

/** A file's text as a report; the message says whether it is not JSON at all or which field is wrong. */
export function parseRobustnessReport(text: string): RobustnessReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not a robustness report: the file is not JSON (${(e as Error).message})`, { cause: e });
  }
  return validateRobustnessReport(json);
}

// ------------------------------------------------------------------------------------------ chart

/** Ten categorical colours that stay distinct from each other and readable on white (d3's category10). */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f1 = (x: number) => (Math.round(x * 10) / 10).toString();

/**
 * Success (%) against level (0 = clean, 1-3) per axis, with 95% whiskers. Self-contained SVG text: the
 * app shows it as an <img> (so nothing in a loaded file can script it) and the CLI writes it to a file.
 */
export function robustnessChartSvg(r: RobustnessReport): string {
  const W = 720;
  const H = 420;
  const plot = { left: 62, right: 548, top: 44, bottom: 360 };
  const xOf = (level: number) => plot.left + 30 + (level / 3) * (plot.right - plot.left - 60);
  const yOf = (rate: number) => plot.bottom - rate * (plot.bottom - plot.top);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  let title = `Robustness: ${r.policy}${r.model ? ` (${r.model})` : ''}, suite ${r.suite}, ${r.trials} trials per task`;
  // Past ~88 characters the 14 px title would run off the image.
  if (title.length > 88) title = `${title.slice(0, 87)}…`;
  out.push(`<text x="${plot.left}" y="24" font-size="14" font-weight="bold" fill="#1a1a1a">${esc(title)}</text>`);

  out.push('<g class="grid" stroke="#e3e3e3" stroke-width="1">');
  for (let p = 0; p <= 100; p += 20) out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${f1(yOf(p / 100))}" y2="${f1(yOf(p / 100))}"/>`);
  out.push('</g>');
  out.push(`<g class="axes" stroke="#333333" stroke-width="1"><line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}"/><line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}"/></g>`);
  out.push('<g class="ticks" fill="#333333">');
  for (let p = 0; p <= 100; p += 20) {
    const y = f1(yOf(p / 100));
    out.push(`<line x1="${plot.left - 5}" x2="${plot.left}" y1="${y}" y2="${y}" stroke="#333333"/>`);
    out.push(`<text x="${plot.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${p}</text>`);
  }
  ['clean', 'L1', 'L2', 'L3'].forEach((label, level) => {
    const x = f1(xOf(level));
    out.push(`<line x1="${x}" x2="${x}" y1="${plot.bottom}" y2="${plot.bottom + 5}" stroke="#333333"/>`);
    out.push(`<text x="${x}" y="${plot.bottom + 19}" text-anchor="middle">${label}</text>`);
  });
  out.push('</g>');
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${H - 18}" text-anchor="middle" fill="#333333">perturbation level</text>`);
  out.push(`<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#333333">success (%)</text>`);

  // Axes sit on the same x; a few pixels apart, overlapping whiskers stay tellable apart.
  const spread = Math.min(4, 36 / Math.max(1, r.axes.length));
  r.axes.forEach((a, i) => {
    const color = PALETTE[i % PALETTE.length];
    const dx = (i - (r.axes.length - 1) / 2) * spread;
    const pts = [{ level: 0, rate: r.clean.success_rate, ci: r.clean.ci95 }, ...[...a.levels].sort((p, q) => p.level - q.level).map((l) => ({ level: l.level, rate: l.success_rate, ci: l.ci95 }))];
    out.push(`<g class="series" data-axis="${esc(a.axis)}" stroke="${color}" fill="${color}">`);
    // Every line starts from the one clean point (drawn once, below).
    out.push(`<polyline fill="none" stroke-width="2" points="${pts.map((p) => `${f1(xOf(p.level) + (p.level ? dx : 0))},${f1(yOf(p.rate))}`).join(' ')}"/>`);
    for (const p of pts.slice(1)) {
      const x = xOf(p.level) + dx;
      const [y1, y2] = [yOf(p.ci[0]), yOf(p.ci[1])];
      out.push(`<path d="M${f1(x)} ${f1(y1)}V${f1(y2)}M${f1(x - 3)} ${f1(y1)}H${f1(x + 3)}M${f1(x - 3)} ${f1(y2)}H${f1(x + 3)}" stroke-width="1" stroke-opacity="0.7" fill="none"/>`);
      out.push(`<circle cx="${f1(x)}" cy="${f1(yOf(p.rate))}" r="3.5" stroke="#ffffff" stroke-width="1"><title>${esc(`${a.axis} ${p.level ? `L${p.level}` : 'clean'}: ${Math.round(p.rate * 100)}%`)}</title></circle>`);
    }
    out.push('</g>');
  });

  {
    const x = xOf(0);
    const [y1, y2] = [yOf(r.clean.ci95[0]), yOf(r.clean.ci95[1])];
    out.push(`<g class="clean" stroke="#1a1a1a" fill="#1a1a1a">`);
    out.push(`<path d="M${f1(x)} ${f1(y1)}V${f1(y2)}M${f1(x - 4)} ${f1(y1)}H${f1(x + 4)}M${f1(x - 4)} ${f1(y2)}H${f1(x + 4)}" stroke-width="1.2" fill="none"/>`);
    out.push(`<circle cx="${f1(x)}" cy="${f1(yOf(r.clean.success_rate))}" r="4.5" stroke="#ffffff" stroke-width="1"><title>clean: ${Math.round(r.clean.success_rate * 100)}%</title></circle>`);
    out.push('</g>');
  }

  out.push(`<g class="legend" transform="translate(${plot.right + 22} ${plot.top})">`);
  r.axes.forEach((a, i) => {
    const y = i * 20;
    const color = PALETTE[i % PALETTE.length];
    out.push(`<line x1="0" x2="22" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/><circle cx="11" cy="${y}" r="3.5" fill="${color}"/>`);
    out.push(`<text x="30" y="${y}" dominant-baseline="middle" fill="#1a1a1a">${esc(a.axis)}</text>`);
  });
  out.push(`<text x="0" y="${r.axes.length * 20 + 14}" fill="#666666" font-size="11">whiskers: 95% interval</text>`);
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}
