import type { Page } from 'playwright-core';
import { assert } from './harness';

// Page helpers for the learned model's e2e tests: the policy's state through window.__vla, and the
// attention heatmap's pixels.

export interface PolicySnapshot {
  status: string;
  backend: string | null;
  backendNote: string | null;
  error: string | null;
  phases: string[];
  awaiting: number | null;
  restarts: number;
  fromCache: boolean | null;
}

export async function policyState(page: Page): Promise<PolicySnapshot> {
  return page.evaluate(() => {
    const s = window.__vla!.controller.policyState();
    return {
      status: s.status,
      backend: s.backend,
      backendNote: s.backendNote,
      error: s.error,
      phases: s.phases,
      awaiting: s.awaiting,
      restarts: s.restarts,
      fromCache: s.info?.fromCache ?? null,
    };
  });
}

/** Wait until the model has loaded or failed to; returns the final state. */
export async function waitForModel(page: Page, timeoutMs = 120_000): Promise<PolicySnapshot> {
  await page.waitForFunction(
    () => {
      const s = window.__vla?.controller.policyState().status;
      return s === 'ready' || s === 'error';
    },
    null,
    { timeout: timeoutMs, polling: 200 },
  );
  return policyState(page);
}

export async function waitForModelReady(page: Page, timeoutMs = 120_000): Promise<PolicySnapshot> {
  const s = await waitForModel(page, timeoutMs);
  assert(s.status === 'ready', `the model did not load: ${s.error}`);
  return s;
}

/** Summary of one recorded step's model decision (null when the step has none). */
export interface StepDecision {
  step: number;
  source: string | null;
  predictedAt: number | null;
  offset: number | null;
  backend: string | null;
  fault: string | null;
  firstAction: number[] | null;
  executed: number[] | null;
  gripperFront: [number, number] | null;
}

export async function stepDecisions(page: Page): Promise<StepDecision[]> {
  return page.evaluate(() =>
    window.__vla!.controller.records.map((r) => {
      const d = r.decision;
      const m = (d?.extras as { model?: { predictedAt: number; offset: number; backend: string; fault: string | null } } | undefined)?.model;
      return {
        step: r.step,
        source: d?.source ?? null,
        predictedAt: m?.predictedAt ?? null,
        offset: m?.offset ?? null,
        backend: m?.backend ?? null,
        fault: m?.fault ?? null,
        firstAction: d?.actions[0] ?? null,
        executed: r.action,
        gripperFront: (d?.reasoning.gripper.front.points[0] as [number, number] | undefined) ?? null,
      };
    }),
  );
}

/** The front attention heatmap's RGBA pixels once it shows `step` (and optionally a query/head choice). */
export async function heatmapAt(page: Page, step: number, choice?: string): Promise<number[]> {
  await page.waitForFunction(
    ([n, c]) => {
      const el = document.querySelector('[data-testid="attention-heatmap"]') as HTMLCanvasElement | null;
      return !!el && el.dataset.step === String(n) && (c === null || el.dataset.choice === c);
    },
    [step, choice ?? null] as const,
    { timeout: 30_000, polling: 100 },
  );
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid="attention-heatmap"]') as HTMLCanvasElement;
    return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
  });
}

export function meanAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** Scrub the timeline to `step` through its range input, as a person would. */
export async function scrubTo(page: Page, step: number): Promise<void> {
  await page.getByTestId('timeline').fill(String(step));
  await page.waitForFunction((n) => window.__vla!.state().view?.step === n, step, { timeout: 10_000 });
}
