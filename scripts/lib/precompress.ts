import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

// Brotli and gzip twins of the built files (`x.wasm.br`, `x.wasm.gz`), which a static host that serves
// precompressed files sends (scripts/lib/staticFiles.ts): a cold visit is about 8 MB on the wire instead of
// about 39 MB. Brotli at its best quality takes a minute and a half for onnxruntime's 27 MB WASM on one core,
// and the test command builds the app four times, so each twin is cached under node_modules/.cache by the
// file's content hash: a build compresses only files it has not compressed before. Node's zlib does the
// compressing; this plugin only chooses the files and keeps the cache.

const WORTH_IT = /\.(js|mjs|wasm|css|html|json|svg|onnx)$/;
const MIN_BYTES = 1024;
const CACHE = resolve(import.meta.dirname, '../../node_modules/.cache/vla-precompress');

const ENCODERS = {
  br: (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  gz: (b: Buffer) => gzipSync(b, { level: 9 }),
} as const;

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile() && WORTH_IT.test(e.name)) yield p;
  }
}

/** Write the twins of every file under `dir` worth compressing; returns how many were made, not copied. */
export function precompressDir(dir: string, cache = CACHE): { files: number; compressed: number } {
  mkdirSync(cache, { recursive: true });
  let count = 0;
  let compressed = 0;
  for (const file of files(dir)) {
    if (statSync(file).size < MIN_BYTES) continue;
    const bytes = readFileSync(file);
    const hash = createHash('sha256').update(bytes).digest('hex');
    count += 1;
    for (const [ext, encode] of Object.entries(ENCODERS)) {
      const cached = join(cache, `${hash}.${ext}`);
      if (!existsSync(cached)) {
        const out = encode(bytes);
        // A twin no smaller than the file would only cost the host a lookup: none is written (and none is
        // cached; the check is cheap next to compressing again, and such files are small).
        if (out.length >= bytes.length) continue;
        // Written then renamed: two builds at once never read half a file.
        const tmp = `${cached}.${process.pid}.tmp`;
        writeFileSync(tmp, out);
        renameSync(tmp, cached);
        compressed += 1;
      }
      copyFileSync(cached, `${file}.${ext}`);
    }
  }
  return { files: count, compressed };
}

/** The Vite plugin: twins for everything the build wrote (public files included), once it is written. */
export function precompress(): Plugin {
  let outDir = '';
  let log: (msg: string) => void = () => undefined;
  return {
    name: 'vla-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      log = (msg) => config.logger.info(msg);
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const r = precompressDir(outDir);
        log(`brotli and gzip twins of ${r.files} files (${r.compressed} compressed now, the rest from the cache)`);
      },
    },
  };
}
