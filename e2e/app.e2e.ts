import type { Page } from 'playwright-core';
import { assert, assertEqual, test } from './harness';
import { livePoses, setSpeed, state, statusText, waitForEnd, waitForReady, waitForStep } from './helpers';

// The playground, driven through its controls in Debian Chromium against the built app, with the scripted
// expert (policy=expert in every link). The learned model's tests are in model.e2e.ts.

const TEST_IDS = [
  'instruction-input', 'run-button', 'step-button', 'pause-button', 'reset-button', 'task-select', 'seed-input',
  'episode-status', 'reasoning-panel', 'trajectory-toggle', 'timeline', 'policy-select',
];

/** The policy camera's RGB pixels as shown (the 64x64 canvas), for comparing views. */
async function cameraPixels(page: Page, cam: 'front' | 'wrist'): Promise<number[]> {
  return page.evaluate((c) => {
    const canvas = document.querySelector(`[data-testid="camera-${c}"] canvas.camera-pixels`) as HTMLCanvasElement;
    const g = canvas.getContext('2d')!;
    return Array.from(g.getImageData(0, 0, canvas.width, canvas.height).data);
  }, cam);
}

function meanAbsDiff(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** The main 3D view as an image, after the on-demand renderer has had time to draw the latest state. */
async function sceneImage(page: Page): Promise<Buffer> {
  await page.waitForTimeout(1200);
  return page.locator('[data-testid="scene-view"] canvas').screenshot();
}

test('loads: every control is there, the simulator starts idle and the cameras render', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=1&policy=expert');
  await waitForReady(page);
  for (const id of TEST_IDS) assert((await page.getByTestId(id).count()) === 1, `missing data-testid="${id}"`);
  assert((await statusText(page)).includes('idle'), `status should be idle, is "${await statusText(page)}"`);
  assertEqual(await page.getByTestId('task-select').inputValue(), 'object/red_to_bowl', 'task-select');
  assertEqual(await page.getByTestId('seed-input').inputValue(), '1', 'seed-input');
  const instruction = await page.getByTestId('instruction-input').inputValue();
  assert(/red/.test(instruction), `the instruction box shows the episode's instruction, got "${instruction}"`);
  // The link asked for the expert; the learned model stays selectable beside it.
  assertEqual(await page.getByTestId('policy-select').inputValue(), 'expert', 'policy-select');
  assertEqual(await page.locator('[data-testid="policy-select"] option').count(), 2, 'two policies to choose from');
  // The policy cameras are real renders: many distinct colours, not a blank canvas.
  await page.waitForTimeout(1000);
  for (const cam of ['front', 'wrist'] as const) {
    const px = await cameraPixels(page, cam);
    const colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    assert(colours.size > 50, `${cam} camera looks blank (${colours.size} colours)`);
  }
  const plan = await page.getByTestId('reasoning-panel').textContent();
  assert(plan?.includes('pick up the red cube'), `reasoning panel shows the plan, got "${plan}"`);
  // The plan for the next step is published before anything executes.
  const pathLen = await page.evaluate(() => window.__vla!.state().live!.decision?.path.length ?? 0);
  assert(pathLen > 0, 'the expert decision (ghost path) is published at step 0');
  await t.shot(page, 'load');
});

test('runs an episode to success with the expert', async (t) => {
  const page = await t.open('?task=object/green_to_bowl&seed=2&policy=expert');
  await waitForReady(page);
  // Real time: at full speed a fast machine can finish before the status is read.
  await setSpeed(page, '1');
  await page.getByTestId('run-button').click();
  await waitForStep(page, 3);
  assert((await statusText(page)).includes('running'), `status while running: "${await statusText(page)}"`);
  await setSpeed(page, 'Infinity');
  await t.shot(page, 'running');
  const end = await waitForEnd(page);
  assertEqual(end.status, 'success', `outcome (reason: ${end.reason})`);
  assert((await statusText(page)).includes('success'), 'status says success');
  assert(await page.getByTestId('outcome-banner').isVisible(), 'success banner is shown');
  assertEqual(await page.getByTestId('timeline').getAttribute('max'), String(end.step), 'timeline spans every recorded step');
  // Every executed action is the first row of the plan that was on screen at the step before.
  const consistent = await page.evaluate(() => {
    const r = window.__vla!.controller.records;
    return r.every((rec, k) => k === 0 || JSON.stringify(rec.action) === JSON.stringify(r[k - 1].decision!.actions[0]));
  });
  assert(consistent, 'each step executed the plan published before it');
  await t.shot(page, 'success');
});

