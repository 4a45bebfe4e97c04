import { describe, expect, it } from 'vitest';
import {
  buildRobustnessReport,
  formatCell,
  formatRobustnessTable,
  replayLink,
  robustnessChartSvg,
  validateRobustnessReport,
  wilson,
  type EpisodeOutcome,
  type RobustnessReport,
} from '../../scripts/lib/robustnessReport';

// The robustness sweep's report: statistics against published values, the drop, replay links, the table,
// the chart and the validator the app loads files through.

function episodes(task: string, n: number, successes: number, seed0 = 1_000_000): EpisodeOutcome[] {
  return Array.from({ length: n }, (_, k) => ({
    task,
    seed: seed0 + k,
    success: k < successes,
    steps: 100 + k,
    completed: k < successes ? 1 : 0,
    goals: 1,
    reason: k < successes ? null : 'timeout',
  }));
}

const META = { policy: 'model', model: 'public/models/vla-small', suite: 'object', seed: 1_000_000, trials: 10, execution: 'chunk:4', created: '2026-12-01T00:00:00.000Z', wall_s: 12.34 };

function sample(): RobustnessReport {
  return buildRobustnessReport(META, episodes('object/red_to_bowl', 10, 9), [
    { axis: 'lighting', level: 2, episodes: episodes('object/red_to_bowl', 10, 6) },
    { axis: 'camera', level: 1, episodes: episodes('object/red_to_bowl', 10, 8) },
    { axis: 'lighting', level: 1, episodes: episodes('object/red_to_bowl', 10, 10) },
    { axis: 'camera', level: 3, episodes: episodes('object/red_to_bowl', 10, 2) },
    { axis: 'camera', level: 2, episodes: episodes('object/red_to_bowl', 10, 5) },
    { axis: 'lighting', level: 3, episodes: episodes('object/red_to_bowl', 10, 4) },
  ]);
}

describe('Wilson interval', () => {
  it('matches published values', () => {
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    const [lo2, hi2] = wilson(0, 10);
    expect(lo2).toBe(0);
    expect(hi2).toBeCloseTo(0.2775, 3);
    const [lo3, hi3] = wilson(10, 10);
    expect(lo3).toBeCloseTo(0.7225, 3);
    expect(hi3).toBe(1);
    const [lo4, hi4] = wilson(50, 100);
    expect(lo4).toBeCloseTo(0.4038, 3);
    expect(hi4).toBeCloseTo(0.5962, 3);
  });

  it('is the whole range with no trials and narrows with z', () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
    const [lo90, hi90] = wilson(8, 10, 1.645);
    const [lo95, hi95] = wilson(8, 10);
    expect(hi90 - lo90).toBeLessThan(hi95 - lo95);
  });
});

