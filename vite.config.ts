import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createReadStream } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import { cspHeaders, cspMeta } from './scripts/lib/csp';
import { precompress } from './scripts/lib/precompress';
import { fileHeaders, precompressed } from './scripts/lib/staticFiles';

// COOP/COEP give the page cross-origin isolation, which onnxruntime-web needs for SharedArrayBuffer.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The production Content-Security-Policy (scripts/lib/csp.ts says what each context gets and why):
 * `vite preview` sends it per path, because each worker takes its policy from its own script's response;
 * the build writes the page's policy into the HTML as a <meta> fallback for hosts that send no headers.
 * Not in `vite dev`: its React refresh preamble is an inline script.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'vla-content-security-policy',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (ctx.server) return html;
        const meta = cspMeta(ctx.path.endsWith('runner.html') ? 'runner' : 'page');
        // Right after the charset (which must stay first), ahead of every script and style it governs.
        return /<meta charset[^>]*>/i.test(html) ? html.replace(/(<meta charset[^>]*>)/i, `$1\n    ${meta}`) : html.replace(/<head>/i, `<head>\n    ${meta}`);
      },
    },
    configurePreviewServer(server) {
      const root = resolve(server.config.root, server.config.build.outDir);
      server.middlewares.use((req, res, next) => {
        for (const [k, v] of Object.entries(cspHeaders(req.url ?? '/'))) res.setHeader(k, v);
        // The build's brotli/gzip twins, sent as a static host would (Vite's own static files never are).
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
        const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
        const encoded = file.startsWith(root + sep) && (req.method === 'GET' || req.method === 'HEAD') ? precompressed(file, req.headers['accept-encoding']) : null;
        if (!encoded) return next();
        for (const [k, v] of Object.entries({ ...isolation, ...fileHeaders(file, 0, encoded) })) res.setHeader(k, v);
        if (req.method === 'HEAD') return res.end();
        createReadStream(encoded.file).pipe(res);
      });
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    contentSecurityPolicy(),
    // Brotli and gzip twins of every file worth it (the WASM builds above all): a host that serves
    // precompressed files (nginx gzip_static/brotli_static, most CDNs, scripts/lib/staticFiles.ts) sends them.
    precompress(),
  ],
  // onnxruntime-web's "bundle" builds name their default WASM with `new URL(..., import.meta.url)`, which
  // makes Vite ship a second 28 MB build nobody loads: the app names its one build itself
  // (src/workers/policy.worker.ts, src/runner/modelPolicy.ts), so the plain builds are used.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['mujoco', 'onnxruntime-web'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        runner: resolve(import.meta.dirname, 'runner.html'),
      },
    },
  },
});
