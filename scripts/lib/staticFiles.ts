import { statSync } from 'node:fs';
import { extname } from 'node:path';

// What a static host does with the built app's files, shared by the local server of eval, bench and e2e
// (scripts/lib/browser.ts) and `vite preview` (vite.config.ts): their content types, and the brotli or gzip
// twin the build wrote beside a file (scripts/lib/precompress.ts) when the browser accepts it.

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface Encoded {
  file: string;
  encoding: string;
  size: number;
}

/** The precompressed twin of `file` the client accepts (brotli first), if the build wrote one. */
export function precompressed(file: string, acceptEncoding: string | string[] | undefined): Encoded | null {
  const accepts = new Set(String(acceptEncoding ?? '').split(',').map((e) => e.split(';')[0].trim().toLowerCase()));
  for (const [encoding, ext] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (!accepts.has(encoding)) continue;
    try {
      const st = statSync(file + ext);
      if (st.isFile()) return { file: file + ext, encoding, size: st.size };
    } catch {
      // none written for this file
    }
  }
  return null;
}

/** The headers a static host sends with a built file of `size` bytes, or with its twin: type, length, encoding. */
export function fileHeaders(file: string, size: number, encoded: Encoded | null): Record<string, string | number> {
  return {
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': encoded ? encoded.size : size,
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
    ...(encoded ? { 'Content-Encoding': encoded.encoding } : {}),
  };
}