describe('building the report', () => {
  it('fills rates, intervals and drops; axes in the order given, levels ascending', () => {
    const r = sample();
    expect(r.clean.success_rate).toBe(0.9);
    expect(r.axes.map((a) => a.axis)).toEqual(['lighting', 'camera']);
    expect(r.axes[1].levels.map((l) => l.level)).toEqual([1, 2, 3]);
    const cam1 = r.axes[1].levels[0];
    expect(cam1.success_rate).toBe(0.8);
    expect(cam1.ci95[0]).toBeCloseTo(0.4902, 4);
    expect(cam1.ci95[1]).toBeCloseTo(0.9433, 4);
    expect(cam1.drop).toBe(10);
    expect(r.axes[0].levels[0].drop).toBe(-10);
    expect(r.axes[1].levels[2].drop).toBe(70);
    expect(r.wall_s).toBe(12.3);
    expect(r.created).toBe(META.created);
  });

  it('rounds the drop to 0.1 points from the unrounded rates', () => {
    const r = buildRobustnessReport(META, episodes('t/a', 3, 2), [{ axis: 'push', level: 1, episodes: episodes('t/a', 7, 3) }]);
    // 100 * (2/3 - 3/7) = 23.809...
    expect(r.axes[0].levels[0].drop).toBe(23.8);
  });

  it('refuses a cell given twice', () => {
    expect(() =>
      buildRobustnessReport(META, [], [
        { axis: 'camera', level: 1, episodes: [] },
        { axis: 'camera', level: 1, episodes: [] },
      ]),
    ).toThrow(/camera level 1 given twice/);
  });

  it('gives every episode a link that parses back to its task, seed, policy and perturbation', () => {
    const r = sample();
    const clean = new URLSearchParams(r.clean.episodes[3].link.replace(/^\.\//, ''));
    expect(Object.fromEntries(clean)).toEqual({ task: 'object/red_to_bowl', seed: '1000003', policy: 'model', autorun: '1' });
    const ep = r.axes[1].levels[2].episodes[9];
    expect(ep.link.startsWith('./?')).toBe(true);
    const q = new URLSearchParams(ep.link.slice(2));
    expect(q.get('task')).toBe('object/red_to_bowl');
    expect(q.get('seed')).toBe('1000009');
    expect(q.get('perturb')).toBe('camera:3');
    expect(q.get('autorun')).toBe('1');
  });

  it('encodes what a link carries', () => {
    const link = replayLink({ task: 'a&b=c/d e', seed: 5 }, 'expert', 'camera:2,lighting:1');
    const q = new URLSearchParams(new URL(link, 'http://localhost/app/').search);
    expect(q.get('task')).toBe('a&b=c/d e');
    expect(q.get('perturb')).toBe('camera:2,lighting:1');
    expect(q.get('policy')).toBe('expert');
    expect(new URL(link, 'http://localhost/app/').pathname).toBe('/app/');
  });
});

describe('the table', () => {
  it('has a row per axis, cells "rate [lo-hi] change", and the mean over axes', () => {
    const t = formatRobustnessTable(sample());
    const lines = t.split('\n');
    const camera = lines.find((l) => l.includes('camera'))!;
    expect(camera).toContain('90% [60-98]');
    expect(camera).toContain('80% [49-94] \u221210.0');
    expect(camera).toContain('20% [6-51] \u221270.0');
    expect(lines.find((l) => l.includes('lighting'))).toContain('100% [72-100] +10.0');
    // L1: (80 + 100) / 2 = 90%, change 0; L3: (20 + 40) / 2 = 30%, -60.
    const mean = lines.find((l) => l.includes('mean over axes'))!;
    expect(mean).toContain('90% \u00b10.0');
    expect(mean).toContain('30% \u221260.0');
    expect(t).toContain('seeds 1000000..1000009');
  });

  it('formats a cell without a drop for the clean run', () => {
    expect(formatCell({ success_rate: 0.834, ci95: [0.72, 0.9], drop: 7 })).toBe('83% [72-90] \u22127.0');
    expect(formatCell({ success_rate: 1, ci95: [0.7225, 1] })).toBe('100% [72-100]');
  });
});

describe('the chart', () => {
  it('is one SVG with a polyline, markers and a legend entry per axis', () => {
    const svg = robustnessChartSvg(sample());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    // Three levels per axis, the shared clean point, a legend marker per axis.
    expect(svg.match(/<circle cx/g)).toHaveLength(2 * 3 + 1 + 2);
    expect(svg).toContain('>camera</text>');
    expect(svg).toContain('>lighting</text>');
    for (const label of ['clean', 'L1', 'L2', 'L3', 'success (%)', 'perturbation level']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('font-family="sans-serif"');
    expect(svg).not.toMatch(/@import|url\(|href=/);
    // Balanced tags: every element that opens closes (self-closing counted as both).
    const opens = (svg.match(/<[a-z][^>]*[^/]>/g) ?? []).length;
    const closes = (svg.match(/<\/[a-z]+>/g) ?? []).length;
    expect(opens).toBe(closes);
  });

  it('escapes text from the file', () => {
    const r = sample();
    r.axes[0].axis = '<script>x</script>&';
    r.policy = 'a"b';
    const svg = robustnessChartSvg(r);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;&amp;');
  });

  it('places the points by rate: higher success is higher on the page', () => {
    const svg = robustnessChartSvg(sample());
    const cam = svg.split('data-axis="camera"')[1];
    const pts = cam.match(/points="([^"]+)"/)![1].split(' ').map((p) => p.split(',').map(Number));
    expect(pts).toHaveLength(4);
    const ys = pts.map(([, y]) => y);
    // 90, 80, 50, 20 %: y grows downwards.
    expect(ys[0]).toBeLessThan(ys[1]);
    expect(ys[1]).toBeLessThan(ys[2]);
    expect(ys[2]).toBeLessThan(ys[3]);
  });
});

describe('validating a loaded file', () => {
  const good = () => JSON.parse(JSON.stringify(sample())) as Record<string, unknown> & RobustnessReport;

  it('accepts a report the CLI wrote', () => {
    const r = validateRobustnessReport(good());
    expect(r.axes).toHaveLength(2);
  });

  it('rejects what is not an object', () => {
    for (const x of [null, 3, 'x', []]) expect(() => validateRobustnessReport(x)).toThrow(/expected a JSON object/);
  });

  const cases: Array<[string, (r: ReturnType<typeof good>) => void, RegExp]> = [
    ['a missing policy', (r) => delete (r as Partial<RobustnessReport>).policy, /policy/],
    ['a rate above one', (r) => (r.clean.success_rate = 1.5), /clean\.success_rate/],
    ['a reversed interval', (r) => (r.axes[1].levels[0].ci95 = [0.9, 0.4]), /axes\[1\]\.levels\[0\]\.ci95/],
    ['an unknown level', (r) => ((r.axes[0].levels[2] as { level: number }).level = 4), /axes\[0\]\.levels\[2\]\.level/],
    ['a level twice', (r) => ((r.axes[0].levels[2] as { level: number }).level = 1), /axes\[0\]\.levels: a level appears twice/],
    ['a string seed', (r) => ((r.axes[0].levels[1].episodes[4] as unknown as { seed: string }).seed = '7'), /axes\[0\]\.levels\[1\]\.episodes\[4\]\.seed/],
    ['a javascript: link', (r) => (r.clean.episodes[0].link = 'javascript:alert(1)'), /clean\.episodes\[0\]\.link/],
    ['an off-site link', (r) => (r.axes[0].levels[0].episodes[0].link = 'https://example.com/?task=x'), /axes\[0\]\.levels\[0\]\.episodes\[0\]\.link/],
    ['axes not a list', (r) => ((r as Record<string, unknown>).axes = {}), /axes/],
  ];
  for (const [what, spoil, field] of cases) {
    it(`rejects ${what}, naming the field`, () => {
      const r = good();
      spoil(r);
      expect(() => validateRobustnessReport(r)).toThrow(field);
    });
  }
});
