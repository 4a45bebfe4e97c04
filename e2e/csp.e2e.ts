import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../scripts/lib/browser';
import { cspHeaders, cspMeta } from '../scripts/lib/csp';
import { assert, assertEqual, test } from './harness';
import { state, waitForEnd, waitForReady } from './helpers';
import { policyState, waitForModelReady } from './modelHelpers';

// The production Content-Security-Policy (scripts/lib/csp.ts): `vite preview` sends it per path, the
// build carries the page's policy as a <meta> fallback, and a model episode runs under it without a
// single violation, in the page or in either worker. Violations are collected three ways, because a
// caught one (a library probing whether `new Function` works) logs nothing to the console: report-uri
// reports from every context, securitypolicyviolation events in the page, and console errors.

const ROOT = resolve(import.meta.dirname, '..');
const DIST = resolve(process.env.E2E_DIST ?? join(ROOT, 'dist'));
const REPORT_PATH = '/__csp-report';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

const asset = (re: RegExp) => {
  const f = readdirSync(join(DIST, 'assets')).find((x) => re.test(x));
  assert(f, `no ${re} in ${DIST}/assets`);
  return `/assets/${f}`;
};

test('CSP: vite preview sends each file its policy, and the built pages carry the meta fallback', async () => {
  assert(readFileSync(join(DIST, 'index.html'), 'utf8').includes(cspMeta('page')), 'dist/index.html has the page policy as <meta http-equiv>');
  assert(readFileSync(join(DIST, 'runner.html'), 'utf8').includes(cspMeta('runner')), 'dist/runner.html has the runner policy as <meta http-equiv>');
  const port = await freePort();
  const vite = spawn(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'preview', '--outDir', DIST, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  vite.stdout.on('data', (d) => (output += d));
  vite.stderr.on('data', (d) => (output += d));
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const up = await fetch(`${base}/`).then(() => true, () => false);
      if (up) break;
      assert(Date.now() < deadline && vite.exitCode === null, `vite preview did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const sim = asset(/^sim\.worker-.*\.js$/);
    const pol = asset(/^policy\.worker-.*\.js$/);
    for (const [path, expectCsp] of [['/', '/index.html'], ['/index.html', '/index.html'], ['/runner.html', '/runner.html'], [sim, sim], [pol, pol]] as const) {
      const res = await fetch(base + path);
      assertEqual(res.status, 200, `${path} status`);
      assertEqual(res.headers.get('content-security-policy'), cspHeaders(expectCsp)['Content-Security-Policy'], `${path} Content-Security-Policy`);
    }
    const simCsp = cspHeaders(sim)['Content-Security-Policy'];
    const polCsp = cspHeaders(pol)['Content-Security-Policy'];
    const pageCsp = cspHeaders('/')['Content-Security-Policy'];
    assert(simCsp.includes("'unsafe-eval'"), 'the sim worker may evaluate strings (MuJoCo embind)');
    assert(!polCsp.includes("'unsafe-eval'") && polCsp.includes("'wasm-unsafe-eval'"), 'the policy worker compiles WASM only');
    assert(!/unsafe-eval/.test(pageCsp), 'the page has neither unsafe-eval nor wasm-unsafe-eval');
  } finally {
    vite.kill('SIGTERM');
  }
});

test('CSP: a model episode runs under the production policy with no violation in the page or its workers', async (t) => {
  const reports: string[] = [];
  const server = await startServer(DIST, 0, { csp: { reportUri: REPORT_PATH }, collect: { path: REPORT_PATH, onBody: (b) => reports.push(b) } });
  let page: Page | null = null;
  try {
    page = await t.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(60_000);
    const consoleCsp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) consoleCsp.push(m.text());
      if (m.type() === 'error') t.errors.push(m.text());
    });
    page.on('pageerror', (e) => t.errors.push(e.message));
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
    });
    await page.goto(`${server.url}?task=goal/press_button&seed=1&policy=model&autorun=1`, { waitUntil: 'load' });
    await waitForReady(page);
    const model = await waitForModelReady(page);
    const end = await waitForEnd(page, 180_000);
    assert(end.status === 'success' || end.status === 'failure', `the episode ended (${end.status}: ${end.reason})`);
    assert(end.step > 0, 'the episode ran');
    assertEqual((await policyState(page)).status, 'ready', 'the model stayed loaded');
    t.log(`episode ${end.status} in ${end.step} steps on ${model.backend}; task ${(await state(page)).taskId}`);
    // Reports are sent asynchronously; give the last ones time to arrive.
    await page.waitForTimeout(1500);
    const inPage = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    const summary = reports.map((r) => {
      const j = (JSON.parse(r) as { 'csp-report': Record<string, string> })['csp-report'];
      return `${j['document-uri']}: ${j['effective-directive']} blocked ${j['blocked-uri']} at ${j['source-file'] ?? '?'}:${j['line-number'] ?? '?'}`;
    });
    assertEqual(summary, [], 'CSP violation reports (page and workers)');
    assertEqual(inPage, [], 'securitypolicyviolation events in the page');
    assertEqual(consoleCsp, [], 'CSP console messages');

    // The policy is in force, and a violation would have been seen. (Code evaluated through the DevTools
    // protocol is exempt from CSP, so the probes make the page and the worker do something the policy
    // forbids: run an inline script, fetch from another origin.)
    const inline = await page.evaluate(() => {
      const el = document.createElement('script');
      el.textContent = 'window.__inlineRan = true';
      document.head.appendChild(el);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assertEqual(inline, false, 'an inline script ran in the page');
    const policyWorker = page.workers().find((w) => /policy\.worker/.test(w.url()));
    assert(policyWorker, `the policy worker is running (workers: ${page.workers().map((w) => w.url()).join(', ')})`);
    const fetched = await policyWorker.evaluate(() => fetch('http://127.0.0.2:9/').then(() => 'fetched', (e: Error) => e.name));
    assertEqual(fetched, 'TypeError', 'a fetch from another origin in the policy worker');
    await page.waitForTimeout(1500);
    const probes = reports.map((r) => (JSON.parse(r) as { 'csp-report': Record<string, string> })['csp-report']);
    assert(
      probes.some((j) => /policy\.worker/.test(j['document-uri']) && j['effective-directive'] === 'connect-src') &&
        probes.some((j) => !/worker/.test(j['document-uri']) && /^script-src/.test(j['effective-directive'])),
      `the probes were reported from the page and the worker: ${JSON.stringify(probes.map((j) => [j['document-uri'], j['effective-directive']]))}`,
    );
    // The page logs its refused inline script as an error; that one is expected.
    t.errors.splice(0, t.errors.length, ...t.errors.filter((e) => !/Content Security Policy|Refused to/i.test(e)));
    await t.shot(page, 'csp-model-episode');
  } finally {
    await page?.close();
    await server.close();
  }
}, 300_000);
