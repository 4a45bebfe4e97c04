import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { assert, assertEqual, test } from './harness';
import { setSpeed, waitForEnd, waitForReady } from './helpers';

// Side-by-side compare (#17): two stored episodes that differ by their perturbations, one opened, the other
// beside it on the one time cursor. Keys and a press on the compared episode's plots move both; the compare
// pane shows the compared episode's own stored record at the cursor's step (its last one, said so, once it
// ended), its 3D bodies, its camera pixels (unlike the main view's under another camera perturbation, the
// same beside itself) and plots; Escape and the close button close it. Then the shorter one on screen: the
// cursor cannot go past its end, and the compared plots say so where the pointer is past it.

const BASE = '?task=object/blue_to_bowl&seed=3&policy=expert';
const PERTURBED = `${BASE}&perturb=layout:2,camera:2`;

const pane = (page: Page) => page.getByTestId('compare-view');

/** Keys go to the page, not to the control that was used last. */
const focusPage = (page: Page) => page.locator('.timeline-label').click();

/** Run the episode at `url` to its end and wait until it is the history's `nth` stored episode. */
async function runEpisode(page: Page, url: string, nth: number): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  await page.getByTestId('run-button').click();
  const end = await waitForEnd(page);
  assert(end.status === 'success' || end.status === 'failure', `the episode ended: ${end.status}`);
  // The save is asynchronous, and the next page.goto would abort an IndexedDB write still in flight (it
  // did once, in a clean-clone CI run).
  const t0 = Date.now();
  while ((await storedSummaries(page)).length < nth) {
    assert(Date.now() - t0 < 30_000, `episode ${nth} was saved to the history within 30 s`);
    await page.waitForTimeout(100);
  }
  return end.step;
}

interface Stored {
  id: string;
  perturb: unknown[];
  steps: number;
}

/** The history's summaries, straight from IndexedDB (src/state/history/historyDb.ts). */
const storedSummaries = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<Stored[]>((resolve, reject) => {
        const open = indexedDB.open('vla-episode-history');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('summaries').objectStore('summaries').getAll();
          get.onsuccess = () => resolve((get.result as Stored[]).map((s) => ({ id: s.id, perturb: s.perturb, steps: s.steps })));
          get.onerror = () => reject(get.error);
        };
      }),
  );

/** Record `step` of a stored episode's records, as IndexedDB holds it: its tcp and body poses. */
const storedRecord = (page: Page, id: string, step: number) =>
  page.evaluate(
    ([id, step]) =>
      new Promise<{ tcp: string; bodies: number[] }>((resolve, reject) => {
        const open = indexedDB.open('vla-episode-history');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('records').objectStore('records').get(id);
          get.onsuccess = () => {
            const r = (get.result as { records: Array<{ step: number; tcp: number[]; frame: { bodies: Float32Array } }> }).records[step];
            resolve({ tcp: r.tcp.join(','), bodies: Array.from(r.frame.bodies.slice(0, 14)) });
          };
          get.onerror = () => reject(get.error);
        };
      }),
    [id, step] as const,
  );

/** Both panes at the shared step: the main view on `cursor`, the compare pane on its record `shown`. */
async function waitForShared(page: Page, cursor: number, shown: number, what: string): Promise<void> {
  await page
    .waitForFunction(
      ([c, k]) => {
        const el = document.querySelector('[data-testid="compare-view"]');
        return window.__vla!.state().view?.step === c && el?.getAttribute('data-cursor') === String(c) && el?.getAttribute('data-step') === String(k);
      },
      [cursor, shown] as const,
      { timeout: 15_000 },
    )
    .catch(async () => {
      const got = await page.evaluate(() => {
        const el = document.querySelector('[data-testid="compare-view"]');
        return { main: window.__vla!.state().view?.step, cursor: el?.getAttribute('data-cursor'), step: el?.getAttribute('data-step') };
      });
      throw new Error(`${what}: expected main ${cursor} and compared ${shown}, got ${JSON.stringify(got)}`);
    });
  assertEqual(await page.getByTestId('timeline-position').getAttribute('data-step'), String(cursor), `${what}: the main view's data-step`);
}

/** The pixels a camera canvas shows once it shows step `step` (its data-step says which). */
async function cameraPixels(page: Page, selector: string, step: number): Promise<number[]> {
  await page.waitForFunction(([sel, s]) => document.querySelector(sel)?.getAttribute('data-step') === String(s), [selector, step] as const, { timeout: 60_000 });
  return page.locator(selector).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
  });
}

