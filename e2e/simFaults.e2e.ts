import type { Page } from 'playwright-core';
import { assert, test, type TestContext } from './harness';
import { setSpeed, statusText, waitForReady, waitForStep } from './helpers';

// The sim worker's faults (docs/faults.md): one that dies silently is found by the heartbeat, the episode
// is marked and the worker restarted; one whose script cannot load is retried with back-off a bounded
// number of times and then reported, never requested in a loop.

test('a sim worker that dies silently mid-episode is detected within seconds, restarted, and the app is usable', async (t) => {
  const page = await t.open('?task=chains/five&seed=1&policy=expert');
  await waitForReady(page);
  await setSpeed(page, '0.5');
  await page.getByTestId('run-button').click();
  await waitForStep(page, 2);
  const t0 = Date.now();
  // `close` ends the worker without an error event, as an out-of-memory kill would: only silence tells.
  await page.evaluate(() => window.__vla!.controller.injectCrash('close'));
  await page.waitForFunction(() => !!window.__vla!.state().crash, null, { timeout: 30_000, polling: 100 });
  const detectedS = (Date.now() - t0) / 1000;
  t.log(`silent sim worker death detected after ${detectedS.toFixed(1)} s`);
  const status = await statusText(page);
  assert(status.includes('failure') && status.includes('stopped responding'), `status after the silent death: "${status}"`);
  await t.shot(page, 'sim-silent-death');
  // Restarted: Reset loads an episode and Step executes a step.
  await page.getByTestId('reset-button').click();
  await page.waitForFunction(() => !window.__vla!.state().crash && window.__vla!.state().live?.step === 0 && window.__vla!.state().run === 'idle', null, { timeout: 60_000 });
  await page.getByTestId('step-button').click();
  await page.waitForFunction(() => window.__vla!.state().live?.step === 1, null, { timeout: 30_000 });
  // And changing the task works too.
  await page.getByTestId('task-select').selectOption('goal/press_button');
  await page.waitForFunction(() => window.__vla!.state().info?.taskId === 'goal/press_button' && window.__vla!.state().run === 'idle', null, { timeout: 30_000 });
});

/**
 * The app on a page whose sim worker script requests `fails` answers with a 404 (request n counts from 1);
 * `requests()` says how many were made. The page's failed loads log errors on purpose: the test clears them.
 */
async function withFailingWorkerScript(t: TestContext, fails: (n: number) => boolean): Promise<{ page: Page; requests: () => number }> {
  const page = await t.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(60_000);
  let requests = 0;
  await page.route(/sim\.worker[^/]*\.js/, async (route) => {
    requests += 1;
    if (fails(requests)) await route.fulfill({ status: 404, body: 'not found' });
    else await route.continue();
  });
  await page.goto(`${t.url}?task=object/red_to_bowl&seed=1&policy=expert`, { waitUntil: 'load' });
  return { page, requests: () => requests };
}

test('a sim worker script that cannot load is retried with back-off a bounded number of times, then the page says so', async (t) => {
  const { page, requests } = await withFailingWorkerScript(t, () => true);
  await page.waitForFunction(() => window.__vla?.state().boot === 'error', null, { timeout: 60_000 });
  const error = await page.evaluate(() => window.__vla!.state().bootError ?? '');
  assert(/could not be started after 4 attempts/.test(error), `boot error: "${error}"`);
  assert(await page.getByText('The simulator could not start.').isVisible(), 'the page says the simulator could not start');
  const settled = requests();
  await page.waitForTimeout(3000);
  assert(requests() <= 4 && requests() === settled, `the worker script was requested ${requests()} times (at most 4, and no more once given up)`);
  await t.shot(page, 'sim-cannot-load');
  await page.close();
  t.errors.length = 0; // the failed loads are expected to log errors
});

test('a sim worker whose first load fails, before the app has loaded to listen, is retried and the app boots', async (t) => {
  // The first request is the worker the page's first module starts (src/workers/earlyWorkers.ts).
  const { page, requests } = await withFailingWorkerScript(t, (n) => n === 1);
  await page.waitForFunction(() => window.__vla?.state().boot === 'ready' && !!window.__vla.state().live, null, { timeout: 60_000 });
  assert(requests() === 2, `the worker script was requested ${requests()} times (the failed early one, then one that loads)`);
  await page.getByTestId('step-button').click();
  await page.waitForFunction(() => window.__vla!.state().live?.step === 1, null, { timeout: 30_000 });
  await page.close();
  t.errors.length = 0; // the failed load is expected to log an error
});
