import { assert, assertEqual, test } from './harness';
import { setSpeed, waitForEnd, waitForReady } from './helpers';

// The robustness axes in the app (docs/robustness.md): a link carries them, the panel shows and changes
// them, the shove is marked on the timeline, and the link of what is on screen keeps them.

test('robustness: a link with &perturb= runs the perturbed episode, marks the shove, and keeps it in the link', async (t) => {
  const page = await t.open('?task=object/green_to_bowl&seed=1000060&policy=expert&perturb=push:2,lighting:3&autorun=1');
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  const summary = await page.getByTestId('perturbation-summary').textContent();
  assertEqual(summary, 'lighting:3, push:2', 'the panel names the axes in force');
  const end = await waitForEnd(page, 240_000);
  assertEqual(end.status, 'success', `the expert still succeeds under a level-2 push (${end.reason ?? ''})`);
  const info = await page.evaluate(() => window.__vla!.state().info!.perturb);
  assertEqual(info.settings, 'lighting:3,push:2', 'the sim worker applied both axes');
  assert(info.schedule.some((e: { label: string }) => e.label.startsWith('push:')), `the shove is planned: ${JSON.stringify(info.schedule)}`);
  assert((await page.getByTestId('timeline-perturbation').count()) >= 1, 'the shove is marked on the timeline');
  assertEqual(new URL(page.url()).searchParams.get('perturb'), 'lighting:3,push:2', 'the link carries the axes');
  await t.shot(page, 'robustness-link');
});

test('robustness: the panel applies an axis to the episode on screen, and a malformed link value is reported and runs unperturbed', async (t) => {
  const page = await t.open('?task=goal/press_button&seed=5&policy=expert&perturb=wind:9');
  await waitForReady(page);
  assertEqual(await page.getByTestId('perturbation-summary').textContent(), 'none', 'a malformed value runs unperturbed');
  assert(/unknown perturbation "wind"/.test((await page.getByTestId('notices').textContent()) ?? ''), 'the link problem is shown');
  await page.getByTestId('perturbation-panel').locator('summary').click();
  await page.getByTestId('perturb-robot_init').selectOption('3');
  await page.getByTestId('perturb-apply').click();
  await page.waitForFunction(() => window.__vla!.state().info?.perturb.settings === 'robot_init:3', null, { timeout: 60_000 });
  const events = await page.getByTestId('perturbation-events').textContent();
  assert(/robot_init: joints offset/.test(events ?? ''), `the panel lists what the axis did: ${events}`);
  assertEqual(new URL(page.url()).searchParams.get('perturb'), 'robot_init:3', 'the link follows the panel');
});