const MAIN_FRONT = '[data-testid="camera-front"] .camera-pixels';
const COMPARED_FRONT = '[data-testid="compare-camera-front"] .camera-pixels';

/** Mean absolute difference per colour channel (0-255) of two RGBA images of one size, and the mean brightness of the first. */
function pixelDiff(a: number[], b: number[]): { diff: number; lit: number } {
  assertEqual(a.length, b.length, 'the two cameras have one size');
  let diff = 0;
  let lit = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      diff += Math.abs(a[i + c] - b[i + c]);
      lit += a[i + c];
    }
  }
  const n = (a.length / 4) * 3;
  return { diff: diff / n, lit: lit / n };
}

/** Open stored episode `id` as the episode on screen. */
async function openStored(page: Page, id: string): Promise<void> {
  await page.locator(`[data-episode-id="${id}"]`).getByTestId('episode-history-open').click();
  await page.locator(`[data-testid="episode-history-item"][data-episode-id="${id}"][aria-current="true"]`).waitFor();
  await page.getByTestId('episode-history-opened').waitFor();
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the compare pane only (the rest of the page is a11y.e2e.ts's). */
async function paneViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResults> } }).axe;
    return axe.run({ include: [['[data-testid="compare-view"]']], exclude: [['[data-testid="compare-scene"] canvas']] }, { resultTypes: ['violations'] });
  });
  return r.violations.filter((v) => v.id === 'color-contrast' || v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

test('side-by-side compare: a stored episode beside the opened one, on one cursor (keys, plot press), then closed', async (t) => {
  const page = await t.open(BASE);
  await waitForReady(page);
  const plainSteps = await runEpisode(page, t.url + BASE, 1);
  const perturbedSteps = await runEpisode(page, t.url + PERTURBED, 2);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="episode-history-item"]').length === 2, null, { timeout: 20_000 });
  const stored = await storedSummaries(page);
  const plain = stored.find((s) => s.perturb.length === 0)!;
  const perturbed = stored.find((s) => s.perturb.length > 0)!;
  assert(plain && perturbed, `both episodes are stored: ${JSON.stringify(stored)}`);
  // Seeded, so always the same two lengths; the cases below need them to differ.
  assert(plain.steps !== perturbed.steps, `the perturbed episode takes another number of steps than the plain one (${plain.steps})`);
  // First the longer one is opened, so the compared one ends first and says so; later the other way round.
  const [main, other] = plain.steps > perturbed.steps ? [plain, perturbed] : [perturbed, plain];
  t.log(`plain ${plainSteps} steps, perturbed ${perturbedSteps} steps; opened ${main.steps}, compared ${other.steps}`);

  await openStored(page, main.id);
  const compareButton = page.locator(`[data-episode-id="${other.id}"]`).getByTestId('episode-history-compare');
  assert(((await compareButton.getAttribute('aria-label')) ?? '').includes('seed 3'), 'the Compare button names the episode');
  await compareButton.click();
  await page.locator('[data-testid="compare-view"][data-status="ready"]').waitFor();
  assertEqual(await pane(page).getAttribute('data-episode-id'), other.id, 'the pane shows the episode compared');
  assertEqual(await compareButton.getAttribute('aria-pressed'), 'true', 'its Compare button is pressed');
  const facts = (await page.getByTestId('compare-facts').textContent()) ?? '';
  assert(facts.includes('object/blue_to_bowl') && facts.includes('seed 3') && facts.includes('expert') && facts.includes(`${other.steps} steps`), `the header says which episode: "${facts}"`);
  const diff = await page.locator('[data-testid="compare-diff"] [data-diff]').evaluateAll((els) => els.map((e) => e.getAttribute('data-diff')));
  assert(diff.includes('perturbations'), `the header says the perturbations differ: ${JSON.stringify(diff)}`);
  assertEqual(diff.includes('steps'), main.steps !== other.steps, 'the step counts differ only when they do');
  await page.locator('[data-testid="compare-scene"] canvas').waitFor();
  await page.locator('[data-testid="compare-plot-action-dx"] canvas').waitFor();

  // Keys move the one cursor; the pane shows its own stored record at that step.
  await focusPage(page);
  await page.keyboard.press('Home');
  await waitForShared(page, 0, 0, 'Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  const k = Math.min(13, other.steps);
  await waitForShared(page, 13, k, '→ ×3, shift+→');
  assertEqual(await pane(page).getAttribute('data-tcp'), (await storedRecord(page, other.id, k)).tcp, `the compared tcp at step ${k} is its stored record's`);
  assertEqual(await page.getByTestId('compare-step').textContent(), `step ${k}`, 'the pane says the step');
  // Its camera views show that step, rendered by the compared episode's own simulator under its own
  // perturbations: one of the two has the camera moved (camera:2), so the two front cameras differ.
  const compared = await cameraPixels(page, COMPARED_FRONT, k);
  const onScreen = await cameraPixels(page, MAIN_FRONT, k);
  const front = pixelDiff(compared, onScreen);
  t.log(`step ${k}: front cameras differ by ${front.diff.toFixed(1)} (brightness ${front.lit.toFixed(1)})`);
  assert(front.lit > 10, `the compared front camera shows an image (mean ${front.lit.toFixed(1)})`);
  assert(front.diff > 8, `the compared front camera (camera:2) differs from the one on screen at step ${k} (mean difference ${front.diff.toFixed(1)})`);

  await page.keyboard.press('End');
  await waitForShared(page, main.steps, other.steps, 'End');
  const note = (await page.getByTestId('compare-step').textContent()) ?? '';
  assertEqual(note, `ended at step ${other.steps}`, 'the shorter episode says where it ended');
  assertEqual(await pane(page).getAttribute('data-tcp'), (await storedRecord(page, other.id, other.steps)).tcp, 'past its end it shows its last record');
  await page.keyboard.press('ArrowLeft');
  await waitForShared(page, main.steps - 1, Math.min(main.steps - 1, other.steps), '←');

  // A press on the compared episode's plot moves the shared cursor (both x axes span the longer episode).
  // The pane scrolls on its own: its plots sit under its scene and cameras.
  await page.getByTestId('compare-plot-action-dx').scrollIntoViewIfNeeded();
  const over = (await page.locator('[data-testid="compare-plot-action-dx"] .u-over').boundingBox())!;
  await page.mouse.click(over.x + over.width / 3, over.y + over.height / 2);
  await page.waitForFunction((before) => window.__vla!.state().cursor !== before, main.steps - 1);
  const pressed = (await page.evaluate(() => window.__vla!.state().cursor))!;
  const xMax = main.steps + 8;
  assert(Math.abs(pressed - xMax / 3) <= 1.5, `a press at a third of the compared plot moved the cursor to ${pressed} (x runs to ${xMax})`);
  await waitForShared(page, pressed, Math.min(pressed, other.steps), 'plot press');
  assertEqual(await page.getByTestId('timeline').inputValue(), String(pressed), 'the timeline follows');
  assertEqual(await pane(page).getAttribute('data-tcp'), (await storedRecord(page, other.id, Math.min(pressed, other.steps))).tcp, 'the compared record after the press');

  const violations = await paneViolations(page);
  assert(violations.length === 0, `axe on the compare pane at 1440 px:\n    ${violations.join('\n    ')}`);
  // The pane's header at the top for the screenshot (the plot press scrolled its plots into view).
  await pane(page).evaluate((el) => el.scrollTo(0, 0));
  await page.waitForTimeout(500);
  await t.shot(page, 'compare-1440');

  // A phone: the panes stack, nothing is wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(() => document.documentElement.scrollWidth === 390, null, { timeout: 10_000 }).catch(async () => {
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > 391)
        .slice(0, 8)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(el.getBoundingClientRect().right)}`),
    );
    throw new Error(`at 390 px the page is ${await page.evaluate(() => document.documentElement.scrollWidth)} px wide: ${wide.join(', ')}`);
  });
  const stage = (await page.locator('.stage').boundingBox())!;
  const box = (await pane(page).boundingBox())!;
  assert(box.y >= stage.y + stage.height - 1 && box.x >= 0 && box.x + box.width <= 390.5, `the compare pane sits under the 3D view, inside the screen: ${JSON.stringify({ stage, box })}`);
  const phoneViolations = await paneViolations(page);
  assert(phoneViolations.length === 0, `axe on the compare pane at 390 px:\n    ${phoneViolations.join('\n    ')}`);
  await pane(page).scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await t.shot(page, 'compare-390');
  await page.setViewportSize({ width: 1440, height: 900 });

  // Escape closes it; the Compare button opens it again and the close button closes it.
  await focusPage(page);
  await page.keyboard.press('Escape');
  await pane(page).waitFor({ state: 'detached' });
  assertEqual(await compareButton.getAttribute('aria-pressed'), 'false', 'closed: the button is no longer pressed');
  await compareButton.click();
  await page.locator('[data-testid="compare-view"][data-status="ready"]').waitFor();
  await page.getByTestId('compare-close').click();
  await pane(page).waitFor({ state: 'detached' });

  // An entry that is gone says so in the pane.
  await page.evaluate(() => window.__vla!.controller.compare.open('no-such-episode'));
  const error = (await page.getByTestId('compare-error').textContent()) ?? '';
  assert(error.includes('no longer in the history'), `a missing entry is said: "${error}"`);
  await page.getByTestId('compare-close').click();
  await pane(page).waitFor({ state: 'detached' });

  // The other order: the shorter one on screen. The shared cursor is its step, so it cannot go past its end;
  // the compared plots darken the steps past it and say so under the pointer, and a press there stops at
  // its last step, where the compared episode shows its own record (it has not ended).
  await openStored(page, other.id);
  await page.locator(`[data-episode-id="${main.id}"]`).getByTestId('episode-history-compare').click();
  await page.locator('[data-testid="compare-view"][data-status="ready"]').waitFor();
  await focusPage(page);
  await page.keyboard.press('End');
  await waitForShared(page, other.steps, other.steps, 'End, the shorter one on screen');
  assertEqual(await page.getByTestId('compare-step').textContent(), `step ${other.steps}`, 'the longer one has not ended there');
  const plot = page.getByTestId('compare-plot-action-dx');
  await plot.scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => document.querySelector('[data-testid="compare-plot-action-dx"]')?.getAttribute('data-reach') === String(n), other.steps, { timeout: 10_000 });
  assertEqual(await page.getByTestId('plot-action-dx').getAttribute('data-reach'), null, 'the main plots have no such limit');
  await page.keyboard.press('Home');
  await waitForShared(page, 0, 0, 'Home, the shorter one on screen');
  // Positions inside the plot area (Playwright scrolls it into view first: the pane scrolls on its own).
  const over2 = plot.locator('.u-over');
  const { width, height } = (await over2.boundingBox())!;
  const xEnd = main.steps + 8;
  const xOf = (step: number) => ({ x: (width * step) / xEnd, y: height / 2 });
  // Half way between the end of the episode on screen and the end of the axis.
  const past = (other.steps + xEnd) / 2;
  assert(past > other.steps + 1, `there is room past the end on screen: ${past}`);
  await over2.hover({ position: xOf(past) });
  const title = (await over2.getAttribute('title')) ?? '';
  assert(title.includes(`no step past ${other.steps}`), `hovering past the end on screen says why the cursor stops there: "${title}"`);
  await over2.click({ position: xOf(past) });
  await waitForShared(page, other.steps, other.steps, 'a press past the end on screen');
  await over2.hover({ position: xOf(5) });
  assertEqual((await over2.getAttribute('title')) ?? '', '', 'within reach the plot says nothing');
  await page.getByTestId('compare-close').click();
  await pane(page).waitFor({ state: 'detached' });

  // An episode beside itself: same poses, same perturbations, the same step's sensor noise, so the compared
  // episode's own simulator renders the very pixels the main view shows.
  await page.evaluate((id) => window.__vla!.controller.compare.open(id), other.id);
  await page.locator('[data-testid="compare-view"][data-status="ready"]').waitFor();
  await focusPage(page);
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await waitForShared(page, 3, 3, 'itself, step 3');
  const self = pixelDiff(await cameraPixels(page, COMPARED_FRONT, 3), await cameraPixels(page, MAIN_FRONT, 3));
  t.log(`beside itself, step 3: front cameras differ by ${self.diff.toFixed(3)}`);
  assert(self.lit > 10 && self.diff < 1, `beside itself the front cameras match (mean difference ${self.diff.toFixed(2)}, brightness ${self.lit.toFixed(1)})`);
  await page.getByTestId('compare-close').click();
  await pane(page).waitFor({ state: 'detached' });
}, 420_000);
