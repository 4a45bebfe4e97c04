import type { Page } from 'playwright-core';
import { assert } from './harness';

// Page helpers shared by the app's e2e tests. They read state through window.__vla (src/mountApp.tsx) and act
// through the UI's test ids, as a person would.

export interface LiveState {
  boot: string;
  step: number;
  status: string;
  reason: string | null;
  playing: boolean;
  records: number;
  cursor: number | null;
  taskId: string;
  seed: number;
}

export async function state(page: Page): Promise<LiveState> {
  return page.evaluate(() => {
    const s = window.__vla!.state();
    return {
      boot: s.boot,
      step: s.live?.step ?? -1,
      status: s.live?.outcome.status ?? 'none',
      reason: s.crash ?? s.live?.outcome.reason ?? null,
      playing: s.playing,
      records: s.recordCount,
      cursor: s.cursor,
      taskId: s.taskId,
      seed: s.seed,
    };
  });
}

export async function waitForReady(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__vla?.state();
    return !!s && (s.boot === 'error' || (s.boot === 'ready' && !!s.live && !s.loading));
  }, null, { timeout: timeoutMs, polling: 200 });
  const s = await state(page);
  assert(s.boot === 'ready', `the app did not start: ${await page.evaluate(() => window.__vla!.state().bootError)}`);
}

/** Wait until the episode is over (success or failure); returns the final state. */
export async function waitForEnd(page: Page, timeoutMs = 150_000): Promise<LiveState> {
  await page.waitForFunction(() => {
    const s = window.__vla!.state();
    return !!s.crash || (!!s.live && s.live.outcome.status !== 'running' && !s.playing);
  }, null, { timeout: timeoutMs, polling: 250 });
  return state(page);
}

export async function waitForStep(page: Page, atLeast: number, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction((n) => (window.__vla!.state().live?.step ?? 0) >= n, atLeast, { timeout: timeoutMs, polling: 100 });
}

export async function statusText(page: Page): Promise<string> {
  return (await page.getByTestId('episode-status').textContent()) ?? '';
}

export async function setSpeed(page: Page, speed: string): Promise<void> {
  await page.getByTestId('speed-select').selectOption(speed);
}

/** Final body poses of the live step, for exact comparisons between runs. */
export async function livePoses(page: Page): Promise<number[]> {
  return page.evaluate(() => Array.from(window.__vla!.state().live!.frame.bodies));
}

/** Mean absolute difference between two RGBA screenshots of the same size (0..255). */
export async function canvasPixels(page: Page, selector: string): Promise<Buffer> {
  return page.locator(selector).screenshot();
}
