import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ReportBody, sameOriginUrl } from '../../src/components/RobustnessReportView';
import { parseRobustnessReport, type RobustnessReport } from '../../src/robustness/report';
import { buildRobustnessReport } from '../../scripts/lib/robustnessReport';

// The app's robustness report panel: what a loaded report renders (table, chart, failure links), which files
// it refuses and which report links it will fetch.

function outcomes(n: number, ok: number, task = 'object/red_to_bowl') {
  return Array.from({ length: n }, (_, k) => ({ task, seed: 1_000_000 + k, success: k < ok, steps: 50, completed: k < ok ? 1 : 0, goals: 1, reason: k < ok ? null : 'timeout' }));
}

function report(): RobustnessReport {
  return buildRobustnessReport(
    { policy: 'model', model: 'public/models/vla-small', suite: 'object', seed: 1_000_000, trials: 5, created: '2026-12-01T10:20:00.000Z', wall_s: 9 },
    outcomes(5, 5),
    [
      { axis: 'camera', level: 1, episodes: outcomes(5, 4) },
      { axis: 'camera', level: 2, episodes: outcomes(5, 2) },
      { axis: 'lighting', level: 3, episodes: outcomes(5, 5) },
    ],
  );
}

const render = (r: RobustnessReport) => renderToStaticMarkup(createElement(ReportBody, { report: r }));

describe('the report body', () => {
  it('shows the header, a table row per axis, the chart and one link per failed episode', () => {
    const html = render(report());
    for (const s of ['public/models/vla-small', 'object', '1000000..1000004', '5 per task']) expect(html).toContain(s);
    expect(html.match(/<tr>/g)).toHaveLength(1 + 2 + 1);
    expect(html).toContain('\u221220.0');
    expect(html).toContain('\u221260.0');
    expect(html).toMatch(/<img class="rr-chart" src="data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    const links = [...html.matchAll(/<a data-testid="robustness-failure" href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    // camera L1: 1 failure, camera L2: 3, lighting L3 and clean: none.
    expect(links).toHaveLength(4);
    const q = new URLSearchParams(links[3].slice(2));
    expect(q.get('perturb')).toBe('camera:2');
    expect(q.get('seed')).toBe('1000004');
    expect(html).toContain('camera L2 — 3 of 5 failed');
    expect(html).not.toContain('lighting L3 —');
  });

  it('says so when nothing failed', () => {
    const r = buildRobustnessReport({ policy: 'expert', model: null, suite: 'goal', seed: 0, trials: 1, wall_s: 1 }, outcomes(2, 2), [{ axis: 'push', level: 1, episodes: outcomes(2, 2) }]);
    const html = render(r);
    expect(html).toContain('No episode failed.');
    expect(html).not.toContain('robustness-failure');
  });

  it('escapes what the file says', () => {
    const r = report();
    r.axes[0].axis = '<img src=x onerror=alert(1)>';
    const html = render(r);
    expect(html).not.toContain('<img src=x');
  });
});

describe('loading', () => {
  it('refuses text that is not JSON and a report with a bad field, saying which', () => {
    expect(() => parseRobustnessReport('{"policy":')).toThrow(/not JSON/);
    const bad = JSON.parse(JSON.stringify(report()));
    bad.axes[0].levels[1].success_rate = 'high';
    expect(() => parseRobustnessReport(JSON.stringify(bad))).toThrow(/axes\[0\]\.levels\[1\]\.success_rate/);
    expect(parseRobustnessReport(JSON.stringify(report())).axes).toHaveLength(2);
  });

  it('fetches report links from its own origin only', () => {
    const base = 'http://localhost:5173/?report=x';
    expect(sameOriginUrl('runs/sweep.json', base).href).toBe('http://localhost:5173/runs/sweep.json');
    expect(sameOriginUrl('/r.json', base).pathname).toBe('/r.json');
    expect(() => sameOriginUrl('https://evil.example/r.json', base)).toThrow(/only reports served by this app/);
    expect(() => sameOriginUrl('//evil.example/r.json', base)).toThrow(/only reports served by this app/);
    expect(() => sameOriginUrl('http://[', base)).toThrow(/not a URL/);
  });
});
