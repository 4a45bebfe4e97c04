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

/** Download `url` (or read it from the cache under `cacheKey`), reporting progress. */
export async function fetchModelBytes(url: string, cacheKey: string, onProgress: (p: LoadProgress) => void): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cache = await openCache();
  const hit = await cache?.match(cacheKey);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    onProgress({ phase: 'cache', loaded: bytes.length, total: bytes.length });
    return { bytes, fromCache: true };
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`model download failed: ${res.status} ${res.statusText} (${url})`);
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
  await cache?.put(cacheKey, new Response(bytes.slice(), { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
  return { bytes, fromCache: false };
}

export async function clearModelCache(): Promise<void> {
  if (typeof caches !== 'undefined') await caches.delete(CACHE);
}
