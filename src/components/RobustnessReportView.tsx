import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { create } from 'zustand';
import { formatChange, parseRobustnessReport, robustnessChartSvg, type LevelResult, type RobustnessEpisode, type RobustnessReport } from '../robustness/report';
import './robustnessReport.css';

// The robustness sweep's report (`npm run robustness --out f.json`) in the app: loaded from a file, a drop
// or `?report=<url>`, shown as the LIBERO-Plus-style table, the chart, and each cell's failed episodes as
// links that replay them here.

/** Read at import, before the session rewrites the address bar (urlSync keeps only the episode's parameters). */
const REPORT_PARAM = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('report');

export function initialReportUrl(): string | null {
  return REPORT_PARAM;
}

/** Only same-origin reports are fetched: a link must not make the app fetch from, or vouch for, another site. */
export function sameOriginUrl(raw: string, base: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new Error(`"${raw}" is not a URL`);
  }
  if (url.origin !== new URL(base).origin) throw new Error(`only reports served by this app can be loaded by link, not ${url.origin}`);
  return url;
}

const MAX_BYTES = 64 * 1024 * 1024;

interface ReportState {
  report: RobustnessReport | null;
  source: string | null;
  error: string | null;
  loading: boolean;
  initialTried: boolean;
}

// Outside the dialog, so closing and reopening it keeps what was loaded; not in uiStore, which persists.
const useReportStore = create<ReportState>(() => ({ report: null, source: null, error: null, loading: false, initialTried: false }));

async function load(source: string, text: () => Promise<string>): Promise<void> {
  useReportStore.setState({ loading: true, error: null });
  try {
    const report = parseRobustnessReport(await text());
    useReportStore.setState({ report, source, loading: false });
  } catch (e) {
    // The report on screen stays: a bad file only adds a message.
    useReportStore.setState({ error: `${source}: ${(e as Error).message}`, loading: false });
  }
}

function loadFile(file: File): void {
  if (file.size > MAX_BYTES) {
    useReportStore.setState({ error: `${file.name}: ${(file.size / 2 ** 20).toFixed(0)} MB is too large for a report` });
    return;
  }
  void load(file.name, () => file.text());
}

function loadUrl(raw: string): void {
  void load(raw, async () => {
    const url = sameOriginUrl(raw, location.href);
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`could not fetch it (HTTP ${res.status})`);
    return res.text();
  });
}

const pct = (x: number) => `${Math.round(100 * x)}%`;
const levelName = (level: number) => (level ? `L${level}` : 'clean');

function RateCell({ r, failed, onShow }: { r: { success_rate: number; ci95: [number, number]; drop?: number }; failed: number; onShow: () => void }) {
  // Colour is only a hint beside the number: big losses stand out when scanning 30 cells.
  const tone = r.drop === undefined ? '' : r.drop >= 20 ? 'bad' : r.drop >= 5 ? 'warn' : 'ok';
  return (
    <td className="rr-cell">
      <span className="rr-rate">{pct(r.success_rate)}</span>
      <span className="rr-ci">
        [{Math.round(100 * r.ci95[0])}–{Math.round(100 * r.ci95[1])}]
      </span>
      {r.drop !== undefined && <span className={`rr-drop ${tone}`}>{formatChange(r.drop)}</span>}
      {failed > 0 && (
        <button type="button" className="rr-failed-link" onClick={onShow}>
          {failed} failed
        </button>
      )}
    </td>
  );
}

const cellId = (axis: string, level: number) => `rr-fail-${axis.replace(/[^A-Za-z0-9_-]/g, '_')}-${level}`;

