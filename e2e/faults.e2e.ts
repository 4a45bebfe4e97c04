import type { Page } from 'playwright-core';
import { assert, assertEqual, test } from './harness';
import { state, waitForReady } from './helpers';
import { waitForModelReady } from './modelHelpers';

// Faults a person can cause from the instruction box and the link: text the layout must contain, text
// the matcher must refuse with a message, and task ids that are names of Object.prototype members.

interface Layout {
  scrollWidth: number;
  stage: { w: number; h: number };
  sidebar: { w: number; h: number };
  bar: { w: number; h: number };
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const [stage, sidebar, bar] = ['.stage', '.sidebar', '.instruction-bar'].map((sel) => {
      const r = document.querySelector(sel)!.getBoundingClientRect();
      return { w: Math.round(r.width), h: Math.round(r.height) };
    });
    return { scrollWidth: document.documentElement.scrollWidth, stage, sidebar, bar };
  });
}

/** Type, press Enter, and return what the app answered: its feedback, or its question when it asks. */
async function submit(page: Page, text: string): Promise<string> {
  const input = page.getByTestId('instruction-input');
  await input.fill(text);
  await input.press('Enter');
  const answer = page.getByTestId('instruction-feedback').or(page.getByTestId('clarification'));
  await answer.first().waitFor({ state: 'visible', timeout: 30_000 });
  return (await answer.first().textContent()) ?? '';
}

test('instruction faults: overlong text stays inside the window, the panels keep their room, empty and negated text get a message', async (t) => {
  const page = await t.open('?task=goal/press_button&seed=1&policy=model');
  await waitForReady(page);
  // The model's word strip is the part that grows with every word: have it on screen.
  await waitForModelReady(page);
  const before = await layout(page);
  const viewport = page.viewportSize()!;

  const long = await submit(page, 'x'.repeat(10_000));
  assert(/10,000 characters/.test(long) && /at most 300/.test(long), `the limit is explained: "${long.slice(0, 200)}"`);
  let now = await layout(page);
  assert(now.scrollWidth <= viewport.width, `a 10,000-character word keeps the page ${viewport.width} px wide (it is ${now.scrollWidth} px)`);
  assertEqual(now.sidebar.w, before.sidebar.w, 'sidebar width');
  assertEqual(await page.getByTestId('run-model-anyway').count(), 0, 'no "let the model try" for refused text');

  const words = Array.from({ length: 500 }, (_, i) => ['put', 'zorblax', 'red', 'quux', 'cube', 'frobnicate'][i % 6]).join(' ');
  await submit(page, words);
  now = await layout(page);
  assert(now.scrollWidth <= viewport.width, `500 words keep the page ${viewport.width} px wide (${now.scrollWidth} px)`);
  assert(now.bar.h <= viewport.height * 0.35, `the instruction bar stays within a third of the window (${now.bar.h} px)`);
  assert(now.stage.h >= before.stage.h * 0.6, `the scene keeps its room: ${now.stage.h} px high, was ${before.stage.h} px`);
  await t.shot(page, 'instruction-500-words');

  const empty = await submit(page, '');
  assert(/Type an instruction/.test(empty), `an empty submit says what to do: "${empty}"`);

  const neg = await submit(page, "don't put the red cube in the bowl");
  assert(/don't/.test(neg) && /what it should do/.test(neg), `a negation is refused with the reason: "${neg}"`);
  assertEqual((await state(page)).taskId, 'goal/press_button', 'the negated instruction loaded no task');
  assertEqual(await page.getByTestId('run-model-anyway').count(), 0, 'no "let the model try" for a negation');

  // Not read as blue: with no colour understood the parser asks which cube, and says why.
  const foreign = await submit(page, 'put the bleu cube in the bowl');
  assert(/"bleu" looks like French for blue/.test(foreign), `a French colour is not read as "blue": "${foreign}"`);
  assert(!/^put the blue cube in the bowl$/.test(foreign), 'no reading was chosen for the person');
  assertEqual((await state(page)).taskId, 'goal/press_button', 'the French instruction loaded no task');
});

for (const id of ['__proto__', 'constructor']) {
  test(`links: ?task=${id} is an unknown task, answered with a warning, and the app runs`, async (t) => {
    const page = await t.open(`?task=${id}&seed=2&policy=expert`);
    await waitForReady(page);
    const s = await state(page);
    assertEqual(s.taskId, 'object/red_to_bowl', 'the default task is shown');
    assertEqual(s.seed, 2, 'the seed from the link is kept');
    const notices = (await page.getByTestId('notices').textContent()) ?? '';
    assert(notices.includes(`unknown task "${id}"`), `a warning names the task id: "${notices}"`);
  });
}
