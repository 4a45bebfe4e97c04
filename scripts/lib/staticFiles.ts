import { statSync } from 'node:fs';

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

/** The precompressed twin of `file` the client accepts (brotli first), if the build wrote one. */
export function precompressed(file: string, acceptEncoding: string): { file: string; encoding: string; size: number } | null {
  const accepts = new Set(acceptEncoding.split(',').map((e) => e.split(';')[0].trim().toLowerCase()));
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
