import { assert, test } from './harness';
import { waitForReady } from './helpers';

// Long soak (docs/faults.md): 200 expert episodes in one page at the fastest speed. Memory on the main
// thread and the number of live workers must stay bounded: every episode's records, pixels and plans are
// dropped with it. The figures are written to the test log.

const EPISODES = Number(process.env.SOAK_EPISODES ?? 200);

declare global {
  interface Window {
    __liveWorkers?: number;
  }
}

test(`soak: ${EPISODES} episodes in one page keep memory and worker count bounded`, async (t) => {
  // A small window at low render quality: what is measured is what episodes leave behind, not drawing.
  const page = await t.browser.newPage({ viewport: { width: 640, height: 480 } });
  page.setDefaultTimeout(120_000);
  // Count live workers: made minus terminated (a worker that closes itself counts until replaced).
  await page.addInitScript(() => {
    window.__liveWorkers = 0;
    const W = window.Worker;
    window.Worker = class extends W {
      constructor(url: string | URL, opts?: WorkerOptions) {
        super(url, opts);
        window.__liveWorkers! += 1;
      }
      terminate() {
        window.__liveWorkers! -= 1;
        super.terminate();
      }
    };
  });
  await page.goto(`${t.url}?task=goal/press_button&seed=1000000&policy=expert&quality=low`, { waitUntil: 'load' });
  await waitForReady(page);
  const cdp = await page.context().newCDPSession(page);
  const heapMb = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return h.usedSize / 1e6;
  };
  await page.evaluate(() => window.__vla!.controller.setSpeed(Infinity));
  const samples: Array<{ episode: number; heapMb: number; workers: number }> = [];
  let successes = 0;
  for (let i = 0; i < EPISODES; i++) {
    const done = await page.evaluate(async (seed) => {
      const c = window.__vla!.controller;
      await c.setSeed(seed);
      await c.run();
      const t0 = performance.now();
      while (!['done', 'faulted'].includes(window.__vla!.state().run) && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
      return window.__vla!.state().live?.outcome.status ?? 'none';
    }, 1_000_000 + i);
    if (done === 'success') successes += 1;
    if (i === 19 || i === EPISODES - 1 || (i + 1) % 50 === 0) {
      samples.push({ episode: i + 1, heapMb: Math.round((await heapMb()) * 10) / 10, workers: await page.evaluate(() => window.__liveWorkers!) });
    }
  }
  const first = samples[0];
  const last = samples.at(-1)!;
  t.log(`${EPISODES} episodes, ${successes} successes; main-thread heap ${samples.map((s) => `${s.heapMb} MB @${s.episode}`).join(', ')}; live workers ${last.workers}`);
  assert(successes >= EPISODES * 0.95, `the expert succeeded in ${successes} of ${EPISODES}`);
  assert(last.heapMb - first.heapMb < 10, `main-thread heap grew ${(last.heapMb - first.heapMb).toFixed(1)} MB from episode ${first.episode} to ${last.episode}`);
  assert(last.workers === 2, `live workers after the soak: ${last.workers} (sim + policy)`);
  await page.close();
}, 1_800_000);
