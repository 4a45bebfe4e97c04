import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSeries, ChartSpec, YScale } from './chartSpecs';
import type { Reach } from './plotSource';

// One small uPlot chart over the recorded steps, made once and fed new arrays (setData) when records arrive
// or the cursor moves: never rebuilt per frame. It draws the time cursor (the step on screen) and shades
// the steps that have not happened yet; pressing or dragging on it asks to move the cursor there. Steps the
// cursor cannot reach (past the end of the episode on screen, on the compared episode's axis) are darkened
// and say why under the pointer: a press there stops at the last step the cursor can reach, not silently.

export const CHART_HEIGHT = 80;
const AXIS_TEXT = '#b4bccb';
const GRID = '#272d39';
const CURSOR = '#e6e9f0';
const FUTURE = 'rgba(122, 162, 255, 0.06)';
const OUT_OF_REACH = 'rgba(0, 0, 0, 0.45)';
const REACH_EDGE = 'rgba(230, 233, 240, 0.5)';
const FONT = '10px system-ui, sans-serif';

const stepped = uPlot.paths.stepped?.({ align: 1 });

function seriesOptions(s: ChartSeries): uPlot.Series {
  const base: uPlot.Series = { label: s.label, stroke: s.color, width: 1.5, spanGaps: false, ...(s.dash ? { dash: s.dash } : {}) };
  if (s.kind === 'points') return { ...base, paths: () => null, points: { show: true, size: 5, fill: s.color, stroke: s.color } };
  return { ...base, points: { show: false }, ...(s.kind === 'step' && stepped ? { paths: stepped } : {}) };
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);

/** The y range of a chart (chartSpecs.ts YScale), with 10% room above the data. */
function yRange(y: YScale): uPlot.Scale.Range {
  if (y.kind === 'fixed') return y.range;
  if (y.kind === 'fromZero') return (_u, _min, max) => [0, Math.max(1, finite(max) * 1.1)];
  return (_u, min, max) => {
    const half = Math.max(Math.abs(finite(min)), Math.abs(finite(max))) * 1.1;
    return [-Math.max(half, y.minHalf, 1e-6), Math.max(half, y.minHalf, 1e-6)];
  };
}

/** Short tick labels: a chart is ~90 px tall, so "0.015" must not push the plot area around. */
function tick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return String(Number(v.toFixed(1)));
  return String(Number(v.toPrecision(2)));
}

export class TimeChart {
  private readonly u: uPlot;
  private cursorStep = 0;
  private lastStep = 0;
  private reach: Reach | null = null;
  private pressed = false;
  private readonly detach: () => void;

