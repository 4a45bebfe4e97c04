import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../scripts/lib/browser';
import { assert, assertEqual, test, type TestContext } from './harness';
import { livePoses, setSpeed, state, statusText, waitForEnd, waitForReady, waitForStep } from './helpers';
import { heatmapAt, meanAbsDiff, policyState, scrubTo, stepDecisions, waitForModel, waitForModelReady } from './modelHelpers';

// The learned model in the browser: the policy worker, the control loop and its execution modes, the
// overlays computed from the model's outputs, and the fault paths. The shipped model's behaviour is not
// tested (it may be an interim model); its I/O, timing and the app's handling of it are.

const MODEL = 'models/vla-small/';

async function pause(page: Page): Promise<void> {
  await page.evaluate(() => window.__vla!.controller.pause());
  await page.waitForFunction(() => !window.__vla!.state().playing);
}

test('model (default policy): loads with progress, runs on WASM from a typed instruction, overlays follow each step', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=1');
  await waitForReady(page);
  const s = await waitForModelReady(page);
  assertEqual(s.phases, ['manifest', 'download', 'compile', 'warmup', 'ready'], 'load phases shown by the progress indicator');
  assertEqual(s.backend, 'wasm', 'backend without WebGPU');
  const badge = page.getByTestId('backend-badge');
  assertEqual((await badge.textContent())?.trim(), 'wasm', 'backend badge');
  const tooltip = (await page.getByTestId('model-status').getAttribute('title')) ?? '';
  assert(/CPU/.test(tooltip) && /because/.test(tooltip), `the badge's tooltip says why WebGPU is not used: "${tooltip}"`);
  assertEqual(await page.getByTestId('policy-select').inputValue(), 'model', 'the learned model is the default policy');

  // Its intent is on screen before anything moves.
  await page.waitForFunction(() => window.__vla!.state().live?.decision?.source === 'model');
  assertEqual((await state(page)).step, 0, 'the preview executes nothing');

  const input = page.getByTestId('instruction-input');
  await input.fill('put the green cube in the bowl zorblax');
  await input.press('Enter');
  await page.waitForFunction(() => window.__vla!.state().taskId === 'object/green_to_bowl');
  await waitForStep(page, 9, 90_000);
  await pause(page);
  const unknown = await page.getByTestId('unknown-word').allTextContents();
  assert(unknown.some((w) => w.startsWith('zorblax')), `"zorblax" is flagged as unknown to the model (flagged: ${unknown.join(', ')})`);

  // Chunk execution (k = 4 of 8): a prediction every 4 steps, each step executing the next action of it.
  const steps = await stepDecisions(page);
  const live = steps.length - 1;
  for (const d of steps.slice(0, live)) {
    assertEqual(d.source, 'model', `step ${d.step} decided by the model`);
    assertEqual(d.predictedAt! % 4, 0, `step ${d.step}: predictions at multiples of k`);
    assertEqual(d.offset, d.step - d.predictedAt!, `step ${d.step}: offset into its chunk`);
  }
  for (let j = 1; j <= live; j++) {
    assertEqual(steps[j].executed, steps[j - 1].firstAction, `step ${j} executed the action planned for it`);
  }

  // Every overlay comes from the step on screen: scrubbing brings back each step's outputs.
  await scrubTo(page, 0);
  const heat0 = await heatmapAt(page, 0);
  await scrubTo(page, 4);
  const heat4 = await heatmapAt(page, 4);
  assert(heat4.some((v) => v > 0), 'the heatmap is drawn');
  assert(meanAbsDiff(heat0, heat4) > 0, 'the attention heatmap differs between steps 0 and 4');
  assert(JSON.stringify(steps[0].gripperFront) !== JSON.stringify(steps[4].gripperFront), 'the predicted gripper point differs between steps');
  const panel = (await page.getByTestId('reasoning-panel').textContent()) ?? '';
  assert(panel.includes('model prediction') && panel.includes('predicted at step 4'), `the reasoning panel shows step 4's prediction: "${panel}"`);
  assert((await page.locator('[data-testid="instruction-tokens"] [data-weight]').count()) >= 6, "the instruction's words carry attention shading");

  // Layer/head, rollout and query selectors redraw the heatmap from the same step's maps.
  await page.getByTestId('attention-head').selectOption('L1H2');
  const head = await heatmapAt(page, 4, 'action/L1H2');
  assert(meanAbsDiff(head, heat4) > 0, 'one head differs from the mean');
  await page.getByTestId('attention-head').selectOption('rollout');
  await page.getByTestId('attention-query').selectOption('plan');
  const rollout = await heatmapAt(page, 4, 'plan/rollout');
  assert(meanAbsDiff(rollout, heat4) > 0, 'the plan query rollout differs from the action query mean');

  // Ground truth beside the prediction, disagreements counted.
  await page.getByTestId('gt-toggle').check();
  const diff = (await page.getByTestId('gt-disagreements').textContent()) ?? '';
  assert(/disagreement|agrees/.test(diff), `comparison with the expert: "${diff}"`);
  await t.shot(page, 'model-overlays');

  // Cached: the next visit (a reload, same browser profile) reads the model from Cache Storage.
  await page.reload({ waitUntil: 'load' });
  const s2 = await waitForModelReady(page);
  assert(s2.fromCache === true && s2.phases.includes('cache') && !s2.phases.includes('download'), `next visit from the cache (phases ${s2.phases.join(', ')})`);
});

