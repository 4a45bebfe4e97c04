import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Build the app (both pages: index.html and runner.html) when the dist dir is missing or older than the
// sources it is built from, so a CLI never drives stale code.

const ROOT = resolve(import.meta.dirname, '../..');
// scripts/lib/csp.ts: the policy the build writes into the HTML.
const INPUTS = ['src', 'public', 'index.html', 'runner.html', 'vite.config.ts', 'scripts/lib/csp.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

export function distIsStale(distDir: string): string | null {
  const stamp = join(distDir, 'runner.html');
  if (!existsSync(stamp)) return `${distDir} has no runner.html`;
  const built = statSync(stamp).mtimeMs;
  for (const i of INPUTS) {
    if (newestMtime(join(ROOT, i)) > built) return `${i} changed since the last build`;
  }
  return null;
}

/** Build into `distDir` if needed; returns what was done. Throws with vite's output if the build fails. */
export function ensureBuilt(distDir: string, log: (s: string) => void = (s) => process.stderr.write(s + '\n')): string {
  const why = distIsStale(distDir);
  if (!why) return 'up to date';
  log(`building the app into ${distDir} (${why}) ...`);
  const r = spawnSync('npx', ['vite', 'build', '--outDir', resolve(distDir), '--emptyOutDir'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  return `built (${why})`;
}
