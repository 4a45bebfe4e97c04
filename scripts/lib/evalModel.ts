import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './cli';
import { isModelUrl, modelUrlDir } from './modelUrl';

// The model `eval --model DIR` evaluates is the one in DIR, wherever DIR is: the runner page is served the
// directory itself (scripts/lib/browser.ts mounts it), never a model of the same name in the build, and
// the report's hash is of the bytes in DIR. It is checked in Node first, so a broken model is refused
// with its path before a browser starts.

export const DEFAULT_MODEL_DIR = 'public/models/vla-small';
/** URL prefix of a model directory outside public/. */
export const MOUNT_PREFIX = '__eval_model__';

/** The directory `--model` names: a path, or a bare name of a model shipped in public/models/. */
export function resolveModelDir(given: string, cwd = process.cwd()): string {
  if (isModelUrl(given)) return modelUrlDir(given);
  const abs = resolve(cwd, given);
  if (!existsSync(abs) && !given.includes('/') && !given.includes(sep)) {
    const shipped = resolve(cwd, 'public/models', given);
    if (existsSync(shipped)) return shipped;
  }
  return abs;
}

/**
 * The URL path (no leading slash) the runner page loads the model from. A directory under public/ keeps
 * the path it has in the app; any other is mounted under MOUNT_PREFIX.
 */
export function modelUrlPath(dir: string, cwd = process.cwd()): string {
  const pub = resolve(cwd, 'public') + sep;
  if (dir.startsWith(pub)) return dir.slice(pub.length).split(sep).join('/').replace(/\/$/, '');
  return `${MOUNT_PREFIX}/${encodeURIComponent(basename(dir))}`;
}

/** `dir` relative to the working directory when it is inside it (as a report should name it), else absolute. */
export function displayPath(dir: string, cwd = process.cwd()): string {
  const rel = relative(cwd, dir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir;
}

export interface CheckedModel {
  dir: string;
  /** The model file named by the manifest, and the SHA-256 of its bytes. */
  file: string;
  sha256: string;
  bytes: number;
}

/**
 * Check the model in `dir` as the runner page will load it: manifest.json is JSON and fits this app's
 * contract, the model file exists, matches the size and hash its manifest states, and loads in
 * onnxruntime with the inputs and outputs the manifest lists. Every failure is a UsageError naming `dir`.
 */
export async function checkModel(dir: string, { session = true } = {}): Promise<CheckedModel> {
  const fail = (why: string): never => {
    throw new UsageError(`--model ${dir}: ${why}`);
  };
  if (!existsSync(dir)) fail('no such directory');
  if (!statSync(dir).isDirectory()) fail('not a directory (give the folder that holds manifest.json and the model file)');
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) fail('no manifest.json in it');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    fail(`manifest.json is not valid JSON (${(e as Error).message})`);
  }
  const { parseManifest } = await import('../../src/policy/manifest');
  let manifest;
  try {
    manifest = parseManifest(json);
  } catch (e) {
    return fail(`manifest.json does not fit this app: ${(e as Error).message}`);
  }
  const file = join(dir, manifest.model);
  if (!existsSync(file)) fail(`the manifest names the model file "${manifest.model}", which is not there`);
  const bytes = new Uint8Array(readFileSync(file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (manifest.model_bytes !== undefined && manifest.model_bytes !== bytes.length) {
    fail(`${manifest.model} has ${bytes.length} bytes but its manifest says ${manifest.model_bytes} (a truncated or different file)`);
  }
  if (manifest.model_sha256 && manifest.model_sha256 !== sha256) {
    fail(`${manifest.model} has SHA-256 ${sha256.slice(0, 12)}… but its manifest says ${manifest.model_sha256.slice(0, 12)}… (a different or corrupted file)`);
  }
  if (session) {
    const [ort, { OnnxPolicy }] = await Promise.all([import('onnxruntime-web'), import('../../src/policy/onnxPolicy')]);
    ort.env.wasm.numThreads = 1;
    try {
      const policy = await OnnxPolicy.load(ort as unknown as Parameters<typeof OnnxPolicy.load>[0], bytes, json, { executionProviders: ['wasm'] });
      await policy.release();
    } catch (e) {
      fail(`the model does not load: ${(e as Error).message}`);
    }
  }
  return { dir, file, sha256, bytes: bytes.length };
}