test('model: approval mode waits for Accept or Enter; k and ACT ensembling change how chunks execute', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=2&policy=model');
  await waitForReady(page);
  await waitForModelReady(page);
  await page.getByTestId('approval-toggle').check();
  await page.getByTestId('run-button').click();
  await page.getByTestId('approval-bar').waitFor();
  await page.waitForTimeout(1500);
  let s = await state(page);
  assertEqual([s.step, s.playing], [0, true], 'running, but nothing executes before approval');
  assertEqual((await policyState(page)).awaiting, 0, 'the prediction for step 0 waits');
  await t.shot(page, 'model-approval');
  await page.getByTestId('approve-button').click();
  await page.waitForFunction(() => window.__vla!.controller.policyState().awaiting === 4, null, { timeout: 30_000 });
  await page.waitForTimeout(1000);
  assertEqual((await state(page)).step, 4, 'one approval executes k = 4 steps, then the next prediction waits');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__vla!.controller.policyState().awaiting === 8, null, { timeout: 30_000 });
  assertEqual((await state(page)).step, 8, 'Enter accepts too');
  // Reject: nothing executes, the model is asked again at step 8; then accept only the first 2 steps.
  await page.getByTestId('reject-button').click();
  await page.getByTestId('approval-item').filter({ hasText: 'rejected' }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => window.__vla!.controller.policyState().awaiting === 8, null, { timeout: 30_000 });
  await page.waitForTimeout(1000);
  assertEqual((await state(page)).step, 8, 'a rejected prediction executes nothing');
  await page.getByTestId('partial-steps').selectOption('2');
  await page.getByTestId('approve-partial').click();
  await page.waitForFunction(() => window.__vla!.controller.policyState().awaiting === 10, null, { timeout: 30_000 });
  assertEqual((await state(page)).step, 10, 'accepting the first 2 steps executes 2, then the model is asked again');
  await page.getByTestId('stop-button').click();
  await page.waitForFunction(() => !window.__vla!.state().playing);
  assertEqual((await policyState(page)).awaiting, null, 'Stop withdraws the approval request');
  // The answers are part of the record: the link carries them, and opened fresh it replays them to the
  // same state, where the next prediction waits for a person again.
  const link = new URL(page.url()).searchParams;
  assertEqual(link.getAll('ok'), ['0:a', '4:a', '8:r', '8:2'], `the link carries every answer: ${page.url()}`);
  assertEqual(link.get('approval'), '1', 'and approval mode');
  const poses10 = await livePoses(page);
  const replay = await t.open(new URL(page.url()).search + '&autorun=1');
  await waitForReady(replay);
  await waitForModelReady(replay);
  await replay.waitForFunction(() => window.__vla!.controller.policyState().awaiting === 10, null, { timeout: 60_000 });
  assertEqual((await state(replay)).step, 10, 'the replay stops where the answers end');
  assertEqual(JSON.stringify(await livePoses(replay)), JSON.stringify(poses10), 'the same state at step 10, bit for bit');
  const listed = await replay.getByTestId('approval-item').allTextContents();
  assertEqual(listed.length, 4, `the replayed answers are listed: ${listed.join(' | ')}`);
  // Accept part on the ghost path itself: clicking its second point executes two steps.
  const at = await replay.evaluate(() => {
    const p = window.__vla!.state().live!.decision!.path[1];
    return window.__vla!.project!(p);
  });
  await replay.mouse.move(at.x, at.y);
  await t.shot(replay, 'model-approval-ghost-pick');
  await replay.mouse.click(at.x, at.y);
  await replay.waitForFunction(() => window.__vla!.controller.policyState().awaiting === 12, null, { timeout: 30_000 });
  assertEqual((await state(replay)).step, 12, 'two steps executed from the picked point');
  assertEqual(new URL(replay.url()).searchParams.getAll('ok').at(-1), '10:2', 'recorded as accepting 2 steps');
  await replay.close();

  // k = 2: re-plan every two steps.
  await page.getByTestId('approval-toggle').uncheck();
  await page.getByTestId('execution-k').fill('2');
  await setSpeed(page, '2');
  await page.getByTestId('run-button').click();
  await waitForStep(page, 14, 60_000);
  await pause(page);
  let steps = await stepDecisions(page);
  const k2 = steps.filter((d) => d.step >= 8 && d.step < steps.length - 1);
  assert(k2.length >= 6, 'steps under k = 2');
  for (const d of k2) assertEqual((d.predictedAt! - 8) % 2, 0, `step ${d.step}: predicted at ${d.predictedAt} (every 2 steps from 8)`);

  // ACT temporal ensembling: a fresh prediction every step; the executed action averages the overlapping ones.
  const from = (await state(page)).step;
  await page.getByTestId('execution-mode').selectOption('ensemble');
  await page.getByTestId('execution-m').fill('0.5');
  await page.getByTestId('run-button').click();
  await waitForStep(page, from + 5, 60_000);
  await pause(page);
  s = await state(page);
  steps = await stepDecisions(page);
  const ens = steps.filter((d) => d.step >= from && d.step < s.step);
  t.log(`ensemble from ${from} to ${s.step}: ${steps.slice(Math.max(0, from - 3)).map((d) => `${d.step}@${d.predictedAt}`).join(' ')}`);
  for (const d of ens) assertEqual(d.predictedAt, d.step, `step ${d.step}: predicted at its own step`);
  const averaged = ens.slice(1).some((d) => {
    const exec = steps[d.step + 1].executed!;
    return exec.slice(0, 6).some((v, i) => Math.abs(v - d.firstAction![i]) > 1e-9);
  });
  assert(averaged, 'ensembled actions differ from the newest prediction alone');
});

