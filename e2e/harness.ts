import type { Browser, Page } from 'playwright-core';

// A minimal test harness for the end-to-end suites: tests register here, e2e/run.ts runs them one after
// another against one server and one browser, each in a fresh page.

export interface OpenOptions {
  viewport?: { width: number; height: number };
  init?: () => void;
}

export interface TestContext {
  browser: Browser;
  /** Base URL of the built app, with a trailing slash. */
  url: string;
  /**
   * A fresh page (1440x900 unless `viewport` says otherwise) at `url + query`, page errors collected into
   * `errors`; `init` runs in the page before any of the app's scripts (an observer that must see the load).
   */
  open(query?: string, opts?: OpenOptions): Promise<Page>;
  /** Save a screenshot of `page` as test-results/e2e/<name>.png. */
  shot(page: Page, name: string): Promise<string>;
  /** Console errors and uncaught exceptions from pages opened by this test. */
  errors: string[];
  log(...args: unknown[]): void;
}

export interface TestCase {
  name: string;
  file: string;
  timeoutMs: number;
  fn(t: TestContext): Promise<void>;
}

export const registry: TestCase[] = [];
let currentFile = '';

export function setCurrentFile(f: string): void {
  currentFile = f;
}

export function test(name: string, fn: (t: TestContext) => Promise<void>, timeoutMs = 180_000): void {
  registry.push({ name, file: currentFile, fn, timeoutMs });
}

export class AssertionError extends Error {}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new AssertionError(message);
}

export function assertEqual<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`);
}
