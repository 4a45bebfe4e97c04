import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { precompressDir } from '../../scripts/lib/precompress';

// The build's brotli/gzip twins (scripts/lib/precompress.ts): what gets one, that they decode to the file,
// and that a second build takes them from the cache instead of compressing again.

describe('precompressDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'precompress-'));
  const out = join(root, 'dist');
  const cache = join(root, 'cache');
  mkdirSync(join(out, 'assets'), { recursive: true });
  const text = Buffer.from('const x = 1;\n'.repeat(2000));
  writeFileSync(join(out, 'assets', 'main.js'), text);
  writeFileSync(join(out, 'assets', 'tiny.js'), 'x');
  writeFileSync(join(out, 'assets', 'noise.wasm'), randomBytes(4096));
  writeFileSync(join(out, 'assets', 'picture.png'), text);

  it('writes twins that decode to the file, only where they are worth it', () => {
    expect(precompressDir(out, cache)).toEqual({ files: 2, compressed: 2 });
    const main = join(out, 'assets', 'main.js');
    expect(brotliDecompressSync(readFileSync(main + '.br')).equals(text)).toBe(true);
    expect(gunzipSync(readFileSync(main + '.gz')).equals(text)).toBe(true);
    // Under 1 KB, incompressible, or a type hosts do not compress: no twin.
    expect(existsSync(join(out, 'assets', 'tiny.js.br'))).toBe(false);
    expect(existsSync(join(out, 'assets', 'noise.wasm.br'))).toBe(false);
    expect(existsSync(join(out, 'assets', 'picture.png.br'))).toBe(false);
  });

  it('a second build of the same files compresses nothing again', () => {
    const again = join(root, 'dist2');
    mkdirSync(again);
    writeFileSync(join(again, 'main.js'), text);
    expect(precompressDir(again, cache)).toEqual({ files: 1, compressed: 0 });
    expect(readFileSync(join(again, 'main.js.br')).equals(readFileSync(join(out, 'assets', 'main.js.br')))).toBe(true);
  });
});
