import { assert, assertEqual, test } from './harness';
import { setSpeed, waitForEnd, waitForReady } from './helpers';

// Open instructions in the app (docs/language.md): a composition no task had is understood as a program,
// shown step by step before anything moves, and carried out by the expert; an ambiguous one asks.

test('open instruction: a composition no task had is shown as steps and carried out by the expert', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=3&policy=expert');
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  const input = page.getByTestId('instruction-input');
  await input.fill('put the green cube on the plate and then press the button');
  await input.press('Enter');
  await page.getByTestId('program-plan').waitFor();
  const steps = await page.getByTestId('program-step').allTextContents();
  assertEqual(steps.length, 2, `two steps understood (${steps.join(' | ')})`);
  assert(/green cube/.test(steps[0]) && /plate/.test(steps[0]) && /button/.test(steps[1]), `steps: ${steps.join(' | ')}`);
  await t.shot(page, 'open-program');
  const end = await waitForEnd(page, 240_000);
  assertEqual(end.status, 'success', `the expert carried out the program (${end.reason ?? ''})`);
  const goals = await page.evaluate(() => window.__vla!.state().info!.goals.length);
  assertEqual(goals, 2, 'one goal per step');
  assertEqual(new URL(page.url()).searchParams.get('instruction'), 'put the green cube on the plate and then press the button', 'the link keeps the words');
});

test('open instruction: an ambiguous one asks which cube, and the chosen reading runs', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=3&policy=expert');
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  const input = page.getByTestId('instruction-input');
  await input.fill('put the cube in the bowl');
  await input.press('Enter');
  await page.getByTestId('clarification').waitFor();
  const options = await page.getByTestId('clarification-option').allTextContents();
  assert(options.length >= 2, `several readings offered: ${options.join(' | ')}`);
  assertEqual((await page.evaluate(() => window.__vla!.state().live!.step)), 0, 'nothing moved while asking');
  const pick = options.findIndex((o) => /yellow/.test(o));
  assert(pick >= 0, `the yellow cube is one of the readings: ${options.join(' | ')}`);
  await page.getByTestId('clarification-option').nth(pick).click();
  await page.getByTestId('program-plan').waitFor();
  const end = await waitForEnd(page, 240_000);
  assertEqual(end.status, 'success', `the chosen reading was carried out (${end.reason ?? ''})`);
  const goal = await page.evaluate(() => window.__vla!.state().info!.goals[0].plan.map((p) => p.object).join(','));
  assert(goal.includes('yellow_cube'), `the plan moves the yellow cube: ${goal}`);

  // Impossible requests are explained, and nothing runs.
  await input.fill('put the purple cube in the bowl');
  await input.press('Enter');
  await page.getByTestId('instruction-feedback').waitFor();
  assert(/no purple cube/i.test((await page.getByTestId('instruction-feedback').textContent()) ?? ''), 'the feedback says there is no purple cube');
});

test('open instruction: a link with only the words runs the program', async (t) => {
  const words = encodeURIComponent('put the yellow cube on the plate then press the button');
  const page = await t.open(`?instruction=${words}&policy=expert&autorun=1`);
  await waitForReady(page);
  await page.getByTestId('program-plan').waitFor({ timeout: 60_000 });
  await setSpeed(page, 'Infinity');
  const end = await waitForEnd(page, 300_000);
  assertEqual(end.status, 'success', `the linked program ran to success (${end.reason ?? ''})`);
  assertEqual(await page.getByTestId('program-step').count(), 2, 'two steps');
});