test('step runs exactly one control step; pause stops a running episode', async (t) => {
  const page = await t.open('?task=goal/open_drawer&seed=4&policy=expert');
  await waitForReady(page);
  await page.getByTestId('step-button').click();
  await page.waitForFunction(() => window.__vla!.state().live?.step === 1);
  await page.getByTestId('step-button').click();
  await page.waitForFunction(() => window.__vla!.state().live?.step === 2);
  await page.waitForTimeout(500);
  assertEqual((await state(page)).step, 2, 'two clicks, two steps');
  assert((await statusText(page)).startsWith('paused'), `stepping leaves the episode paused: "${await statusText(page)}"`);

  // A five-instruction chain at quarter speed runs for minutes: however busy the machine, the episode is
  // still going when the pause lands, so what is asserted is the pause, not how fast anything ran.
  await page.getByTestId('task-select').selectOption('chains/five');
  await page.waitForFunction(() => window.__vla!.state().taskId === 'chains/five' && window.__vla!.state().run === 'idle');
  await setSpeed(page, '0.25');
  await page.getByTestId('run-button').click();
  await waitForStep(page, 4);
  await page.getByTestId('pause-button').click();
  await page.waitForFunction(() => !window.__vla!.state().playing);
  const paused = (await state(page)).step;
  await page.waitForTimeout(1500);
  const later = await state(page);
  assertEqual(later.step, paused, 'no steps after pause');
  assertEqual(later.status, 'running', 'the episode itself is not over');
  // The word says paused, not idle: the episode is under way and nothing moves (issue #17's defect).
  assert((await statusText(page)).startsWith('paused'), `paused status: "${await statusText(page)}"`);
  await t.shot(page, 'paused');
});

test('reset returns to the initial state of the seed', async (t) => {
  const page = await t.open('?task=spatial/left_cube_to_bowl&seed=5&policy=expert');
  await waitForReady(page);
  const initial = await livePoses(page);
  for (let i = 0; i < 5; i++) await page.getByTestId('step-button').click();
  await page.waitForFunction(() => window.__vla!.state().live?.step === 5);
  await page.getByTestId('reset-button').click();
  await page.waitForFunction(() => window.__vla!.state().live?.step === 0 && !window.__vla!.state().loading);
  assertEqual(await livePoses(page), initial, 'poses after reset');
  assertEqual(await page.getByTestId('timeline').getAttribute('max'), '0', 'timeline cleared');
  assert((await statusText(page)).includes('idle'), 'idle after reset');
});

test('keyboard: space runs and pauses, → steps, r resets; typing does not trigger them', async (t) => {
  const page = await t.open('?task=goal/press_button&seed=6&policy=expert');
  await waitForReady(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.__vla!.state().live?.step === 1);
  await setSpeed(page, '0.5');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.__vla!.state().playing);
  await waitForStep(page, 3);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !window.__vla!.state().playing);
  await page.keyboard.press('r');
  await page.waitForFunction(() => window.__vla!.state().live?.step === 0 && !window.__vla!.state().loading);
  // Keys typed into the instruction box are text, not shortcuts.
  await page.getByTestId('instruction-input').fill('');
  await page.getByTestId('instruction-input').type('r r');
  await page.waitForTimeout(500);
  const s = await state(page);
  assertEqual([s.step, s.playing], [0, false], 'typing does not step, run or reset');
});