test('model: a prediction in flight at a reset never reaches the new episode; text no task matches can still be given to the model', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=1&policy=model');
  await waitForReady(page);
  await waitForModelReady(page);
  await page.waitForFunction(() => !!window.__vla!.state().live?.decision);
  // Loading seed 5 starts its first inference; loading seed 6 at once makes that answer stale: the sim
  // worker's loop for seed 5 is gone when it arrives, so it is never recorded.
  await page.evaluate(async () => {
    const c = window.__vla!.controller;
    await c.setSeed(5);
    await c.setSeed(6);
  });
  await page.waitForFunction(() => window.__vla!.state().live?.decision?.source === 'model', null, { timeout: 20_000 });
  const s = await state(page);
  assertEqual([s.seed, s.step, s.records], [6, 0, 1], 'the new episode is untouched by the stale answer');
  const seen = await page.evaluate(() => window.__vla!.state().info!.seed);
  assertEqual(seen, 6, 'the episode on screen is seed 6');

  // Text that matches no task: the model may still be given it, on the task that is loaded.
  const input = page.getByTestId('instruction-input');
  await input.fill('fold the laundry');
  await input.press('Enter');
  await page.getByTestId('run-model-anyway').click();
  await waitForStep(page, 2, 60_000);
  await pause(page);
  const read = await page.evaluate(() => window.__vla!.state().info!.goals[0].instruction);
  assertEqual(read, 'fold the laundry', 'the episode carries the typed text');
  assertEqual((await state(page)).taskId, 'object/red_to_bowl', 'success is still judged by the loaded task');
  assert((await page.getByTestId('unknown-word').count()) >= 1, 'words the model does not know are flagged');
});

/** A page with the model's files replaced by `routes` before it loads. */
async function openRouted(t: TestContext, browser: Browser, routes: Record<string, (body: Buffer) => Buffer | string>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(60_000);
  for (const [file, edit] of Object.entries(routes)) {
    await page.route(`**/${MODEL}${file}`, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: edit(await res.body()) });
    });
  }
  await page.goto(`${t.url}?task=object/red_to_bowl&seed=1`, { waitUntil: 'load' });
  return page;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw manifest JSON, edited into bad variants
const editJson = (fn: (m: Record<string, any>) => void) => (body: Buffer) => {
  const m = JSON.parse(body.toString('utf8'));
  fn(m);
  return JSON.stringify(m);
};

