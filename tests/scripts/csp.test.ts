import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StaticServer } from '../../scripts/lib/browser';
import { cspHeaders, cspMeta, policyFor } from '../../scripts/lib/csp';

// Which file gets which Content-Security-Policy (e2e/csp.e2e.ts runs the app under them).

const scriptSrc = (csp: string) => csp.split('; ').find((d) => d.startsWith('script-src '))!;

describe('content security policy', () => {
  it('gives each context the narrowest script-src that runs it', () => {
    expect(policyFor('/')).toBe('page');
    expect(policyFor('/index.html')).toBe('page');
    expect(policyFor('/runner.html')).toBe('runner');
    expect(policyFor('/assets/sim.worker-9hb3nAKV.js')).toBe('simWorker');
    expect(policyFor('/assets/policy.worker-COJ0wE1l.js')).toBe('policyWorker');
    expect(policyFor('/assets/other.worker-abc.js')).toBe('policyWorker');
    expect(policyFor('/assets/main-CivUvdWk.js')).toBeNull();
    expect(policyFor('/assets/mujoco-BgMibxMo.wasm')).toBeNull();
    expect(scriptSrc(cspHeaders('/')['Content-Security-Policy'])).toBe("script-src 'self'");
    expect(scriptSrc(cspHeaders('/assets/policy.worker-x.js')['Content-Security-Policy'])).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(scriptSrc(cspHeaders('/assets/sim.worker-x.js')['Content-Security-Policy'])).toBe("script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'");
    expect(cspHeaders('/assets/main-x.js')).toEqual({});
  });

  it('leaves header-only directives out of the <meta> fallback', () => {
    expect(cspHeaders('/')['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(cspMeta('page')).not.toContain('frame-ancestors');
    expect(cspMeta('page')).toMatch(/^<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self';/);
    expect(cspHeaders('/', { reportUri: '/r' })['Content-Security-Policy']).toMatch(/; report-uri \/r$/);
  });
});

describe('the static server sends the policy', () => {
  let dist: string;
  let server: StaticServer;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'vla-csp-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html>');
    writeFileSync(join(dist, 'assets', 'sim.worker-abc.js'), '');
    server = await startServer(dist);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('per path, as vite preview does', async () => {
    expect((await fetch(server.url)).headers.get('content-security-policy')).toBe(cspHeaders('/')['Content-Security-Policy']);
    expect((await fetch(`${server.url}assets/sim.worker-abc.js`)).headers.get('content-security-policy')).toBe(cspHeaders('/assets/sim.worker-abc.js')['Content-Security-Policy']);
  });

  it('not when asked not to', async () => {
    const plain = await startServer(dist, 0, { csp: false });
    try {
      expect((await fetch(plain.url)).headers.get('content-security-policy')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
