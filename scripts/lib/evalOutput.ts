import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatTable, type EvalReport } from './evalReport';

// How eval and eval:merge hand a report over: the table on stdout and the JSON in --out, or with --out -
// the JSON on stdout and the table on stderr (so the JSON can be piped).
export function emitReport(report: EvalReport, out: string | null): void {
  const toStdout = out === '-';
  const table = formatTable(report, !toStdout && !!process.stdout.isTTY);
  if (toStdout) {
    process.stderr.write(table + '\n');
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  process.stdout.write(table + '\n');
  if (out) {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`wrote ${out}\n`);
  }
}