test('timeline: scrubbing shows each recorded step exactly; resume branches from it', async (t) => {
  const page = await t.open('?task=object/blue_to_bowl&seed=3&policy=expert');
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  await page.getByTestId('run-button').click();
  const end = await waitForEnd(page);
  assertEqual(end.status, 'success', 'episode outcome');
  const finalScene = await sceneImage(page);
  const finalCam = await cameraPixels(page, 'wrist');

  await page.getByTestId('timeline').fill('5');
  await page.waitForFunction(() => window.__vla!.state().view?.step === 5);
  const s5 = await state(page);
  assertEqual(s5.cursor, 5, 'cursor at step 5');
  const panel = await page.getByTestId('reasoning-panel').textContent();
  assert(panel?.includes('replay · step 5'), 'reasoning panel says it shows a replayed step');
  const scene5 = await sceneImage(page);
  assert(!scene5.equals(finalScene), 'the scene changes when scrubbing');
  const cam5 = await cameraPixels(page, 'wrist');
  assert(meanAbsDiff(cam5, finalCam) > 2, 'the camera views change when scrubbing');
  await t.shot(page, 'timeline-step5');
  // The recorded decision of step 5 is what the panel shows.
  const move5 = await page.evaluate(() => window.__vla!.controller.records[5].decision!.reasoning.move);
  assert((await page.getByTestId('move').textContent())?.includes(move5), 'move of step 5 is shown');

  // Back to the end: the same pixels as before (frames are recorded snapshots, replay is exact).
  await page.getByTestId('timeline').fill(String(end.step));
  await page.waitForFunction((n) => window.__vla!.state().view?.step === n, end.step);
  assert((await sceneImage(page)).equals(finalScene), 'scrubbing back to the last step shows the identical scene');
  assertEqual(await cameraPixels(page, 'wrist'), finalCam, 'identical camera pixels at the last step');

  // Branch from step 5 and run on: the episode continues from there and succeeds again.
  await page.getByTestId('timeline').fill('5');
  await page.getByTestId('resume-here').click();
  await page.waitForFunction(() => window.__vla!.state().recordCount === 6 && window.__vla!.state().cursor === null);
  await page.getByTestId('run-button').click();
  const again = await waitForEnd(page);
  assertEqual([again.status, again.step], ['success', end.step], 'resumed run ends as the original did');
});

test('bad instruction: a clear message with understood and unknown words and 3 closest tasks', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=0&policy=expert');
  await waitForReady(page);
  const input = page.getByTestId('instruction-input');
  await input.fill('put the purple blorp in the bowl');
  await input.press('Enter');
  const feedback = page.getByTestId('instruction-feedback');
  await feedback.waitFor();
  const text = (await feedback.textContent()) ?? '';
  // Neither a named task nor a program: the parser says what cannot be done here, and why.
  assert(/no purple cube/i.test(text), `message says why it cannot be done: "${text}"`);
  assert(text.includes('blorp'), 'names the word it did not understand');
  assert((await feedback.locator('.chip.known').count()) >= 3, 'lists understood words');
  assertEqual(await page.getByTestId('instruction-suggestion').count(), 3, 'three suggestions');
  assertEqual((await state(page)).taskId, 'object/red_to_bowl', 'task unchanged');
  assert(!(await state(page)).playing, 'nothing runs');
  await t.shot(page, 'bad-instruction');
  const suggestion = page.getByTestId('instruction-suggestion').first();
  const title = (await suggestion.locator('.suggestion-title').textContent()) ?? '';
  await suggestion.click();
  await page.waitForFunction(() => !window.__vla!.state().loading);
  const chosen = await page.getByTestId('task-select').locator('option:checked').textContent();
  assertEqual(chosen, title, 'the suggestion loads its task');
  // Nonsense never crashes and still offers tasks.
  await input.fill('🙂 ### ;;; <script>alert(1)</script>');
  await input.press('Enter');
  await feedback.waitFor();
  assertEqual(await page.getByTestId('instruction-suggestion').count(), 3, 'suggestions even for nonsense');
  assertEqual(t.errors, [], 'no page errors');
});

test('typed instruction: matched to a task, run by the expert, kept in the link', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=8&policy=expert');
  await waitForReady(page);
  await setSpeed(page, 'Infinity');
  const input = page.getByTestId('instruction-input');
  await input.fill('grab the yellow block and drop it into the bowl');
  await input.press('Enter');
  await page.waitForFunction(() => window.__vla!.state().taskId === 'object/yellow_to_bowl');
  const end = await waitForEnd(page);
  assertEqual(end.status, 'success', `outcome (reason: ${end.reason})`);
  const url = new URL(page.url());
  assertEqual(url.searchParams.get('task'), 'object/yellow_to_bowl', 'task in the URL');
  assertEqual(url.searchParams.get('instruction'), 'grab the yellow block and drop it into the bowl', 'instruction in the URL');
  const goal = await page.evaluate(() => window.__vla!.state().info!.goals[0].instruction);
  assertEqual(goal, 'grab the yellow block and drop it into the bowl', 'the typed instruction is the episode instruction');
});