function scrollToCell(axis: string, level: number) {
  const el = document.getElementById(cellId(axis, level));
  if (el instanceof HTMLDetailsElement) el.open = true;
  el?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function ReportTable({ report }: { report: RobustnessReport }) {
  const failed = (eps: RobustnessEpisode[]) => eps.filter((e) => !e.success).length;
  const levels = [1, 2, 3] as const;
  const byLevel = levels.map((level) => report.axes.map((a) => a.levels.find((l) => l.level === level)).filter((l): l is LevelResult => !!l));
  return (
    <div className="rr-table-wrap">
      <table className="rr-table">
        <thead>
          <tr>
            <th scope="col">axis</th>
            <th scope="col">clean</th>
            {levels.map((l) => (
              <th scope="col" key={l}>
                L{l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.axes.map((a, i) => (
            <tr key={a.axis}>
              <th scope="row">{a.axis}</th>
              {/* Every row repeats the one clean run; its failures are pointed at once. */}
              <RateCell r={report.clean} failed={i === 0 ? failed(report.clean.episodes) : 0} onShow={() => scrollToCell('clean', 0)} />
              {levels.map((level) => {
                const l = a.levels.find((x) => x.level === level);
                return l ? <RateCell key={level} r={l} failed={failed(l.episodes)} onShow={() => scrollToCell(a.axis, level)} /> : <td key={level} className="rr-cell empty">—</td>;
              })}
            </tr>
          ))}
        </tbody>
        {report.axes.length > 1 && (
          <tfoot>
            <tr>
              <th scope="row" title="mean over axes; no interval, since the axes share the clean layouts">
                mean
              </th>
              <td className="rr-cell">
                <span className="rr-rate">{pct(report.clean.success_rate)}</span>
              </td>
              {byLevel.map((ls, i) => (
                <td className="rr-cell" key={i}>
                  {ls.length ? (
                    <>
                      <span className="rr-rate">{pct(ls.reduce((s, l) => s + l.success_rate, 0) / ls.length)}</span>
                      <span className="rr-drop">{formatChange(Math.round((10 * ls.reduce((s, l) => s + l.drop, 0)) / ls.length) / 10)}</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

const SHOWN = 25;

function FailureList({ id, title, episodes }: { id: string; title: string; episodes: RobustnessEpisode[] }) {
  const [all, setAll] = useState(false);
  const failures = episodes.filter((e) => !e.success);
  const shown = all ? failures : failures.slice(0, SHOWN);
  return (
    <details className="rr-failures" id={id} open>
      <summary>
        {title} — {failures.length} of {episodes.length} failed
      </summary>
      <ul>
        {shown.map((e, i) => (
          <li key={`${e.task}-${e.seed}-${i}`}>
            {/* A new tab, so the report stays open beside the replay. */}
            <a data-testid="robustness-failure" href={e.link} target="_blank" rel="noopener noreferrer" title="Replay this episode in the app">
              {e.task} · seed {e.seed}
            </a>
            <span className="rr-reason">
              {e.reason ?? 'failed'}
              {e.goals > 1 ? ` · ${e.completed}/${e.goals} goals` : ''} · {e.steps} steps
            </span>
          </li>
        ))}
      </ul>
      {failures.length > shown.length && (
        <button type="button" className="button small" onClick={() => setAll(true)}>
          Show all {failures.length}
        </button>
      )}
    </details>
  );
}

/** Everything a loaded report shows; no loading state, so it renders on the server in tests. */
export function ReportBody({ report }: { report: RobustnessReport }) {
  const chart = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(robustnessChartSvg(report))}`, [report]);
  const cells = [
    { id: cellId('clean', 0), title: 'clean', episodes: report.clean.episodes },
    ...report.axes.flatMap((a) => a.levels.map((l) => ({ id: cellId(a.axis, l.level), title: `${a.axis} ${levelName(l.level)}`, episodes: l.episodes }))),
  ].filter((c) => c.episodes.some((e) => !e.success));
  const created = new Date(report.created);
  return (
    <div className="rr-body">
      <dl className="rr-meta">
        <div>
          <dt>policy</dt>
          <dd>{report.policy}</dd>
        </div>
        <div>
          <dt>model</dt>
          <dd>{report.model ?? '—'}</dd>
        </div>
        <div>
          <dt>suite</dt>
          <dd>{report.suite}</dd>
        </div>
        <div>
          <dt>seed</dt>
          <dd>
            {report.seed}..{report.seed + report.trials - 1}
          </dd>
        </div>
        <div>
          <dt>trials</dt>
          <dd>{report.trials} per task</dd>
        </div>
        {report.execution && (
          <div>
            <dt>execution</dt>
            <dd>{report.execution}</dd>
          </div>
        )}
        <div>
          <dt>run</dt>
          <dd>
            {Number.isNaN(created.getTime()) ? report.created : created.toISOString().slice(0, 16).replace('T', ' ')} · {report.wall_s.toFixed(0)} s
          </dd>
        </div>
      </dl>
      <ReportTable report={report} />
      <p className="rr-note">Success rate, [95% Wilson interval] and change in points against clean.</p>
      <img className="rr-chart" src={chart} width={720} height={420} alt={`Success rate against perturbation level for ${report.axes.map((a) => a.axis).join(', ')}`} />
      <h3 className="rr-subtitle">Failed episodes</h3>
      {cells.length === 0 ? <p className="rr-note">No episode failed.</p> : cells.map((c) => <FailureList key={c.id} {...c} />)}
    </div>
  );
}

export function RobustnessReportView() {
  const { report, source, error, loading, initialTried } = useReportStore();
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (initialTried) return;
    useReportStore.setState({ initialTried: true });
    if (REPORT_PARAM) loadUrl(REPORT_PARAM);
  }, [initialTried]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) loadFile(file);
  };

  return (
    <section
      className={`rr-panel${dragging ? ' dragging' : ''}`}
      data-testid="robustness-report"
      aria-label="Robustness report"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div className="rr-load">
        <button type="button" className="button" onClick={() => input.current?.click()}>
          Open report…
        </button>
        <input
          ref={input}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="robustness-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) loadFile(file);
            // The same file chosen again (after fixing it) must fire change again.
            e.target.value = '';
          }}
        />
        <span className="rr-hint">{loading ? 'Loading…' : source ? `Showing ${source}` : 'or drop the JSON of npm run robustness here'}</span>
      </div>
      {error && (
        <p className="rr-error" role="alert" data-testid="robustness-error">
          {error}
        </p>
      )}
      {report && <ReportBody report={report} />}
    </section>
  );
}

/** The report as an overlay: Escape or the close button closes it; keys pressed in it do not drive the episode. */
export function RobustnessReportDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const before = document.activeElement;
    dialog.current?.focus();
    // Escape also when focus is outside the dialog (the dialog's own keys stop at the dialog, below).
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  const onKeyDown = (e: ReactKeyboardEvent) => {
    if (e.key === 'Escape') close.current();
    // The app's shortcuts (space, →, r) listen on window: they must not run the episode behind the dialog.
    e.stopPropagation();
  };

  return (
    // No close on a backdrop click: selecting text in the table and releasing outside would count as one.
    <div
      className="rr-backdrop"
      // A file dropped beside the panel must not make the browser navigate away from the app.
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => e.preventDefault()}
    >
      <div ref={dialog} className="rr-dialog" role="dialog" aria-modal="true" aria-labelledby="rr-title" tabIndex={-1} onKeyDown={onKeyDown}>
        <div className="rr-dialog-head">
          <h2 id="rr-title">Robustness report</h2>
          <button type="button" className="icon-button" aria-label="Close" title="Close (Escape)" data-testid="robustness-close" onClick={() => close.current()}>
            ×
          </button>
        </div>
        <RobustnessReportView />
      </div>
    </div>
  );
}
