// The simulator worker is started by the page's first, small module (src/main.tsx), before the app's bundle
// (React, three.js) is fetched and parsed: MuJoCo and the policy cameras begin loading about half a second
// sooner. The policy worker is not started there: on a 2-core machine onnxruntime then competed with the
// simulator and the Run button came about a second later (docs/architecture.md, "The first screen").
//
// The `new Worker(new URL(...))` form is written out here and only here: it is what tells Vite to bundle them.

export const makeSimWorker = (): Worker => new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'sim' });
export const makePolicyWorker = (): Worker => new Worker(new URL('./policy.worker.ts', import.meta.url), { type: 'module', name: 'policy' });

let early: Worker | null = null;
/** The early worker failed before the app listened (its script did not load, say): it is not handed out. */
let earlyFailed = false;
const failed = (e: Event) => {
  e.preventDefault();
  earlyFailed = true;
};

export function startSimWorkerEarly(): void {
  if (early) return;
  early = makeSimWorker();
  early.addEventListener('error', failed);
  early.addEventListener('messageerror', failed);
}

/** The simulator worker started early, once; later calls (a restart) and a failed early one get a new one. */
export function takeSimWorker(): Worker {
  const w = early;
  early = null;
  w?.removeEventListener('error', failed);
  w?.removeEventListener('messageerror', failed);
  if (w && !earlyFailed) return w;
  w?.terminate();
  earlyFailed = false;
  return makeSimWorker();
}