test('URL parameters reproduce an episode; the URL follows task and seed changes', async (t) => {
  const query = '?task=goal/stack_blue_on_yellow&seed=7&policy=expert&autorun=1';
  const runs: Array<{ step: number; status: string; poses: number[] }> = [];
  for (let i = 0; i < 2; i++) {
    const page = await t.open(query);
    await waitForReady(page);
    await page.waitForFunction(() => window.__vla!.state().playing || window.__vla!.state().live!.step > 0, null, { timeout: 30_000 });
    const end = await waitForEnd(page);
    runs.push({ step: end.step, status: end.status, poses: await livePoses(page) });
    if (i === 1) await t.shot(page, 'url-reproduction');
    await page.close();
  }
  assertEqual([runs[1].step, runs[1].status], [runs[0].step, runs[0].status], 'same step count and outcome');
  assertEqual(runs[1].poses, runs[0].poses, 'identical final state');

  const page = await t.open('?task=goal/press_button&seed=3&policy=expert');
  await waitForReady(page);
  await page.getByTestId('seed-input').fill('12');
  await page.getByTestId('seed-input').press('Enter');
  await page.waitForFunction(() => window.__vla!.state().seed === 12 && !window.__vla!.state().loading);
  await page.getByTestId('task-select').selectOption('goal/close_drawer');
  await page.waitForFunction(() => window.__vla!.state().taskId === 'goal/close_drawer' && !window.__vla!.state().loading);
  const url = new URL(page.url());
  assertEqual([url.searchParams.get('task'), url.searchParams.get('seed')], ['goal/close_drawer', '12'], 'URL follows the choices');
  // A bad seed is refused, not run.
  await page.getByTestId('seed-input').fill('-3x');
  await page.getByTestId('seed-input').press('Enter');
  assertEqual((await state(page)).seed, 12, 'invalid seed ignored');
});

test('drag to perturb: a spring force moves an object mid-episode', async (t) => {
  // A long task, so the episode is still running while the drag acts; the dragged cube is not part of it.
  // Stepped, not run in real time: the drag acts for exactly the steps taken, however busy the machine is.
  const page = await t.open('?task=long/three_step&seed=9&policy=expert');
  await waitForReady(page);
  for (let i = 1; i <= 2; i++) {
    await page.getByTestId('step-button').click();
    await page.waitForFunction((n) => window.__vla!.state().live?.step === n, i);
  }
  const name = 'blue_cube';
  const before = await page.evaluate((n) => window.__vla!.controller.bodyPosition(n), name);
  assert(before, 'cube position');
  const start = await page.evaluate((p) => window.__vla!.controller.screenPoint!(p), before);
  const goal = await page.evaluate((p) => window.__vla!.controller.screenPoint!([p[0], p[1] + 0.12, p[2]]), before);
  await page.mouse.move(start[0], start[1]);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(start[0] + ((goal[0] - start[0]) * i) / 8, start[1] + ((goal[1] - start[1]) * i) / 8);
  const dragging = await page.evaluate(() => window.__vla!.controller.drag !== null);
  assert(dragging, 'pointer down on the cube starts a drag');
  const stepAtGrab = (await state(page)).step;
  for (let i = 1; i <= 8; i++) await page.evaluate(() => window.__vla!.controller.step());
  await page.waitForFunction((n) => window.__vla!.state().live?.step === n, stepAtGrab + 8);
  await t.shot(page, 'drag');
  await page.mouse.up();
  const after = await page.evaluate((n) => window.__vla!.controller.bodyPosition(n), name);
  const moved = Math.hypot(after![0] - before[0], after![1] - before[1]);
  assert(moved > 0.04, `the cube moved ${moved.toFixed(3)} m towards the pointer`);
  const perturbed = await page.evaluate(() => window.__vla!.controller.records.filter((r) => r.perturbed).length);
  assert(perturbed > 0, 'steps under the drag are marked perturbed');
});

