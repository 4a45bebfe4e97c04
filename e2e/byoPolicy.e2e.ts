import { tinyPolicyFiles } from '../scripts/lib/tinyPolicy';
import { assert, assertEqual, test } from './harness';
import { state, waitForReady, waitForStep } from './helpers';
import { stepDecisions, waitForModelReady } from './modelHelpers';

// Bring your own policy (docs/byo-policy.md): a tiny action-only model, built here and served at a
// routed folder, opened with ?model=. It drives the arm; every overlay it has no output for says so.

const FOLDER = 'byo-models/tiny/';

test('byo policy: ?model= loads an action-only model; the views say what it lacks, Step executes its actions, the ghost path shows', async (t) => {
  const { model, manifest } = tinyPolicyFiles();
  const page = await t.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => t.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') t.errors.push(m.text());
  });
  await page.route(`**/${FOLDER}manifest.json`, (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify(manifest) }));
  await page.route(`**/${FOLDER}model.onnx`, (r) => r.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(model) }));
  await page.goto(`${t.url}?task=object/red_to_bowl&seed=1&model=${encodeURIComponent(FOLDER)}`, { waitUntil: 'load' });
  await waitForReady(page);
  await waitForModelReady(page);
  assertEqual((await page.getByTestId('model-name').textContent())?.trim(), 'tiny-action-only', 'the header names the model');
  assertEqual(new URL(page.url()).searchParams.get('model'), FOLDER, 'the link keeps the model');

  await page.waitForFunction(() => window.__vla!.state().live?.decision?.source === 'model', null, { timeout: 30_000 });
  const panel = (await page.getByTestId('reasoning-panel').textContent()) ?? '';
  assert(panel.includes('this model has no reasoning outputs'), `the reasoning panel says so: "${panel}"`);
  assert(((await page.getByTestId('no-attention').textContent()) ?? '').includes('no attention output'), 'the attention controls say there is none');
  assert(((await page.getByTestId('overlay-note').textContent()) ?? '').includes('gripper points or object boxes'), 'points and boxes are hidden with a note');
  const path = await page.evaluate(() => window.__vla!.state().live!.decision?.path.length ?? 0);
  assertEqual(path, 8, 'the ghost path of the predicted chunk is published');

  for (let i = 0; i < 3; i++) await page.getByTestId('step-button').click();
  await waitForStep(page, 3, 30_000);
  const steps = await stepDecisions(page);
  for (let j = 1; j <= 3; j++) assertEqual(steps[j].executed, steps[j - 1].firstAction, `step ${j} executed the model's action`);
  assert(steps[0].firstAction![0] > 0.002 && steps[0].firstAction![6] === -1, `the tiny model's action: ${JSON.stringify(steps[0].firstAction)}`);
  assertEqual((await state(page)).step, 3, 'three steps executed');
  await t.shot(page, 'byo-policy');
  assertEqual(t.errors, [], 'nothing throws');
  await page.close();
});

test('byo policy: ?model= on another origin (CORS) loads under the built app\'s Content-Security-Policy', async (t) => {
  const { model, manifest } = tinyPolicyFiles();
  // The same server under its other name is another origin: localhost and 127.0.0.1 differ.
  const other = new URL(t.url);
  other.hostname = other.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const folder = new URL('elsewhere/tiny/', other).href;
  const page = await t.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => t.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') t.errors.push(m.text());
  });
  const cors = { 'Access-Control-Allow-Origin': '*' };
  await page.route(`${folder}manifest.json`, (r) => r.fulfill({ headers: cors, contentType: 'application/json', body: JSON.stringify(manifest) }));
  await page.route(`${folder}model.onnx`, (r) => r.fulfill({ headers: cors, contentType: 'application/octet-stream', body: Buffer.from(model) }));
  await page.goto(`${t.url}?task=object/red_to_bowl&seed=1&model=${encodeURIComponent(folder)}`, { waitUntil: 'load' });
  await waitForReady(page);
  await waitForModelReady(page);
  assertEqual((await page.getByTestId('model-name').textContent())?.trim(), 'tiny-action-only', `the model from ${other.origin} is loaded`);
  await page.waitForFunction(() => window.__vla!.state().live?.decision?.source === 'model', null, { timeout: 30_000 });
  await page.close();
});
