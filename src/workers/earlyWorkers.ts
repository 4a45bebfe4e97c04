// The simulator worker is started by the page's first, small module (src/main.tsx), before the app's bundle
// (React, three.js) is fetched and parsed: MuJoCo and the policy cameras begin loading about half a second
// sooner. The policy worker is not started there: on a 2-core machine onnxruntime then competed with the
// simulator and the Run button came about a second later (docs/architecture.md, "The first screen").
//
// The `new Worker(new URL(...))` form is written out here and only here: it is what tells Vite to bundle them.

export const makeSimWorker = (): Worker => new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'sim' });
export const makePolicyWorker = (): Worker => new Worker(new URL('./policy.worker.ts', import.meta.url), { type: 'module', name: 'policy' });

let early: Worker | null = null;
/**
 * How the early worker failed before the app listened (its script did not load, say), or null. The event
 * is said again once the app listens, so that failed start counts as any other (src/state/session/simLink.ts
 * retries a bounded number of times) instead of leaving the app waiting on a worker that never answers.
 */
let earlyError: string | null = null;
const failed = (e: Event) => {
  e.preventDefault();
  earlyError = (e as ErrorEvent).message || 'the simulator worker stopped with an error (or its script could not be loaded)';
};

export function startSimWorkerEarly(): void {
  if (early) return;
  early = makeSimWorker();
  early.addEventListener('error', failed);
  early.addEventListener('messageerror', failed);
}

/** The simulator worker started early, once; later calls (a restart) get a new one. */
export function takeSimWorker(): Worker {
  const w = early;
  early = null;
  if (!w) return makeSimWorker();
  w.removeEventListener('error', failed);
  w.removeEventListener('messageerror', failed);
  const message = earlyError;
  earlyError = null;
  // The caller adds its listeners in the same task it takes the worker: the event reaches them.
  if (message !== null) setTimeout(() => w.dispatchEvent(new ErrorEvent('error', { message, cancelable: true })));
  return w;
}
