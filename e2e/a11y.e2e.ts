import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { assert, test, type TestContext } from './harness';
import { waitForReady, waitForStep } from './helpers';
import { scrubTo, waitForModelReady } from './modelHelpers';

// Accessibility and small screens: axe-core's rules at desktop and phone width, a visible focus ring,
// the page fitting a 390 px phone with every control reachable, and the explanations next to the
// attention and confidence read-outs.

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const QUERY = '?task=object/blue_to_bowl&seed=3&policy=model';

async function runAxe(page: Page): Promise<Result[]> {
  // Evaluated through the DevTools protocol, not page.addScriptTag: the app's CSP (script-src 'self') blocks
  // inline script tags, and the test should not weaken it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResults> } }).axe;
    return axe.run(
      // The WebGL canvas is drawn by three.js; axe cannot read pixels in it, only the DOM around it.
      { exclude: [['[data-testid="scene-view"] canvas']] },
      { resultTypes: ['violations'] },
    );
  });
  return results.violations.filter((v) => v.id === 'color-contrast' || v.impact === 'serious' || v.impact === 'critical');
}

function describe(violations: Result[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`)
    .join('\n    ');
}

async function openReady(t: TestContext): Promise<Page> {
  const page = await t.open(QUERY);
  await waitForReady(page);
  await waitForModelReady(page);
  // One step: the model's attention and confidences are then on screen.
  await page.getByTestId('step-button').click();
  await waitForStep(page, 1);
  await page.waitForFunction(() => document.querySelector('[data-testid="attention-heatmap"]')?.getAttribute('data-step') !== '', null, { timeout: 60_000 });
  return page;
}

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The focus indicator an element draws: its outline, or a box-shadow ring. */
const focusStyle = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => {
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? `${s.outlineWidth} ${s.outlineColor}` : '', shadow: s.boxShadow === 'none' ? '' : s.boxShadow };
  });

test('a11y desktop: axe finds no contrast or serious violations; focus rings; header, legend and explanations', async (t) => {
  const page = await openReady(t);
  const violations = await runAxe(page);
  t.log(`axe at 1440x900: ${violations.length} violations${violations.length ? `\n    ${describe(violations)}` : ''}`);
  assert(violations.length === 0, `axe violations at 1440x900:\n    ${describe(violations)}`);

  // The header is one row: the last button sits level with the task select.
  const task = (await page.getByTestId('task-select').boundingBox())!;
  const report = (await page.getByTestId('robustness-report-button').boundingBox())!;
  assert(Math.abs(task.y + task.height - (report.y + report.height)) < 4, `the header wraps: task select ends at ${task.y + task.height}, report button at ${report.y + report.height}`);
  // The perturbation panel and the trajectory legend both sit at the scene's top left; they must not overlap.
  const summary = (await page.getByTestId('perturbation-panel').boundingBox())!;
  const legend = (await page.getByTestId('trajectory-toggle').locator('xpath=ancestor-or-self::label[1]').boundingBox())!;
  assert(!overlap(summary, legend), `the perturbation summary ${JSON.stringify(summary)} covers the legend ${JSON.stringify(legend)}`);

  // Keyboard focus is visible on the seed box and on buttons (Tab from the element before each).
  for (const [from, to] of [
    ['[data-testid="task-select"]', '[data-testid="seed-input"]'],
    ['[data-testid="seed-input"]', '[aria-label="Random seed"]'],
    ['[data-testid="run-button"]', '[data-testid="pause-button"], [data-testid="step-button"]'],
  ] as const) {
    await page.locator(from).focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, to);
    assert(focused, `Tab from ${from} focuses ${to}`);
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return { visible: el.matches(':focus-visible'), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow !== 'none', what: el.outerHTML.slice(0, 80) };
    });
    assert(ring.visible && (ring.outline || ring.shadow), `no visible focus ring on ${ring.what}`);
  }
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const unfocused = await focusStyle(page, '[data-testid="seed-input"]');
  assert(!unfocused.outline, `the seed box shows a ring without focus: ${JSON.stringify(unfocused)}`);

  // Explanations: a button toggles a panel that says what rollout, keypoints, proprio share and confidence are.
  const colorbar = page.getByTestId('heatmap-colorbar');
  assert(await colorbar.isVisible(), 'the heatmap has a colour bar');
  const infos = page.getByRole('button', { name: 'What is this?' });
  assert((await infos.count()) >= 2, 'explanations in the camera views and the reasoning panel');
  await infos.first().click();
  const panel = page.locator('[data-testid="info-panel"]').first();
  const text = ((await panel.textContent()) ?? '').toLowerCase();
  for (const word of ['rollout', 'keypoint', 'proprio']) assert(text.includes(word), `the camera explanation mentions ${word}: "${text}"`);
  assert((await infos.first().getAttribute('aria-expanded')) === 'true', 'the button says it is open');
  await page.keyboard.press('Escape');
  assert(!(await panel.isVisible()), 'Escape closes the explanation');
  await infos.nth(1).click();
  assert(((await page.locator('[data-testid="info-panel"]').first().textContent()) ?? '').toLowerCase().includes('confidence'), 'the reasoning explanation says what confidence is');
  const open = await runAxe(page);
  assert(open.length === 0, `axe violations with an explanation open:\n    ${describe(open)}`);
  await t.shot(page, 'desktop-1440');
});

test('a11y phone: at 390x844 nothing is wider than the screen, every control is reachable, axe passes', async (t) => {
  const page = await openReady(t);
  await page.setViewportSize({ width: 390, height: 844 });
  // The timeline's cursor off the live end brings "Resume from here" and "Live" into the dock.
  await page.getByTestId('step-button').click();
  await waitForStep(page, 2);
  await scrubTo(page, 0);
  await page.getByTestId('resume-here').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  t.log(`scrollWidth at 390: ${width}`);
  const offscreen = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, select, input, summary, [data-testid^="camera-"], [data-testid="scene-view"]')) {
      if (el.closest('dialog, [hidden], .perturb-axes, .perturb-actions, .shortcut-sheet') || getComputedStyle(el).visibility === 'hidden') continue;
      // A checkbox is reached through its label, which is the target a finger hits.
      const r = (el.matches('input[type="checkbox"]') ? (el.closest('label') ?? el) : el).getBoundingClientRect();
      if (r.width === 0 && r.height === 0 && el.offsetParent === null) continue; // not rendered (display: none)
      if (r.left < -1 || r.right > 391 || r.width < 16 || r.height < 12) out.push(`${el.dataset.testid ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 20) ?? el.tagName} ${Math.round(r.left)}..${Math.round(r.right)} × ${Math.round(r.height)}`);
    }
    return out;
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await t.shot(page, 'phone-390');
  await page.getByTestId('timeline').scrollIntoViewIfNeeded();
  await t.shot(page, 'phone-390-dock');
  assert(width <= 390, `the page is ${width} px wide at 390`);
  assert(offscreen.length === 0, `controls off screen or squeezed at 390 px: ${offscreen.join('; ')}`);
  const scene = (await page.getByTestId('scene-view').boundingBox())!;
  assert(scene.width >= 340 && scene.height >= 240, `the 3D view is ${scene.width}×${scene.height}`);
  const slider = (await page.getByTestId('timeline').boundingBox())!;
  assert(slider.width >= 200, `the timeline slider is ${slider.width} px wide`);
  await page.getByTestId('go-live').click();
  await page.getByTestId('step-button').scrollIntoViewIfNeeded();
  await page.getByTestId('step-button').click();
  await waitForStep(page, 3);
  const violations = await runAxe(page);
  t.log(`axe at 390x844: ${violations.length} violations${violations.length ? `\n    ${describe(violations)}` : ''}`);
  assert(violations.length === 0, `axe violations at 390x844:\n    ${describe(violations)}`);
});
