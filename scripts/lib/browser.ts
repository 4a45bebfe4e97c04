import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { cspHeaders } from './csp';
import { fileHeaders, precompressed } from './staticFiles';

// Shared by the Node CLIs (datagen, eval, bench) and the e2e tests: serve a built dist/ on localhost with
// cross-origin isolation and drive it with Debian's Chromium. Never downloads a browser.

export const CHROMIUM_PATH = '/usr/bin/chromium';

// COOP/COEP make the page cross-origin isolated (SharedArrayBuffer for onnxruntime threads); CORP lets
// workers and wasm be fetched under require-corp.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface StaticServer {
  /** Base URL with a trailing slash, e.g. http://localhost:4300/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServerOptions {
  /**
   * Other directories served under a URL prefix ("/__eval_model__/m/" -> "/data/m"), ahead of the build:
   * eval serves the model directory it was given this way, wherever it is on disk.
   */
  mounts?: Record<string, string>;
  /**
   * The production Content-Security-Policy per path (scripts/lib/csp.ts), as `vite preview` sends it, so
   * the CLIs and the e2e tests run the app under the policy it ships with. On by default; `reportUri`
   * adds a report-uri directive (with `collect` to receive the reports), false turns it off.
   */
  csp?: false | { reportUri?: string };
  /** Extra response headers for a URL path. */
  headers?: (path: string) => Record<string, string>;
  /** Called with the body of every POST to `path` (e.g. CSP violation reports). */
  collect?: { path: string; onBody: (body: string) => void };
}

/** Serve `distDir` on localhost. Port 0 (default) picks a free one. */
export async function startServer(distDir: string, port = 0, opts: ServerOptions = {}): Promise<StaticServer> {
  const root = resolve(distDir);
  if (!existsSync(join(root, 'index.html')) && !existsSync(join(root, 'runner.html'))) {
    throw new Error(`${root} does not look like a built app (no index.html or runner.html); run \`npx vite build\` first`);
  }
  // Longest prefix first, so a mount inside another wins.
  const mounts = Object.entries(opts.mounts ?? {})
    .map(([prefix, dir]) => ({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, dir: resolve(dir) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (opts.collect && req.method === 'POST' && url.pathname === opts.collect.path) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        opts.collect!.onBody(body);
        res.writeHead(204, ISOLATION_HEADERS).end();
      });
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain' }).end(`bad URL: ${url.pathname}`);
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const mount = mounts.find((m) => path.startsWith(m.prefix));
    const base = mount ? mount.dir : root;
    const file = normalize(join(base, mount ? path.slice(mount.prefix.length) : path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403, ISOLATION_HEADERS).end('forbidden');
      return;
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      // A mounted directory is named, so a missing file says where it was looked for.
      res.writeHead(404, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain' }).end(`not found: ${path}${mount ? ` (looked in ${mount.dir})` : ''}`);
      return;
    }
    // The build writes .br and .gz beside each large asset (vite.config.ts): sent as a static host or CDN
    // would, by the browser's Accept-Encoding, so transfer sizes measured here are what a visitor downloads.
    const encoded = precompressed(file, req.headers['accept-encoding']);
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      ...(opts.csp === false ? {} : cspHeaders(path, opts.csp ?? {})),
      ...opts.headers?.(path),
      ...fileHeaders(file, size, encoded),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(encoded ? encoded.file : file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export interface LaunchOptions {
  /** Expose navigator.gpu (SwiftShader's WebGPU adapter). */
  webgpu?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  headless?: boolean;
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // No GPU here: WebGL2 runs on SwiftShader through ANGLE.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  // Headless pages in the background must not be throttled while a CLI waits on them.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  const args = [...CHROMIUM_FLAGS, ...(opts.webgpu ? ['--enable-unsafe-webgpu'] : []), ...(opts.args ?? [])];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: opts.headless ?? true, args });
}

export interface OpenPageOptions {
  /** Called with every console error and uncaught page exception; default prints to stderr. */
  onError?: (text: string) => void;
  /** Also forward console.log/info/warn (prefixed) to this callback. */
  onLog?: (text: string) => void;
  viewport?: { width: number; height: number };
  timeoutMs?: number;
}

/** Open `url` in a fresh page, forwarding console errors and page exceptions. */
export async function openPage(browser: Browser, url: string, opts: OpenPageOptions = {}): Promise<Page> {
  const onError = opts.onError ?? ((t: string) => process.stderr.write(`[page error] ${t}\n`));
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') onError(m.text());
    else if (opts.onLog) opts.onLog(`[${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => onError(e.stack ?? e.message));
  page.on('crash', () => onError('page crashed'));
  await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs ?? 60_000 });
  return page;
}
