import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './cli';

// `--model URL`: a model folder on a web server (as `?model=` gives the app). Its manifest.json and the
// model file it names are downloaded into a folder of their own under the system's temp directory, and
// from there the model is checked and served to the runner page like any `--model DIR`
// (scripts/lib/evalModel.ts). Nothing else is fetched.

export const isModelUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** Where a URL's model is kept: one folder per URL, so two URLs never share files. */
export function modelUrlDir(url: string): string {
  const id = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return join(tmpdir(), 'vla-playground-models', id);
}

/** The model file name a manifest gives: a plain name in the same folder, never a path elsewhere. */
const PLAIN_NAME = /^[\w.-]{1,128}$/;
const MAX_MODEL_BYTES = 512 * 1024 * 1024;

export async function downloadModel(url: string, dir: string, fetchImpl: typeof fetch = fetch): Promise<void> {
  const fail = (why: string): never => {
    throw new UsageError(`--model ${url}: ${why}`);
  };
  const base = url.endsWith('/') ? url : `${url}/`;
  const get = async (name: string): Promise<Uint8Array> => {
    let res: Response;
    try {
      // Once more on a network error: a kept-alive connection the server has just closed fails the first try.
      res = await fetchImpl(new URL(name, base)).catch(() => fetchImpl(new URL(name, base)));
    } catch (e) {
      return fail(`could not fetch ${name} (${(e as Error).message}${(e as Error).cause ? `: ${String((e as Error).cause)}` : ''})`);
    }
    if (!res.ok) fail(`${name}: HTTP ${res.status} ${res.statusText}`.trim());
    const len = Number(res.headers.get('content-length') ?? 0);
    if (len > MAX_MODEL_BYTES) fail(`${name} is ${len} bytes, more than the ${MAX_MODEL_BYTES} this tool accepts`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const manifestBytes = await get('manifest.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (e) {
    fail(`manifest.json is not valid JSON (${(e as Error).message})`);
  }
  const file = (manifest as { model?: unknown } | null)?.model;
  if (typeof file !== 'string' || !PLAIN_NAME.test(file) || file === 'manifest.json') {
    fail('manifest.json must name its model file in "model", a plain file name in the same folder');
  }
  const model = await get(file as string);
  mkdirSync(dir, { recursive: true });
  // Written under temporary names first: an interrupted download never leaves a half model in place.
  for (const [name, bytes] of [[file as string, model], ['manifest.json', manifestBytes]] as const) {
    writeFileSync(join(dir, `${name}.part`), bytes);
    renameSync(join(dir, `${name}.part`), join(dir, name));
  }
}
