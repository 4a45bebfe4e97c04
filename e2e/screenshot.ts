import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { launchBrowser, startServer } from '../scripts/lib/browser';

// The README screenshot (docs/screenshot.png, 1440x900): the learned model driving a long task, stepped a
// few control steps so its next prediction is on screen before it executes — ghost path and gripper, camera
// overlays with the attention heatmap, the words it read, and its reasoning beside the expert's. Renders at
// high quality even on a software rasteriser (slow, but once).
//   node --import tsx e2e/screenshot.ts [--out docs/screenshot.png] [--query "?task=…&seed=…&policy=…"] [--steps N] [--no-gt]

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dist = resolve(process.env.E2E_DIST ?? join(root, 'dist'));
const out = resolve(root, arg('out', 'docs/screenshot.png'));
const query = arg('query', '?task=long/red_plate_blue_bowl&seed=3&policy=model');
const steps = Number(arg('steps', '6'));
const groundTruth = !args.includes('--no-gt');
const port = Number(process.env.E2E_PORT ?? 4371);

if (!existsSync(join(dist, 'index.html'))) {
  execFileSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });
}
const server = await startServer(dist, port);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(120_000);
  await page.goto(`${server.url}${query}${query.includes('?') ? '&' : '?'}quality=high`, { waitUntil: 'load' });
  await page.waitForFunction(() => !!window.__vla?.state().live && !window.__vla.state().loading, null, { timeout: 120_000 });
  const model = query.includes('policy=model') || !query.includes('policy=');
  if (model) {
    await page.waitForFunction(() => ['ready', 'error'].includes(window.__vla!.controller.policyState().status), null, { timeout: 180_000 });
    await page.waitForFunction(() => !!window.__vla!.state().live?.decision || !!window.__vla!.state().crash, null, { timeout: 60_000 });
  }
  for (let i = 0; i < steps; i++) await page.evaluate(() => window.__vla!.controller.step());
  if (model) {
    await page.waitForFunction(() => !!window.__vla!.state().live?.decision, null, { timeout: 60_000 });
    if (groundTruth) await page.getByTestId('gt-toggle').check();
  }
  // Let the on-demand renderer finish the last frame (seconds per frame on SwiftShader at high quality).
  await page.waitForTimeout(8000);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out} (${query}, ${steps} steps)`);
} finally {
  await browser.close();
  await server.close();
}