test('a crashed simulator worker is reported, restarted, and the app keeps working', async (t) => {
  const page = await t.open('?task=goal/press_button&seed=1&policy=expert');
  await waitForReady(page);
  await setSpeed(page, '0.5');
  await page.getByTestId('run-button').click();
  await waitForStep(page, 2);
  await page.evaluate(() => window.__vla!.controller.injectCrash());
  await page.waitForFunction(() => !!window.__vla!.state().crash, null, { timeout: 20_000 });
  const status = await statusText(page);
  assert(status.includes('failure') && status.includes('simulator crashed'), `status after crash: "${status}"`);
  assert((await page.getByTestId('notices').textContent())?.includes('simulator stopped'), 'a message explains the crash');
  await t.shot(page, 'crash');
  await page.getByTestId('reset-button').click();
  await page.waitForFunction(() => !window.__vla!.state().crash && window.__vla!.state().live?.step === 0 && !window.__vla!.state().loading, null, { timeout: 60_000 });
  await page.getByTestId('step-button').click();
  await page.waitForFunction(() => window.__vla!.state().live?.step === 1);
  t.errors.length = 0; // the injected crash is expected to log an error
});

test('chains: all five instructions listed, completed ones ticked', async (t) => {
  const page = await t.open('?task=chains/five&seed=2&policy=expert');
  await waitForReady(page);
  assertEqual(await page.locator('[data-testid="goal-list"] li').count(), 5, 'five goals');
  await setSpeed(page, 'Infinity');
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => (window.__vla!.state().live?.outcome.completed ?? 0) >= 1, null, { timeout: 120_000, polling: 250 });
  await page.evaluate(() => window.__vla!.controller.pause());
  await page.waitForFunction(() => !window.__vla!.state().playing);
  const done = await page.locator('[data-testid="goal-list"] li.done').count();
  assert(done >= 1, 'a completed goal is ticked');
  await t.shot(page, 'chain');
});

test('frame rate while an episode runs (measured, reported)', async (t) => {
  const page = await t.open('?task=long/red_bowl_then_button&seed=1&policy=expert');
  await waitForReady(page);
  await page.waitForTimeout(1500);
  await page.evaluate(() => window.__vla!.frameStats.reset());
  const t0 = Date.now();
  await page.getByTestId('run-button').click();
  // A measurement, not a speed test: however slow a busy machine runs, it waits for the steps and reports.
  await waitForStep(page, 30, 900_000);
  const wall = (Date.now() - t0) / 1000;
  const fps = await page.evaluate(() => window.__vla!.frameStats.summary());
  const quality = await page.getByTestId('scene-view').getAttribute('data-quality');
  t.log(`render quality ${quality}; main-thread frame time p50 ${fps.p50.toFixed(1)} ms, p95 ${fps.p95.toFixed(1)} ms over ${fps.frames} frames; 30 control steps in ${wall.toFixed(1)} s (${(30 / wall).toFixed(1)} steps/s at 1x = 10 Hz nominal)`);
  assert(fps.frames > 0, 'frames were drawn while running');
});

test('a link with an instruction alone picks the task; one that matches nothing explains why', async (t) => {
  let page = await t.open('?instruction=' + encodeURIComponent('press the button') + '&seed=2&policy=expert');
  await waitForReady(page);
  assertEqual((await state(page)).taskId, 'goal/press_button', 'task chosen from the instruction');
  await page.close();
  page = await t.open('?instruction=' + encodeURIComponent('fold the laundry') + '&autorun=1&policy=expert');
  await waitForReady(page);
  await page.getByTestId('instruction-feedback').waitFor();
  assertEqual(await page.getByTestId('instruction-input').inputValue(), 'fold the laundry', 'the instruction stays in the box');
  assertEqual(await page.getByTestId('instruction-suggestion').count(), 3, 'suggestions');
  await page.waitForTimeout(1000);
  const s = await state(page);
  assertEqual([s.playing, s.step], [false, 0], 'autorun does not run an instruction that matched nothing');
  // Run with that text in the box shows the message again instead of running something else.
  await page.getByTestId('run-button').click();
  await page.waitForTimeout(800);
  assertEqual((await state(page)).step, 0, 'still nothing runs');
});
