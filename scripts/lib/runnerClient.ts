import type { Browser, Page } from 'playwright-core';
import type { RunnerEpisodeResult, RunEpisodeOptions, RunnerInfo } from '../../src/runner/protocol';
import { launchBrowser, openPage, startServer, type StaticServer } from './browser';

// Drive the built app's headless runner page (runner.html, window.vlaRunner) from Node: one browser,
// one or more pages, each with its own MuJoCo instance and WebGL context.

export interface RunnerSession {
  info: RunnerInfo;
  pages: Page[];
  runEpisode(page: Page, opts: RunEpisodeOptions): Promise<RunnerEpisodeResult>;
  close(): Promise<void>;
}

export interface OpenRunnerOptions {
  distDir: string;
  /** Parallel pages (each runs episodes independently). */
  pages?: number;
  port?: number;
  webgpu?: boolean;
  onError?: (text: string) => void;
  /** Directories served under URL prefixes (startServer's mounts), e.g. the model eval was given. */
  mounts?: Record<string, string>;
}

export async function openRunner(opts: OpenRunnerOptions): Promise<RunnerSession> {
  const server: StaticServer = await startServer(opts.distDir, opts.port ?? 0, { mounts: opts.mounts });
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser({ webgpu: opts.webgpu });
    const pages: Page[] = [];
    let info: RunnerInfo | null = null;
    for (let i = 0; i < Math.max(1, opts.pages ?? 1); i++) {
      const page = await openPage(browser, `${server.url}runner.html`, { onError: opts.onError });
      await page.waitForFunction(() => !!window.vlaRunner, undefined, { timeout: 60_000 });
      info = await page.evaluate(() => window.vlaRunner!.init());
      pages.push(page);
    }
    const b = browser;
    return {
      info: info!,
      pages,
      runEpisode: (page, o) => page.evaluate((x) => window.vlaRunner!.runEpisode(x), o),
      async close() {
        await b.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}

/** Run `work` over `items` with `workers` concurrent lanes; lane i gets its own index (e.g. a page). */
export { runPool } from './pool';
