import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, startServer } from '../scripts/lib/browser';
import { registry, setCurrentFile, type TestContext } from './harness';

// End-to-end tests of the built app in Debian Chromium (`npm run test:e2e [-- <name filter>...]`).
// Builds the app into dist/ first when it is missing. Screenshots go to test-results/e2e/.
// E2E_DIST=<dir> tests another build; E2E_PORT=<n> changes the port (default 4370).

const root = resolve(import.meta.dirname, '..');
const dist = resolve(process.env.E2E_DIST ?? join(root, 'dist'));
const port = Number(process.env.E2E_PORT ?? 4370);
const outDir = join(root, 'test-results', 'e2e');
// Arguments select tests whose file or name contains any of them.
const filters = process.argv.slice(2).map((a) => a.trim().toLowerCase()).filter(Boolean);

function ensureBuilt(): void {
  if (existsSync(join(dist, 'index.html'))) return;
  console.log(`no build at ${dist}; building…`);
  execFileSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });
}

async function loadTests(): Promise<void> {
  const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.e2e.ts')).sort();
  for (const f of files) {
    setCurrentFile(f);
    await import(pathToFileURL(join(import.meta.dirname, f)).href);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

async function main(): Promise<number> {
  ensureBuilt();
  await loadTests();
  const tests = registry.filter((t) => filters.length === 0 || filters.some((f) => `${t.file} ${t.name}`.toLowerCase().includes(f)));
  mkdirSync(outDir, { recursive: true });
  const server = await startServer(dist, port);
  const browser = await launchBrowser();
  const results: Array<{ name: string; file: string; ok: boolean; ms: number; error?: string; notes: string[] }> = [];
  console.log(`${tests.length} tests against ${server.url} (${dist})\n`);
  try {
    for (const tc of tests) {
      const pages: Page[] = [];
      const notes: string[] = [];
      const ctx: TestContext = {
        browser,
        url: server.url,
        errors: [],
        async open(query = '', opts = {}) {
          const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1440, height: 900 } });
          if (opts.init) await page.addInitScript(opts.init);
          page.setDefaultTimeout(60_000);
          page.on('console', (m) => {
            if (m.type() === 'error') ctx.errors.push(m.text());
          });
          page.on('pageerror', (e) => ctx.errors.push(e.message));
          // The app asks before a page with an unsaved episode goes (src/state/history/episodeHistory.ts);
          // a test that navigates means to leave. e2e/history.e2e.ts checks the question itself.
          page.on('dialog', (d) => void (d.type() === 'beforeunload' ? d.accept() : d.dismiss()).catch(() => undefined));
          pages.push(page);
          await page.goto(server.url + query, { waitUntil: 'load' });
          return page;
        },
        async shot(page, name) {
          const path = join(outDir, `${slug(name)}.png`);
          await page.screenshot({ path, timeout: 60_000 });
          return path;
        },
        log(...args) {
          notes.push(args.map(String).join(' '));
        },
      };
      const t0 = Date.now();
      let error: string | undefined;
      try {
        await withTimeout(tc.fn(ctx), tc.timeoutMs, tc.name);
        const unexpected = ctx.errors.filter((e) => !/THREE\.Clock|deprecated/i.test(e));
        if (unexpected.length) throw new Error(`page errors:\n    ${unexpected.join('\n    ')}`);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        const page = pages.find((p) => !p.isClosed());
        if (page) await page.screenshot({ path: join(outDir, `FAILED-${slug(tc.name)}.png`), timeout: 30_000 }).catch(() => {});
      }
      for (const p of pages) await p.close().catch(() => {});
      const ms = Date.now() - t0;
      results.push({ name: tc.name, file: tc.file, ok: !error, ms, error, notes });
      console.log(`${error ? '✗' : '✓'} ${tc.name} (${(ms / 1000).toFixed(1)} s)`);
      for (const n of notes) console.log(`    ${n}`);
      if (error) console.log(`    ${error.split('\n').join('\n    ')}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const failed = results.filter((r) => !r.ok).length;
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ dist, results }, null, 2));
  console.log(`\n${results.length - failed} passed, ${failed} failed (screenshots in ${outDir})`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
