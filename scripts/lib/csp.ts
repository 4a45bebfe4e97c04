// The production Content-Security-Policy, in one place for everything that serves the built app:
// `vite preview` (vite.config.ts), the CLIs' and e2e tests' static server (scripts/lib/browser.ts), and
// the <meta http-equiv> copy written into the built HTML for hosts that send no headers.
//
// Which context needs what, and why (measured: e2e/csp.e2e.ts runs a model episode under these and fails
// on any violation):
// - The app page (index.html) runs no WASM and evaluates no strings: script-src 'self' only.
// - The policy worker compiles onnxruntime-web's WASM: 'wasm-unsafe-eval' (WebAssembly.compile and
//   instantiate only; it does not allow eval or Function).
// - The sim worker runs MuJoCo, whose Emscripten/embind glue builds every bound method's invoker with
//   `new Function(...)` (craftInvokerFunction, emval method callers in node_modules/mujoco/mujoco.js):
//   it needs 'unsafe-eval' as well. Only that worker gets it. A dedicated worker loaded from a URL takes
//   its policy from its own response, not from the page, so the page stays without it.
// - The headless runner page (runner.html, driven by the CLIs) runs MuJoCo and onnxruntime in the page
//   itself, so it gets the sim worker's policy.
// A <meta> policy reaches the document only: on a host without headers the workers run unrestricted,
// which is why the headers are the policy and the meta tag only the fallback.

type Policy = Record<string, string[]>;

const BASE: Policy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // React sets styles through the CSSOM (element.style), which CSP does not govern; no inline <style>.
  'style-src': ["'self'"],
  // data: for the inline favicon; blob: for canvas screenshots and textures made in memory.
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
};

/** Directives a <meta> policy may not carry (browsers ignore them there, with a console error). */
const HEADER_ONLY = ['frame-ancestors', 'report-uri', 'report-to', 'sandbox'];

function withScript(extra: string[]): Policy {
  return { ...BASE, 'script-src': [...BASE['script-src'], ...extra] };
}

/**
 * `?model=<folder url>` names a model anywhere (docs/byo-policy.md): the page reads its manifest and the
 * policy worker its ONNX file, so both may fetch from HTTPS origins and from a researcher's own machine
 * (another localhost port). What they fetch is data (JSON, an ONNX graph run by onnxruntime's WASM), never
 * script; the other origin must also allow it (CORS).
 */
const MODEL_ORIGINS = ['https:', 'http://localhost:*', 'http://127.0.0.1:*'];
const withModelOrigins = (p: Policy): Policy => ({ ...p, 'connect-src': [...p['connect-src'], ...MODEL_ORIGINS] });

export const POLICIES = {
  page: withModelOrigins({ ...BASE, 'frame-ancestors': ["'none'"] }),
  policyWorker: withModelOrigins(withScript(["'wasm-unsafe-eval'"])),
  simWorker: withScript(["'wasm-unsafe-eval'", "'unsafe-eval'"]),
  runner: { ...withScript(["'wasm-unsafe-eval'", "'unsafe-eval'"]), 'frame-ancestors': ["'none'"] },
} satisfies Record<string, Policy>;

export type PolicyName = keyof typeof POLICIES;

export function serialize(p: Policy, opts: { meta?: boolean; reportUri?: string } = {}): string {
  const entries = Object.entries(p).filter(([k]) => !(opts.meta && HEADER_ONLY.includes(k)));
  if (opts.reportUri && !opts.meta) entries.push(['report-uri', [opts.reportUri]]);
  return entries.map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}

/**
 * Which policy a response for this URL path gets, or null for files that are neither documents nor
 * worker scripts (a policy on them has no effect). Worker bundles are named after their source file
 * (assets/sim.worker-<hash>.js); any other worker gets the policy worker's, the narrower one.
 */
export function policyFor(path: string): PolicyName | null {
  const p = path.split('?')[0];
  if (p === '/' || p.endsWith('/index.html') || p === '/index.html') return 'page';
  if (p.endsWith('/runner.html') || p === '/runner.html') return 'runner';
  const file = p.slice(p.lastIndexOf('/') + 1);
  if (/\.m?js$/.test(file) && /worker/i.test(file)) return /^sim\.worker/.test(file) ? 'simWorker' : 'policyWorker';
  if (p.endsWith('.html')) return 'page';
  return null;
}

/** The Content-Security-Policy header for a URL path ({} when none applies). */
export function cspHeaders(path: string, opts: { reportUri?: string } = {}): Record<string, string> {
  const name = policyFor(path);
  return name ? { 'Content-Security-Policy': serialize(POLICIES[name], opts) } : {};
}

/** The <meta http-equiv> fallback for a built HTML page. */
export function cspMeta(page: 'page' | 'runner'): string {
  return `<meta http-equiv="Content-Security-Policy" content="${serialize(POLICIES[page], { meta: true })}" />`;
}
