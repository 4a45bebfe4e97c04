import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHeaders, precompressed } from '../../scripts/lib/staticFiles';

// Which precompressed twin a static server sends (scripts/lib/browser.ts and `vite preview`).

describe('precompressed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'static-'));
  const both = join(dir, 'a.wasm');
  const gzOnly = join(dir, 'b.js');
  const none = join(dir, 'c.css');
  writeFileSync(both, 'raw');
  writeFileSync(both + '.br', 'b');
  writeFileSync(both + '.gz', 'gz');
  writeFileSync(gzOnly, 'raw');
  writeFileSync(gzOnly + '.gz', 'gz');
  writeFileSync(none, 'raw');

  it('prefers brotli when the browser accepts it, with its size', () => {
    expect(precompressed(both, 'gzip, deflate, br, zstd')).toEqual({ file: both + '.br', encoding: 'br', size: 1 });
  });
  it('falls back to gzip, and reads q-values and case', () => {
    expect(precompressed(both, 'GZIP;q=0.8, deflate')?.encoding).toBe('gzip');
    expect(precompressed(gzOnly, 'br, gzip')?.file).toBe(gzOnly + '.gz');
  });
  it('sends the file as it is when no twin fits', () => {
    expect(precompressed(both, 'identity')).toBeNull();
    expect(precompressed(both, '')).toBeNull();
    expect(precompressed(none, 'br, gzip')).toBeNull();
    expect(precompressed(both, undefined)).toBeNull();
  });
  it('says the twin\'s encoding and length, and the file\'s type, in the headers both servers send', () => {
    expect(fileHeaders(both, 3, precompressed(both, ['br']))).toEqual({ 'Content-Type': 'application/wasm', 'Content-Length': 1, 'Content-Encoding': 'br', 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' });
    expect(fileHeaders(none, 3, null)).toEqual({ 'Content-Type': 'text/css; charset=utf-8', 'Content-Length': 3, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' });
  });
});
