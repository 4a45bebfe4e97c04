import type { Page } from 'playwright-core';
import { assert, test } from './harness';
import { setSpeed, waitForEnd, waitForReady } from './helpers';
import { waitForModelReady } from './modelHelpers';

// "The layout jumps as rows appear" (issue #17): measured the way the web measures it, with the browser's
// own layout-shift entries (Cumulative Layout Shift, https://web.dev/articles/cls), from the first paint
// through loading the model and a whole episode. Shifts right after a person's input do not count (the
// browser marks them), as in the metric's definition.

interface Shift {
  value: number;
  at: number;
  sources: string[];
}

/**
 * Installed before the app's first script (the harness's init script): every shift from the first paint on
 * is kept as it happens, not read back from the browser's buffer, which holds only the first 150 entries.
 */
function observeShifts(): void {
  const out: Shift[] = [];
  (window as unknown as { __shifts: Shift[] }).__shifts = out;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as unknown as Array<{ value: number; startTime: number; hadRecentInput: boolean; sources?: Array<{ node?: Node | null }> }>) {
      if (e.hadRecentInput) continue;
      out.push({
        value: e.value,
        at: Math.round(e.startTime),
        sources: (e.sources ?? []).map((src) => {
          const el = src.node instanceof Element ? src.node : src.node?.parentElement;
          return el ? `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${[...el.classList].join('.')}` : '?';
        }),
      });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

const shifts = (page: Page): Promise<Shift[]> => page.evaluate(() => (window as unknown as { __shifts: Shift[] }).__shifts);

/** The largest session window of shifts (CLS: shifts under 1 s apart, a window at most 5 s long). */
function cls(list: Shift[]): number {
  let best = 0;
  let sum = 0;
  let start = -Infinity;
  let last = -Infinity;
  for (const s of [...list].sort((a, b) => a.at - b.at)) {
    if (s.at - last > 1000 || s.at - start > 5000) {
      sum = 0;
      start = s.at;
    }
    sum += s.value;
    last = s.at;
    best = Math.max(best, sum);
  }
  return best;
}

for (const [name, size] of [
  ['desktop', { width: 1440, height: 900 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`layout (${name}): nothing jumps while the app loads, the model loads and an episode runs (CLS < 0.1)`, async (t) => {
    // Opened at its width (not resized after loading) and observed from before the app's first script.
    const page = await t.open('?task=object/red_to_bowl&seed=1&policy=model', { viewport: size, init: observeShifts });
    await waitForReady(page);
    await waitForModelReady(page);
    await setSpeed(page, 'Infinity');
    // Started from code, not a click: a click would mark the shifts after it as the person's own doing.
    await page.evaluate(() => void window.__vla!.controller.run());
    await waitForEnd(page, 240_000);
    const list = await shifts(page);
    const score = cls(list);
    const worst = [...list]
      .sort((a, b) => b.value - a.value)
      .slice(0, 4)
      .map((s) => `${s.value.toFixed(3)} at ${s.at} ms: ${s.sources.join(', ')}`);
    t.log(`CLS ${score.toFixed(4)} from ${list.length} shifts; largest: ${worst.join(" | ") || "none"}`);
    assert(score < 0.1, `cumulative layout shift ${score.toFixed(3)} (largest: ${worst.join(' | ') || 'none'})`);
  }, 300_000);
}