test('model faults: a mismatched manifest, invalid JSON or a truncated model → a clear message, the expert drives', async (t) => {
  const truncate = (b: Buffer) => b.subarray(0, Math.floor(b.length / 3));
  const cases: Array<{ name: string; routes: Record<string, (b: Buffer) => Buffer | string>; expect: RegExp }> = [
    { name: 'wrong vocabulary', routes: { 'manifest.json': editJson((m) => (m.vocab.moves = [...m.vocab.moves].reverse())) }, expect: /vocab\.moves .* does not match/ },
    { name: 'invalid JSON', routes: { 'manifest.json': (b) => b.toString('utf8').slice(0, 200) }, expect: /not valid JSON/ },
    { name: 'truncated model', routes: { 'model.onnx': truncate }, expect: /bytes but the manifest says/ },
    {
      name: 'truncated model, no size in the manifest',
      routes: {
        'manifest.json': editJson((m) => {
          delete m.model_bytes;
          delete m.model_sha256;
        }),
        'model.onnx': truncate,
      },
      expect: /model file could not be loaded/,
    },
  ];
  for (const [i, c] of cases.entries()) {
    const page = await openRouted(t, t.browser, c.routes);
    try {
      await waitForReady(page);
      const s = await waitForModel(page);
      assertEqual(s.status, 'error', `${c.name}: refused`);
      assert(c.expect.test(s.error ?? ''), `${c.name}: the message names the problem: "${s.error}"`);
      assertEqual(await page.getByTestId('model-status').getAttribute('data-status'), 'error', `${c.name}: status shown`);
      const notices = (await page.getByTestId('notices').textContent()) ?? '';
      assert(notices.includes('could not be loaded') && notices.includes('expert drives'), `${c.name}: notice "${notices}"`);
      await page.waitForFunction(() => window.__vla!.state().policy === 'expert' && !window.__vla!.state().loading);
      assertEqual(await page.getByTestId('policy-select').inputValue(), 'expert', `${c.name}: fell back to the expert`);
      assert(await page.locator('[data-testid="policy-select"] option[value="model"]').isDisabled(), `${c.name}: the model cannot be chosen`);
      if (i === 0) {
        await t.shot(page, 'model-fault-manifest');
        await page.getByTestId('run-button').click();
        await waitForStep(page, 3);
        assertEqual((await state(page)).status, 'running', 'the expert runs the episode');
      }
    } finally {
      await page.close();
    }
  }
});

test('model fault: out-of-range actions are never executed; the episode stops with the reason', async (t) => {
  // A manifest whose action scale is absurd: the real model runs, and its de-normalised actions are huge.
  const page = await openRouted(t, t.browser, { 'manifest.json': editJson((m) => (m.action.std = m.action.std.map(() => 1e6))) });
  try {
    await waitForReady(page);
    await waitForModelReady(page);
    // A refused output ends the episode as its own failure (the engine's fault stop), at the step it was made.
    await page.waitForFunction(() => window.__vla!.state().live?.outcome.status === 'failure', null, { timeout: 30_000 });
    const s = await state(page);
    assertEqual([s.step, s.records], [0, 1], 'nothing was executed');
    assert(/out of range/.test(s.reason ?? ''), `reason: "${s.reason}"`);
    const status = await statusText(page);
    assert(status.includes('failure') && status.includes('out of range'), `status: "${status}"`);
    assert(await page.getByTestId('model-fault').isVisible(), 'the refused output is explained in the reasoning panel');
    await t.shot(page, 'model-fault-range');
    // Run again: the same refusal, still nothing executed.
    await page.getByTestId('run-button').click();
    await page.waitForTimeout(1500);
    await page.waitForFunction(() => window.__vla!.state().live?.outcome.status === 'failure' && !window.__vla!.state().playing, null, { timeout: 30_000 });
    assertEqual((await state(page)).records, 1, 'no action ever reached the simulator');
  } finally {
    await page.close();
  }
});

