import { useEffect, useRef, useState } from 'react';
import { CHARTS, COLORS, chartSeries, type ChartSpec } from './chartSpecs';
import { formatMs, type LatencySummary } from './latencyStats';
import { buildPlotData } from './plotData';
import type { PlotSource } from './plotSource';
import { TimeChart } from './timeChart';
import './plots.css';

// The charts of one episode (plotSource.ts says which), synced to the shared time cursor. The main view's
// plots and the compare pane's are this one component with different sources and test id prefixes.

/** While the loop runs, the plots follow at most this often (records may arrive at 40+ Hz at max speed). */
const LIVE_REDRAW_MS = 100;

interface Summary {
  inference: LatencySummary | null;
  step: LatencySummary | null;
  hasConfidence: boolean;
}

const sameSummary = (a: Summary, b: Summary) => JSON.stringify(a) === JSON.stringify(b);

interface Props {
  source: PlotSource;
  /** '' for the main view; the compare pane's ids and test ids start with 'compare-'. */
  prefix?: string;
  label?: string;
}

export function PlotGrid({ source, prefix = '', label = 'Plots' }: Props) {
  const cells = useRef<(HTMLDivElement | null)[]>([]);
  const [summary, setSummary] = useState<Summary>({ inference: null, step: null, hasConfidence: false });

  useEffect(() => {
    const hosts = cells.current;
    const charts = CHARTS.map((spec, i) => new TimeChart(hosts[i]!, spec, hosts[i]!.clientWidth, (k) => source.seek(k)));
    let drawn: { records: unknown; count: number; cursor: number; span: number; last: unknown; reach: number | null } | null = null;
    let lastDraw = 0;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const draw = () => {
      frame = 0;
      const records = source.records();
      const cursor = source.cursor();
      const span = source.spanTo();
      const last = records[records.length - 1];
      const reach = source.reach();
      // Drags and other notifications that change neither the records nor the cursor draw nothing.
      if (drawn && drawn.records === records && drawn.count === records.length && drawn.cursor === cursor && drawn.span === span && drawn.last === last && drawn.reach === (reach?.step ?? null)) return;
      drawn = { records, count: records.length, cursor, span, last, reach: reach?.step ?? null };
      lastDraw = performance.now();
      const data = buildPlotData(records, cursor, undefined, span);
      // The cursor line stays at the shared step even past this episode's end, level with the other pane's.
      const line = Math.max(0, Math.min(data.x.length - 1, Math.round(cursor)));
      charts.forEach((c, i) => c.update(data.x, chartSeries(CHARTS[i], data), line, data.lastStep, reach));
      // What the charts show now (their redraws are spaced while live and wait for a frame): tests press a
      // chart only once it shows the episode they mean, as a person would.
      for (const h of hosts) if (h) h.dataset.lastStep = String(data.lastStep);
      const next = { inference: data.inference, step: data.step, hasConfidence: data.hasConfidence };
      setSummary((prev) => (sameSummary(prev, next) ? prev : next));
    };
    const request = () => {
      if (frame || timer) return;
      const wait = source.live() ? lastDraw + LIVE_REDRAW_MS - performance.now() : 0;
      if (wait > 0) {
        timer = setTimeout(() => {
          timer = null;
          frame = requestAnimationFrame(draw);
        }, wait);
      } else frame = requestAnimationFrame(draw);
    };
    const unsubscribe = source.subscribe(request);
    request();
    const resize = new ResizeObserver(() => charts.forEach((c, i) => c.setWidth(hosts[i]?.clientWidth ?? 0)));
    for (const el of hosts) if (el) resize.observe(el);
    return () => {
      unsubscribe();
      resize.disconnect();
      cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
      charts.forEach((c) => c.destroy());
    };
  }, [source]);

  return (
    // Focusable: on a phone the grid scrolls inside its own box, and a keyboard must be able to scroll it.
    <div className="plots-grid" id={`${prefix}plots-body`} tabIndex={0} role="region" aria-label={label}>
      {CHARTS.map((spec, i) => (
        <figure className={`plot plot-${spec.key}`} key={spec.key}>
          <figcaption className="plot-caption">
            <span className="plot-title">{spec.title}</span>
            <span className="plot-unit">{spec.unit}</span>
            <Caption spec={spec} summary={summary} prefix={prefix} />
          </figcaption>
          <div className="plot-canvas" ref={(el) => void (cells.current[i] = el)} data-testid={`${prefix}plot-${spec.key}`} role="img" aria-label={`${spec.title} per step`} />
        </figure>
      ))}
    </div>
  );
}

/** What a chart says beside its title: its series' colours, and the latency figures. */
function Caption({ spec, summary, prefix }: { spec: ChartSpec; summary: Summary; prefix: string }) {
  if (spec.key === 'latency') {
    return (
      <span className="plot-stats">
        <Figures label="inference" color={COLORS.inference} s={summary.inference} testid={`${prefix}latency-inference`} empty="no model inference" />
        <Figures label="step" color={COLORS.step} s={summary.step} testid={`${prefix}latency-step`} empty="" />
      </span>
    );
  }
  if (spec.key === 'confidence') {
    if (!summary.hasConfidence) return <span className="plot-stats muted" title="Only the learned model gives confidences">none (expert)</span>;
    return (
      <span className="plot-stats">
        {spec.series.map((s) => (
          <span key={s.label} style={{ color: s.color }}>
            {s.label}
          </span>
        ))}
      </span>
    );
  }
  return null;
}

function Figures({ label, color, s, testid, empty }: { label: string; color: string; s: LatencySummary | null; testid: string; empty: string }) {
  if (!s) return empty ? <span className="muted" data-testid={testid}>{empty}</span> : null;
  return (
    <span data-testid={testid} title={`${label}: over ${s.n} step${s.n === 1 ? '' : 's'}; max ${formatMs(s.max)}`}>
      <span style={{ color }}>{label}</span> p50 <b data-testid={`${testid}-p50`}>{formatMs(s.p50)}</b> p95 <b data-testid={`${testid}-p95`}>{formatMs(s.p95)}</b>
    </span>
  );
}
