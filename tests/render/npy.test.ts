import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npyHeader, writeNpy } from '../../scripts/lib/npy';

describe('npy writer', () => {
  it('pads the header so data starts on a 64-byte boundary', () => {
    for (const shape of [[3], [2, 13], [120, 64, 64, 3], [7, 2, 5, 2]]) {
      const h = npyHeader('float32', shape);
      expect(h.length % 64).toBe(0);
      expect(h.subarray(0, 8)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
      expect(h.readUInt16LE(8)).toBe(h.length - 10);
      expect(h.toString('latin1').endsWith('\n')).toBe(true);
    }
    expect(npyHeader('int32', [5]).toString('latin1')).toContain("'shape': (5,)");
  });

  it('round-trips through NumPy', () => {
    const py = spawnSync('/usr/bin/python3', ['-c', 'import numpy']);
    if (py.status !== 0) throw new Error('numpy (Debian python3-numpy) is needed for this test');
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    const f = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 0.5 - 3);
    const i32 = Int32Array.from([-2, 0, 7, 2147483647]);
    const u8 = Uint8Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => (i * 37) & 255);
    writeNpy(join(dir, 'f.npy'), 'float32', [2, 3, 4], f);
    writeNpy(join(dir, 'i.npy'), 'int32', [4], i32);
    writeNpy(join(dir, 'u.npy'), 'uint8', [2, 4, 4, 3], u8);
    const code = `
import numpy as np, json, sys
d = sys.argv[1]
out = {}
for k in 'fiu':
    a = np.load(f'{d}/{k}.npy')
    out[k] = {'dtype': str(a.dtype), 'shape': list(a.shape), 'flat': a.ravel().tolist(), 'c': bool(a.flags['C_CONTIGUOUS'])}
json.dump(out, open(f'{d}/out.json', 'w'))`;
    const r = spawnSync('/usr/bin/python3', ['-c', code, dir], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(out.f).toEqual({ dtype: 'float32', shape: [2, 3, 4], flat: Array.from(f), c: true });
    expect(out.i).toEqual({ dtype: 'int32', shape: [4], flat: Array.from(i32), c: true });
    expect(out.u).toEqual({ dtype: 'uint8', shape: [2, 4, 4, 3], flat: Array.from(u8), c: true });
  });

  it('refuses data that does not match the shape', () => {
    expect(() => writeNpy('/tmp/never.npy', 'float32', [2, 3], new Float32Array(5))).toThrow(/do not match/);
  });
});