  constructor(private readonly el: HTMLElement, spec: ChartSpec, width: number, private readonly onSeek: (step: number) => void) {
    const opts: uPlot.Options = {
      width: Math.max(120, width),
      height: CHART_HEIGHT,
      legend: { show: false },
      // No zoom: a press on the plot is a seek, as on the timeline.
      cursor: { y: false, drag: { x: false, y: false, setScale: false }, points: { show: false } },
      scales: {
        x: { time: false },
        y: { range: yRange(spec.y) },
      },
      axes: [
        { stroke: AXIS_TEXT, font: FONT, size: 22, gap: 3, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1, size: 3 }, values: (_u, vs) => vs.map((v) => (Number.isInteger(v) ? String(v) : '')) },
        { stroke: AXIS_TEXT, font: FONT, size: 36, gap: 3, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1, size: 3 }, values: (_u, vs) => vs.map(tick) },
      ],
      series: [{}, ...spec.series.map(seriesOptions)],
      hooks: {
        drawClear: [(u) => this.shadeFuture(u), (u) => this.shadeOutOfReach(u)],
        draw: [(u) => this.drawCursor(u)],
      },
    };
    this.u = new uPlot(opts, [[0], ...spec.series.map(() => [null])] as uPlot.AlignedData, el);
    this.detach = this.listen();
  }

  /** New arrays (one x array shared by every series), the step on screen and the newest recorded step. */
  update(x: number[], ys: (number | null)[][], cursorStep: number, lastStep: number, reach: Reach | null = null): void {
    this.cursorStep = cursorStep;
    this.lastStep = lastStep;
    this.reach = reach;
    if (this.outOfReach) this.el.dataset.reach = String(this.outOfReach.step);
    else delete this.el.dataset.reach;
    this.u.setData([x.length ? x : [0], ...ys.map((y) => (x.length ? y : [null]))] as uPlot.AlignedData);
  }

  setWidth(width: number): void {
    if (Math.abs(width - this.u.width) >= 1) this.u.setSize({ width: Math.max(120, width), height: CHART_HEIGHT });
  }

  destroy(): void {
    this.detach();
    this.u.destroy();
  }

  private listen(): () => void {
    const over = this.u.over;
    const seek = (e: PointerEvent) => {
      const left = e.clientX - over.getBoundingClientRect().left;
      const v = this.u.posToVal(left, 'x');
      if (Number.isFinite(v)) this.onSeek(Math.max(0, Math.min(this.reach?.step ?? this.lastStep, Math.round(v))));
    };
    const hover = (e: PointerEvent) => {
      const v = this.u.posToVal(e.clientX - over.getBoundingClientRect().left, 'x');
      const out = this.outOfReach;
      const why = out && Math.round(v) > out.step ? out.why : '';
      if (over.title !== why) over.title = why;
    };
    const down = (e: PointerEvent) => {
      if (e.button !== 0) return;
      this.pressed = true;
      over.setPointerCapture(e.pointerId);
      seek(e);
    };
    const move = (e: PointerEvent) => {
      hover(e);
      if (this.pressed) seek(e);
    };
    const up = (e: PointerEvent) => {
      this.pressed = false;
      if (over.hasPointerCapture(e.pointerId)) over.releasePointerCapture(e.pointerId);
    };
    over.addEventListener('pointerdown', down);
    over.addEventListener('pointermove', move);
    over.addEventListener('pointerup', up);
    over.addEventListener('pointercancel', up);
    over.style.cursor = 'col-resize';
    return () => {
      over.removeEventListener('pointerdown', down);
      over.removeEventListener('pointermove', move);
      over.removeEventListener('pointerup', up);
      over.removeEventListener('pointercancel', up);
    };
  }

  /** Steps past the newest record: only a plan can be there. */
  private shadeFuture(u: uPlot): void {
    const { left, top, width, height } = u.bbox;
    const x = u.valToPos(this.lastStep, 'x', true);
    if (!Number.isFinite(x) || x >= left + width) return;
    const from = Math.max(left, x);
    u.ctx.save();
    u.ctx.fillStyle = FUTURE;
    u.ctx.fillRect(from, top, left + width - from, height);
    u.ctx.restore();
  }

  /** Where the cursor stops short of this chart's own records (the room ahead past both ends is no news). */
  private get outOfReach(): Reach | null {
    return this.reach && this.reach.step < this.lastStep ? this.reach : null;
  }

  /** Steps the shared cursor cannot reach: darkened, with an edge where it stops. */
  private shadeOutOfReach(u: uPlot): void {
    const out = this.outOfReach;
    if (!out) return;
    const { left, top, width, height } = u.bbox;
    const x = Math.round(u.valToPos(out.step, 'x', true));
    if (!Number.isFinite(x) || x >= left + width) return;
    const from = Math.max(left, x);
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = OUT_OF_REACH;
    ctx.fillRect(from, top, left + width - from, height);
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = REACH_EDGE;
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    ctx.beginPath();
    ctx.moveTo(from + 0.5, top);
    ctx.lineTo(from + 0.5, top + height);
    ctx.stroke();
    ctx.restore();
  }

  private drawCursor(u: uPlot): void {
    const x = Math.round(u.valToPos(this.cursorStep, 'x', true));
    const { left, top, width, height } = u.bbox;
    if (!Number.isFinite(x) || x < left - 1 || x > left + width + 1) return;
    const ctx = u.ctx;
    ctx.save();
    // uPlot leaves the last series' dash pattern on the context.
    ctx.setLineDash([]);
    ctx.strokeStyle = CURSOR;
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, top);
    ctx.lineTo(x + 0.5, top + height);
    ctx.stroke();
    ctx.restore();
  }
}
