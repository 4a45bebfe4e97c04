// Fetch a model file with download progress and keep it in Cache Storage, so the next visit starts
// without the download. Runs in the policy worker (no DOM needed; Cache Storage and fetch exist there).

export interface LoadProgress {
  phase: 'manifest' | 'download' | 'cache' | 'compile' | 'warmup' | 'ready';
  loaded: number;
  total: number;
}

const CACHE = 'vla-playground-models-v1';

async function openCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE);
  } catch {
    return null; // opaque origins and some privacy modes have no Cache Storage; just download
  }
}

/** Checks downloaded bytes before they are used or cached; returns what is wrong with them, or null. */
export type BytesCheck = (bytes: Uint8Array) => Promise<string | null>;

/** A check against the size and SHA-256 the manifest states (either may be absent). */
export function expectedBytes(fileName: string, size?: number, sha256?: string): BytesCheck {
  return async (bytes) => {
    if (size !== undefined && bytes.length !== size) {
      return `${fileName} has ${bytes.length} bytes but the manifest says ${size} (a truncated download or a different file)`;
    }
    // SubtleCrypto exists only in secure contexts; without it the size check has to do.
    if (sha256 && typeof crypto !== 'undefined' && crypto.subtle) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
      const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
      if (hex !== sha256) return `${fileName} has SHA-256 ${hex.slice(0, 12)}… but the manifest says ${sha256.slice(0, 12)}… (a different or corrupted file)`;
    }
    return null;
  };
}

export class ModelBytesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelBytesError';
  }
}

/**
 * Whether a response is a web page rather than the file asked for. Dev servers and single-page hosts
 * answer a missing file with index.html and status 200, so `ok` alone does not mean the file exists.
 */
export function isHtmlResponse(res: Response, head?: Uint8Array): boolean {
  const type = (res.headers.get('content-type') ?? '').toLowerCase();
  if (type.includes('text/html') || type.includes('application/xhtml')) return true;
  if (!head) return false;
  const start = new TextDecoder().decode(head.subarray(0, 64)).trimStart().toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html');
}

/**
 * Fetch and parse `<dir>manifest.json`. Every failure names the URL and says what was there instead: a
 * missing model folder comes back from a dev server as the app's HTML page, which `res.json()` would
 * only report as "Unexpected token '<'".
 */
export async function fetchManifestJson(dir: string): Promise<unknown> {
  const url = `${dir.endsWith('/') ? dir : `${dir}/`}manifest.json`;
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch (e) {
    throw new ModelBytesError(`could not fetch ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new ModelBytesError(`no manifest.json at ${url} (${res.status}${res.statusText ? ` ${res.statusText}` : ''}): is the model folder there?`);
  const text = await res.text();
  if (isHtmlResponse(res, new TextEncoder().encode(text.slice(0, 64)))) {
    throw new ModelBytesError(`no manifest.json at ${url}: the server answered with a web page, so the model folder is probably missing`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelBytesError(`${url} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Download `url` (or read it from the cache under `cacheKey`), reporting progress. Bytes that fail `check`
 * are never cached; a cached copy that fails it is dropped and downloaded again.
 */
export async function fetchModelBytes(
  url: string,
  cacheKey: string,
  onProgress: (p: LoadProgress) => void,
  check: BytesCheck = async () => null,
): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cache = await openCache();
  const hit = await cache?.match(cacheKey);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    if ((await check(bytes)) === null) {
      onProgress({ phase: 'cache', loaded: bytes.length, total: bytes.length });
      return { bytes, fromCache: true };
    }
    await cache?.delete(cacheKey);
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ModelBytesError(`model download failed: ${(e as Error).message} (${url})`);
  }
  if (!res.ok) throw new ModelBytesError(`model download failed: ${res.status} ${res.statusText} (${url})`);
  // Checked before the download: a web page in place of the model would otherwise only fail the size check.
  if (isHtmlResponse(res)) throw new ModelBytesError(`no model file at ${url}: the server answered with a web page, so the file is probably missing`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress({ phase: 'download', loaded, total: Math.max(total, loaded) });
    }
  } else {
    chunks.push(new Uint8Array(await res.arrayBuffer()));
    loaded = chunks[0].length;
  }
  const bytes = new Uint8Array(loaded);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.length;
  }
  if (isHtmlResponse(res, bytes)) throw new ModelBytesError(`no model file at ${url}: the server answered with a web page, so the file is probably missing`);
  const problem = await check(bytes);
  if (problem) throw new ModelBytesError(problem);
  await cache?.put(cacheKey, new Response(bytes.slice(), { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
  return { bytes, fromCache: false };
}

export async function clearModelCache(): Promise<void> {
  if (typeof caches !== 'undefined') await caches.delete(CACHE);
}
