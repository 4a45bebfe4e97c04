import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, startServer } from '../lib/browser';
import { ensureBuilt } from '../lib/build';
import { round, type BenchSection } from './section';

// Cross-thread messages per executed step while the learned model drives (chunk:4, the default): the
// main thread's channels are counted by wrapping postMessage and the message listeners of every Worker
// and MessagePort in the page before the app starts. The sim worker's line to the policy worker does not
// pass through the main thread; it carries one Comlink call per prediction (a request and a reply, plus a
// watchdog ping for a call over 3 s), counted here from the predictions the records show.
//
// BENCH_DIST=<dir> measures another build, e.g. one of an older commit, for a before/after comparison.

const ROOT = resolve(import.meta.dirname, '../..');
const STEPS = 40;

declare global {
  interface Window {
    __msgCount?: { sent: number; received: number };
  }
}

/**
 * Installed before any page script: counts every message the main thread sends to or gets from a thread.
 * A string, not a function: the TypeScript loader decorates functions with helpers the page does not have.
 */
const COUNT_MESSAGES = `(() => {
  const count = { sent: 0, received: 0 };
  window.__msgCount = count;
  for (const proto of [Worker.prototype, MessagePort.prototype]) {
    const post = proto.postMessage;
    proto.postMessage = function (...args) { count.sent += 1; return post.apply(this, args); };
    const add = proto.addEventListener;
    const wrappedOf = new WeakMap();
    proto.addEventListener = function (type, listener, ...rest) {
      if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener, ...rest);
      // One message is one event however many listeners see it: count it once.
      const wrapped = (e) => { if (!seen.has(e)) { seen.add(e); count.received += 1; } listener(e); };
      wrappedOf.set(listener, wrapped);
      return add.call(this, type, wrapped, ...rest);
    };
    const remove = proto.removeEventListener;
    proto.removeEventListener = function (type, listener, ...rest) {
      return remove.call(this, type, (listener && wrappedOf.get(listener)) || listener, ...rest);
    };
  }
  const seen = new WeakSet();
})();`;

async function measure(page: Page) {
  await page.waitForFunction(() => window.__vla!.controller.policyState().status === 'ready', null, { timeout: 300_000, polling: 250 });
  await page.waitForFunction(() => !!window.__vla!.state().live?.decision, null, { timeout: 120_000 });
  await page.evaluate(() => window.__vla!.controller.setSpeed(Infinity));
  const before = await page.evaluate(() => ({ ...window.__msgCount!, step: window.__vla!.state().live!.step }));
  await page.evaluate(() => void window.__vla!.controller.run());
  await page.waitForFunction((n) => (window.__vla!.state().live?.step ?? 0) >= n || !window.__vla!.state().playing, STEPS, { timeout: 600_000, polling: 50 });
  await page.evaluate(() => window.__vla!.controller.pause());
  await page.waitForFunction(() => !window.__vla!.state().playing);
  await page.waitForTimeout(300);
  return page.evaluate((b) => {
    const c = window.__msgCount!;
    const recs = window.__vla!.controller.records as ReadonlyArray<{ step: number; decision: { extras?: { model?: { offset: number; inferMs: number } } } | null }>;
    const fresh = recs.filter((r) => r.step >= b.step && r.decision?.extras?.model?.offset === 0);
    return {
      steps: window.__vla!.state().live!.step - b.step,
      sent: c.sent - b.sent,
      received: c.received - b.received,
      predictions: fresh.length,
      slowPredictions: fresh.filter((r) => (r.decision!.extras!.model!.inferMs ?? 0) > 3000).length,
    };
  }, before);
}

const messages: BenchSection = {
  name: 'messages',
  async run() {
    const dist = resolve(process.env.BENCH_DIST ?? resolve(ROOT, 'dist'));
    if (!process.env.BENCH_DIST) ensureBuilt(dist);
    // Without the CSP: an older build (the before figure) predates the policy and need not satisfy it.
    const server = await startServer(dist, 0, { csp: false });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.addInitScript(COUNT_MESSAGES);
      await page.goto(`${server.url}?task=object/red_to_bowl&seed=1000000&policy=model`, { waitUntil: 'load' });
      const m = await measure(page);
      const mainThread = m.sent + m.received;
      // Before the one-engine design every model call went through the main thread, so `mainThread`
      // counted them; now the workers' direct line carries 2 messages per prediction (+1 per slow call).
      const workerToWorker = (await page.evaluate(() => 'recording' in window.__vla!.controller))
        ? 2 * m.predictions + m.slowPredictions
        : 0;
      return {
        dist,
        task: 'object/red_to_bowl',
        execution: 'chunk:4',
        steps: m.steps,
        predictions: m.predictions,
        main_thread_messages: mainThread,
        worker_to_worker_messages: workerToWorker,
        main_thread_messages_per_step: round(mainThread / Math.max(1, m.steps)),
        all_messages_per_step: round((mainThread + workerToWorker) / Math.max(1, m.steps)),
      };
    } finally {
      await browser.close();
      await server.close();
    }
  },
};

export default messages;
