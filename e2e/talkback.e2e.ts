import { assert, assertEqual, test } from './harness';
import { livePoses, setSpeed, state, waitForEnd, waitForReady, waitForStep } from './helpers';

// Talk-back (docs/interventions.md): words typed while the robot works change the plan from where it is,
// are marked on the timeline and listed, and the link replays the episode with them exactly.

test('talk-back: a typed correction mid-run changes the target, and its link replays the same trajectory', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=3&policy=expert');
  await waitForReady(page);
  // Ten steps, one at a time, then the words while paused (a run could finish while they are typed).
  for (let k = 0; k < 10; k++) {
    await page.getByTestId('step-button').click();
    await waitForStep(page, k + 1);
  }
  const input = page.getByTestId('instruction-input');
  await input.fill('actually put it on the plate');
  await input.press('Enter');
  await page.getByTestId('intervention-item').waitFor({ timeout: 30_000 });
  const goal = await page.evaluate(() => window.__vla!.state().info!.goals[0].atom);
  assertEqual(JSON.stringify(goal), JSON.stringify({ kind: 'place', cube: 'red_cube', target: 'plate' }), 'the current step now goes to the plate');
  await setSpeed(page, 'Infinity');
  await page.getByTestId('run-button').click();
  const end = await waitForEnd(page, 240_000);
  assertEqual(end.status, 'success', `the corrected goal was achieved (${end.reason ?? ''})`);
  const onPlate = await page.evaluate(() => window.__vla!.state().live!.outcome.completed);
  assertEqual(onPlate, 1, 'one goal achieved: the corrected one');
  assert((await page.getByTestId('timeline-intervention').count()) === 1, 'the correction is marked on the timeline');
  const at = new URL(page.url()).searchParams.getAll('at');
  assertEqual(at.length, 1, `the link carries the correction: ${page.url()}`);
  assertEqual(at[0], '10:actually put it on the plate', 'the link says when and what');
  const poses = await livePoses(page);
  const steps = end.step;
  await t.shot(page, 'talkback-correction');

  // The link, opened fresh, replays the episode with its correction: the same trajectory to the last step.
  const replay = await t.open(new URL(page.url()).search + '&autorun=1');
  await waitForReady(replay);
  await setSpeed(replay, 'Infinity');
  const again = await waitForEnd(replay, 240_000);
  assertEqual(again.status, 'success', 'the replay succeeds too');
  assertEqual(again.step, steps, 'the same number of steps');
  const posesAgain = await livePoses(replay);
  assertEqual(JSON.stringify(posesAgain), JSON.stringify(poses), 'the same final state, bit for bit');
  assertEqual((await state(replay)).seed, 3, 'the same seed');
});

test('talk-back: an addition extends the plan, and "stop" stops the robot', async (t) => {
  const page = await t.open('?task=goal/open_drawer&seed=4&policy=expert');
  await waitForReady(page);
  // Step by step, so a busy machine cannot finish the episode while the words are typed (the running case
  // is tests/workers/interventions.test.ts).
  for (let k = 0; k < 5; k++) {
    await page.getByTestId('step-button').click();
    await waitForStep(page, k + 1);
  }
  const input = page.getByTestId('instruction-input');
  await input.fill('then press the button');
  await input.press('Enter');
  await page.waitForFunction(() => window.__vla!.state().info!.goals.length === 2, null, { timeout: 30_000 });
  const steps = await page.getByTestId('program-step').allTextContents();
  assert(steps.length === 2 && /button/.test(steps[1]), `the plan shows the added step: ${steps.join(' | ')}`);
  for (let k = 5; k < 8; k++) {
    await page.getByTestId('step-button').click();
    await waitForStep(page, k + 1);
  }
  const before = await state(page);
  await input.fill('stop');
  await input.press('Enter');
  const end = await waitForEnd(page, 60_000);
  assertEqual(end.status, 'failure', 'stopped');
  assertEqual(end.step, before.step, 'nothing moved after "stop"');
  assert(/stopped by a person/.test(end.reason ?? ''), `the reason says who stopped it: ${end.reason}`);
  assertEqual(await page.getByTestId('intervention-item').count(), 2, 'both are listed');
  await t.shot(page, 'talkback-stop');
});

test('talk-back: the plan editor reorders and deletes remaining steps mid-run, and the run follows', async (t) => {
  const page = await t.open('?task=long/three_step&seed=2&policy=expert');
  await waitForReady(page);
  for (let k = 0; k < 5; k++) {
    await page.getByTestId('step-button').click();
    await waitForStep(page, k + 1);
  }
  const kinds = () => page.evaluate(() => window.__vla!.state().info!.goals.map((g) => (g.atom.kind === 'place' ? `${g.atom.cube}>${g.atom.target}` : g.atom.kind)));
  assertEqual(JSON.stringify(await kinds()), JSON.stringify(['red_cube>blue_bowl', 'green_cube>plate', 'press_button']), 'the task program');
  // Move "green cube on the plate" after the button.
  await page.getByTestId('program-step-down').nth(1).click();
  await page.waitForFunction(() => window.__vla!.state().interventions.length === 1, null, { timeout: 30_000 });
  assertEqual(JSON.stringify(await kinds()), JSON.stringify(['red_cube>blue_bowl', 'press_button', 'green_cube>plate']), 'reordered');
  // Delete it.
  await page.getByTestId('program-step-delete').nth(2).click();
  await page.waitForFunction(() => window.__vla!.state().interventions.length === 2, null, { timeout: 30_000 });
  assertEqual(JSON.stringify(await kinds()), JSON.stringify(['red_cube>blue_bowl', 'press_button']), 'deleted');
  await setSpeed(page, 'Infinity');
  await page.getByTestId('run-button').click();
  const end = await waitForEnd(page, 240_000);
  assertEqual(end.status, 'success', `the edited program was carried out (${end.reason ?? ''})`);
  assertEqual(new URL(page.url()).searchParams.getAll('at').length, 2, 'the link carries both edits');
  await t.shot(page, 'talkback-plan-edit');
});