test('model fault: a crashed policy worker is detected, the episode marked, the worker restarted', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=3&policy=model');
  await waitForReady(page);
  await waitForModelReady(page);
  await page.getByTestId('execution-k').fill('1');
  await page.getByTestId('run-button').click();
  await waitForStep(page, 2, 60_000);
  // The worker closes itself without a word, as an out-of-memory kill would: only the watchdog can tell.
  await page.evaluate(() => window.__vla!.controller.model.injectCrash('close'));
  await page.waitForFunction(() => /policy worker/.test(window.__vla!.state().crash ?? ''), null, { timeout: 30_000 });
  const status = await statusText(page);
  assert(status.includes('failure') && status.includes('policy worker crashed'), `status: "${status}"`);
  assert(((await page.getByTestId('notices').textContent()) ?? '').includes('policy worker stopped'), 'a notice explains the crash');
  await t.shot(page, 'model-crash');
  await page.waitForFunction(() => {
    const p = window.__vla!.controller.policyState();
    return p.status === 'ready' && p.restarts === 1;
  }, null, { timeout: 90_000 });
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => !window.__vla!.state().crash && (window.__vla!.state().live?.step ?? 0) >= 2, null, { timeout: 60_000 });
  await pause(page);
  t.errors.length = 0;
});

test('model on WebGPU: the badge says webgpu, outputs match WASM within 1e-3, a lost device falls back to WASM', async (t) => {
  const browser = await launchBrowser({ webgpu: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}?task=object/red_to_bowl&seed=1`, { waitUntil: 'load' });
    await waitForReady(page);
    const s = await waitForModelReady(page, 240_000);
    assertEqual(s.backend, 'webgpu', `backend (note: ${s.backendNote})`);
    assertEqual((await page.getByTestId('backend-badge').textContent())?.trim(), 'webgpu', 'badge');
    await page.waitForFunction(() => !!window.__vla!.state().live?.decision, null, { timeout: 120_000 });
    assertEqual((await stepDecisions(page))[0].backend, 'webgpu', 'the preview ran on WebGPU');
    // The same observation through both backends (SwiftShader WebGPU is slow: one inference each).
    const cmp = await page.evaluate(() => window.__vla!.controller.compareBackends());
    assert(cmp, 'comparison ran');
    const worst = Math.max(...Object.values(cmp.maxAbsDiff), cmp.actionMaxAbsDiff);
    t.log(`WebGPU vs WASM max |diff| ${worst.toExponential(2)} (actions ${cmp.actionMaxAbsDiff.toExponential(2)}); one inference ${cmp.ms.webgpu.toFixed(0)} ms WebGPU (SwiftShader, software) vs ${cmp.ms.wasm.toFixed(0)} ms WASM`);
    for (const [name, d] of Object.entries(cmp.maxAbsDiff)) assert(d <= 1e-3, `${name}: WebGPU and WASM differ by ${d}`);
    assert(cmp.actionMaxAbsDiff <= 1e-3, 'executed actions agree');

    // Device lost (as a driver reset would do it): the worker carries on with WASM and says so.
    assert(await page.evaluate(() => window.__vla!.controller.model.loseDevice()), 'device destroyed');
    await page.waitForFunction(() => window.__vla!.controller.policyState().backend === 'wasm', null, { timeout: 60_000 });
    assertEqual((await page.getByTestId('backend-badge').textContent())?.trim(), 'wasm', 'badge after the loss');
    const notices = (await page.getByTestId('notices').textContent()) ?? '';
    assert(/device was lost/.test(notices) && /WASM/.test(notices), `notice: "${notices}"`);
    await page.evaluate(async () => {
      const c = window.__vla!.controller;
      c.setExecution({ k: 1 });
      await c.step();
    });
    await page.waitForFunction(() => !!window.__vla!.controller.records[1]?.decision, null, { timeout: 60_000 });
    assertEqual((await stepDecisions(page))[1].backend, 'wasm', 'the next prediction ran on WASM');
    await t.shot(page, 'model-webgpu-lost');
    assertEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
  }
}, 420_000);

test('model: an open program (two steps no task has) is read step by step and carried out by the learned model', async (t) => {
  const page = await t.open('?task=object/red_to_bowl&seed=3&policy=model');
  await waitForReady(page);
  await waitForModelReady(page);
  await setSpeed(page, 'Infinity');
  const input = page.getByTestId('instruction-input');
  await input.fill('put the green cube on the plate and then press the button');
  await input.press('Enter');
  await page.getByTestId('program-plan').waitFor();
  const reads = await page.locator('.program-step-reads').allTextContents();
  assertEqual(reads.length, 2, `the page says what the policy reads for each step (${reads.join(' | ')})`);
  const end = await waitForEnd(page, 300_000);
  assertEqual(end.status, 'success', `the model carried out both steps (${end.reason ?? ''})`);
  const done = await page.evaluate(() => window.__vla!.state().live!.outcome.completed);
  assertEqual(done, 2, 'both goals achieved, in order');
  await t.shot(page, 'model-open-program');
});
