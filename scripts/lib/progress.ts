import cliProgress from 'cli-progress';

// A progress bar on a TTY; on a pipe or log file, a plain line every few percent instead of escape codes.

export interface Progress {
  update(done: number, fields: Record<string, string | number>): void;
  stop(): void;
}

export function createProgress(total: number, label: string, fieldFormat: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {value}/{total} | ${fieldFormat} | {duration_formatted} elapsed, ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, {});
    return { update: (done, fields) => bar.update(done, fields), stop: () => bar.stop() };
  }
  const t0 = Date.now();
  let lastPct = -1;
  let lastTime = 0;
  return {
    update(done, fields) {
      const pct = Math.floor((100 * done) / Math.max(1, total));
      const now = Date.now();
      if (done < total && pct < lastPct + 5 && now - lastTime < 60_000) return;
      lastPct = pct;
      lastTime = now;
      const elapsed = (now - t0) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
      const text = fieldFormat.replace(/\{(\w+)\}/g, (_, k: string) => String(fields[k] ?? ''));
      process.stderr.write(`${label} ${done}/${total} (${pct}%) | ${text} | ${elapsed.toFixed(0)} s elapsed, ETA ${Number.isFinite(eta) ? eta.toFixed(0) + ' s' : '?'}\n`);
    },
    stop() {},
  };
}
