import type { Page } from 'playwright-core';
import { assert, assertEqual, test } from './harness';
import { setSpeed, state, waitForEnd, waitForReady, waitForStep } from './helpers';

// The episode history (IndexedDB): episodes survive a reload, one opens in replay with its recording, and
// neither Run again nor Reset loses the episode before it.

const items = (page: Page) => page.getByTestId('episode-history-item');

async function waitForItems(page: Page, n: number, what: string, timeout = 20_000): Promise<void> {
  await page
    .waitForFunction((k) => document.querySelectorAll('[data-testid="episode-history-item"]').length === k, n, { timeout })
    .catch(async () => {
      throw new Error(`${what}: expected ${n} episodes in the history, found ${await items(page).count()}`);
    });
}

async function runToEnd(page: Page): Promise<number> {
  await page.getByTestId('run-button').click();
  const end = await waitForEnd(page);
  assertEqual(end.status, 'success', 'the expert succeeds');
  return end.step;
}

test('history: two expert episodes survive a reload; the first opens with its recording; Run again and Reset lose none', async (t) => {
  const page = await t.open('?task=object/blue_to_bowl&seed=3&policy=expert');
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  const first = await runToEnd(page);
  await waitForItems(page, 1, 'after the first episode');
  await page.evaluate(() => window.__vla!.controller.setSeed(4));
  await waitForReady(page);
  const second = await runToEnd(page);
  await waitForItems(page, 2, 'after the second episode');

  await page.reload({ waitUntil: 'load' });
  await waitForReady(page);
  await waitForItems(page, 2, 'after a reload');
  // Newest first: the first episode is the last item.
  const oldest = items(page).nth(1);
  const text = (await oldest.textContent()) ?? '';
  assert(text.includes('object/blue_to_bowl') && text.includes('seed 3') && text.includes('expert') && text.includes('success') && text.includes(`${first} steps`), `the first episode is listed with task, policy, outcome, steps: "${text}"`);
  assert(((await items(page).nth(0).textContent()) ?? '').includes(`seed 4`), 'the second episode is listed first');
  await t.shot(page, 'history-1440');

  // Opened: its recording is on the timeline as a finished episode, same step count, scrubbable.
  await oldest.getByTestId('episode-history-open').click();
  await page.getByTestId('episode-history-opened').waitFor();
  const s = await state(page);
  assertEqual([s.seed, s.records, s.step, s.status, s.cursor], [3, first + 1, first, 'success', null], 'the opened episode: seed, records, last step, outcome, cursor');
  assertEqual(await page.getByTestId('timeline-position').textContent(), `${first} / ${first}`, 'timeline position');
  await page.evaluate(() => window.__vla!.controller.scrub(5));
  await page.waitForFunction(() => window.__vla!.state().view?.step === 5);
  assertEqual(await page.locator('[data-testid="plot-action-dx"] canvas').count(), 1, 'the plots draw the stored episode');
  assertEqual(await page.getByTestId('timeline').inputValue(), '5', 'the timeline follows the cursor');
  assertEqual(await items(page).nth(1).getAttribute('aria-current'), 'true', 'the opened episode is marked in the list');

  // Run on a stored episode runs it again from its first state: a new episode; the stored one stays.
  await page.getByTestId('run-button').click();
  // The stored episode's last record is a success: wait for the new run's own start first.
  await page.getByTestId('episode-history-opened').waitFor({ state: 'detached' });
  const again = (await waitForEnd(page)).step;
  assertEqual(again, first, 'the same seed runs the same episode again');
  await waitForItems(page, 3, 'after running it again');

  // Reset in the middle of an episode keeps what ran so far. At a quarter speed the episode (about 50 steps)
  // lasts 20 s, so even a busy machine's Reset comes in the middle (at 1x one run ended first, under load).
  await setSpeed(page, '0.25');
  await page.getByTestId('run-button').click();
  // The finished episode on screen is at a later step: wait for the new run (still running) to reach 3.
  await page.waitForFunction(() => {
    const s = window.__vla!.state();
    return s.playing && s.live?.outcome.status === 'running' && s.live.step >= 3;
  }, null, { timeout: 60_000, polling: 50 });
  await page.getByTestId('reset-button').click();
  await page.waitForFunction(() => (window.__vla!.state().live?.step ?? -1) === 0 && !window.__vla!.state().loading);
  await waitForItems(page, 4, 'after a Reset mid-episode');
  // Which item is listed first depends on when each was last saved (a pause re-saves the episode on screen),
  // which a busy machine reorders: the stopped one is looked for among all four.
  const listed = await items(page).allTextContents();
  assert(listed.some((x) => x.includes('stopped')), `the interrupted episode is kept as stopped: ${listed.join(' | ')}`);

  // Delete asks first.
  await items(page).nth(0).getByTestId('episode-history-delete').click();
  await items(page).nth(0).getByTestId('episode-history-confirm-delete').click();
  await waitForItems(page, 3, 'after deleting one');
  t.log(`episodes of ${first} and ${second} steps; history after delete: ${await items(page).count()}`);

  await page.getByTestId('episode-history').scrollIntoViewIfNeeded();
  await page.getByTestId('episode-history').screenshot({ path: await t.shot(page, 'history-panel-1440') });
  // A narrow phone-sized page: the panel is looked at, the test does not depend on the layout.
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('episode-history').scrollIntoViewIfNeeded();
    await t.shot(page, 'history-390');
    await page.getByTestId('episode-history').screenshot({ path: (await t.shot(page, 'history-390')).replace('.png', '-panel.png'), timeout: 10_000 });
  } catch (err) {
    t.log(`390 px screenshot: ${err instanceof Error ? err.message : String(err)}`);
  }
});

test('history: leaving while an episode runs asks first; staying keeps the episode in the history', async (t) => {
  const page = await t.open('?task=object/blue_to_bowl&seed=5&policy=expert');
  await waitForReady(page);
  // Slow enough that the episode is still running when the save lands: it is the question's save, not the end's.
  await setSpeed(page, '0.5');
  // A click: the browser asks before unload only on a page a person has used.
  await page.getByTestId('run-button').click();
  await waitForStep(page, 5);
  const asked: string[] = [];
  page.removeAllListeners('dialog');
  page.on('dialog', (d) => {
    asked.push(d.type());
    // "Stay on this page".
    void d.dismiss().catch(() => undefined);
  });
  await page.evaluate(() => location.reload());
  await page.waitForTimeout(500);
  assertEqual(asked, ['beforeunload'], 'the browser asked before reloading a page with a running, unsaved episode');
  // Stayed: the page is the same one, and the save the question started has landed while the episode runs on.
  assert((await state(page)).step >= 5, 'the episode is still on screen');
  await waitForItems(page, 1, 'after staying', 4000);
  assert(await page.evaluate(() => window.__vla!.state().playing), 'the episode is still running: the history entry is the save the question started');

  // Saved and idle: leaving asks nothing, and the episode survives the reload.
  await page.evaluate(() => window.__vla!.controller.pause());
  await page.waitForFunction(() => !window.__vla!.state().playing);
  await page.waitForTimeout(PAUSE_SAVE_WAIT_MS);
  await page.reload({ waitUntil: 'load' });
  assertEqual(asked, ['beforeunload'], 'no question once the paused episode is saved');
  await waitForReady(page);
  await waitForItems(page, 1, 'after the reload');
});

/** A pause is saved after 400 ms (src/state/history/episodeHistory.ts); this leaves room for the write. */
const PAUSE_SAVE_WAIT_MS = 1500;
