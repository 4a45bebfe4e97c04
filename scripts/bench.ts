// Benchmarks as JSON. Every scripts/bench/*.ts that default-exports a BenchSection is a section; others
// add sections (app frame time, inference) by dropping a file there.
//
//   npm run bench [-- --quick] [--only physics,native] [--out bench.json]

import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchSection } from './bench/section';

async function loadSections(): Promise<BenchSection[]> {
  const dir = join(import.meta.dirname, 'bench');
  const sections: BenchSection[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: BenchSection };
    if (mod.default && typeof mod.default.run === 'function') sections.push(mod.default);
  }
  return sections.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const all = await loadSections();
  const only = values.only?.split(',').map((s) => s.trim());
  if (only) {
    const unknown = only.filter((n) => !all.some((s) => s.name === n));
    if (unknown.length) {
      process.stderr.write(`error: unknown section(s) ${unknown.join(', ')}. Sections: ${all.map((s) => s.name).join(', ')}\n`);
      process.exit(2);
    }
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
}

const round2 = (x: number) => Math.round(x * 100) / 100;

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
