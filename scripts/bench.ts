// Benchmarks as JSON. Every scripts/bench/*.ts that default-exports a BenchSection is a section; others
// add sections (app frame time, inference) by dropping a file there.
//
//   npm run bench [-- --quick] [--only physics,native] [--out bench.json]

import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from './bench/section';
import { checkWritableFile, parseFlags, runCli, UsageError } from './lib/cli';

const USAGE = `usage: npm run bench [-- --quick] [--only SECTION[,SECTION...]] [--out FILE.json]
  Speed figures as JSON on stdout (and in FILE): physics vs native MuJoCo, inference in WASM and our
  overhead over a bare session.run, app frame time. Sections are the files of scripts/bench/.
`;

async function loadSections(): Promise<BenchSection[]> {
  const dir = join(import.meta.dirname, 'bench');
  const sections: BenchSection[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: BenchSection };
    if (mod.default && typeof mod.default.run === 'function') sections.push(mod.default);
  }
  return sections.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}

async function main(): Promise<number> {
  const values = parseFlags(process.argv.slice(2), {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // The figures take minutes; a path they cannot be written to is found out now, not after.
  if (values.out) checkWritableFile(values.out, 'the --out file');
  const all = await loadSections();
  const only = values.only?.split(',').map((s) => s.trim());
  if (only) {
    const unknown = only.filter((n) => !all.some((s) => s.name === n));
    if (unknown.length) throw new UsageError(`unknown section(s) ${unknown.join(', ')}. Sections: ${all.map((s) => s.name).join(', ')}`);
  }
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const result: Record<string, unknown> = {
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadavg_1m_at_start: round2(loadavg()[0]) },
    quick: values.quick,
  };
  for (const s of all) {
    if (only && !only.includes(s.name)) continue;
    const t0 = performance.now();
    log(`${s.name} ...`);
    try {
      result[s.name] = await s.run({ quick: values.quick, log: (l) => log(`${s.name}: ${l}`) });
    } catch (e) {
      result[s.name] = { error: (e as Error).message };
    }
    log(`${s.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  (result.machine as Record<string, unknown>).loadavg_1m_at_end = round2(loadavg()[0]);
  const json = JSON.stringify(result, null, 2);
  process.stdout.write(json + '\n');
  if (values.out) writeFileSync(values.out, json + '\n');
  return 0;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

runCli('bench', USAGE, main);
