import { useEffect, useRef, useState } from 'react';
import { useEpisodeStore } from '../../state/episodeStore';
import { useSession } from '../../state/session/context';
import { useUiStore } from '../../state/uiStore';
import { CHARTS, COLORS, chartSeries, type ChartSpec } from './chartSpecs';
import { formatMs, type LatencySummary } from './latencyStats';
import { buildPlotData, type PlotData } from './plotData';
import { TimeChart } from './timeChart';
import './plots.css';

// The plots under the controls, synced to the time cursor: per action dimension what executed and the chunk
// planned at the cursor's step (dashed, ahead of the cursor, as the ghost path shows it in 3D), the gripper
// command, the reasoning heads' confidences, and latency per step with p50/p95. A press or drag on any plot
// moves the cursor, exactly as the timeline does. Collapsed, nothing is built or drawn.

/** While the loop runs, the plots follow at most this often (records may arrive at 40+ Hz at max speed). */
const LIVE_REDRAW_MS = 100;

interface Summary {
  inference: LatencySummary | null;
  step: LatencySummary | null;
  hasConfidence: boolean;
}

const sameSummary = (a: Summary, b: Summary) => JSON.stringify(a) === JSON.stringify(b);

export function PlotsPanel() {
  const open = useUiStore((s) => s.showPlots);
  const set = useUiStore((s) => s.set);
  return (
    <section className="plots" data-testid="plots" aria-label="Plots">
      <div className="plots-head">
        <button type="button" className="plots-toggle" data-testid="plots-toggle" aria-expanded={open} aria-controls="plots-body" onClick={() => set({ showPlots: !open })}>
          <span className="plots-caret" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          Plots
        </button>
        {open && (
          <span className="plots-legend">
            <span className="swatch line" style={{ color: COLORS.executed }} aria-hidden="true" /> executed
            <span className="swatch dashed" style={{ color: COLORS.plan }} aria-hidden="true" /> chunk planned at the cursor
            <span className="muted"> · press or drag on a plot to move the cursor</span>
          </span>
        )}
      </div>
      {open && <PlotGrid />}
    </section>
  );
}

function PlotGrid() {
  const controller = useSession();
  const cells = useRef<(HTMLDivElement | null)[]>([]);
  const [summary, setSummary] = useState<Summary>({ inference: null, step: null, hasConfidence: false });

  useEffect(() => {
    const hosts = cells.current;
    const charts = CHARTS.map((spec, i) => new TimeChart(hosts[i]!, spec, hosts[i]!.clientWidth, (k) => controller.scrub(k)));
    let drawn: { count: number; view: number; last: unknown } | null = null;
    let lastDraw = 0;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const draw = () => {
      frame = 0;
      const records = controller.records;
      const s = useEpisodeStore.getState();
      const view = s.view?.step ?? records.length - 1;
      const last = records[records.length - 1];
      // Drags and other notifications that change neither the records nor the cursor draw nothing.
      if (drawn && drawn.count === records.length && drawn.view === view && drawn.last === last) return;
      drawn = { count: records.length, view, last };
      lastDraw = performance.now();
      const data: PlotData = buildPlotData(records, view);
      charts.forEach((c, i) => c.update(data.x, chartSeries(CHARTS[i], data), data.viewStep, data.lastStep));
      const next = { inference: data.inference, step: data.step, hasConfidence: data.hasConfidence };
      setSummary((prev) => (sameSummary(prev, next) ? prev : next));
    };
    const request = () => {
      if (frame || timer) return;
      const wait = useEpisodeStore.getState().playing ? lastDraw + LIVE_REDRAW_MS - performance.now() : 0;
      if (wait > 0) {
        timer = setTimeout(() => {
          timer = null;
          frame = requestAnimationFrame(draw);
        }, wait);
      } else frame = requestAnimationFrame(draw);
    };
    const unsubscribe = controller.subscribe(request);
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
  }, [controller]);

  return (
    // Focusable: on a phone the grid scrolls inside its own box, and a keyboard must be able to scroll it.
    <div className="plots-grid" id="plots-body" tabIndex={0} role="region" aria-label="Plots">
      {CHARTS.map((spec, i) => (
        <figure className={`plot plot-${spec.key}`} key={spec.key}>
          <figcaption className="plot-caption">
            <span className="plot-title">{spec.title}</span>
            <span className="plot-unit">{spec.unit}</span>
            <Caption spec={spec} summary={summary} />
          </figcaption>
          <div className="plot-canvas" ref={(el) => void (cells.current[i] = el)} data-testid={`plot-${spec.key}`} role="img" aria-label={`${spec.title} per step`} />
        </figure>
      ))}
    </div>
  );
}

/** What a chart says beside its title: its series' colours, and the latency figures. */
function Caption({ spec, summary }: { spec: ChartSpec; summary: Summary }) {
  if (spec.key === 'latency') {
    return (
      <span className="plot-stats">
        <Figures label="inference" color={COLORS.inference} s={summary.inference} testid="latency-inference" empty="no model inference" />
        <Figures label="step" color={COLORS.step} s={summary.step} testid="latency-step" empty="" />
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
