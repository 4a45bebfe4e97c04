import { readFileSync, writeFileSync } from 'node:fs';

// NumPy .npy format version 1.0 writer and reader (little-endian, C order) for the dtypes the dataset uses.

export type NpyDtype = 'uint8' | 'int32' | 'float32';

const DESCR: Record<NpyDtype, string> = { uint8: '|u1', int32: '<i4', float32: '<f4' };
const ITEMSIZE: Record<NpyDtype, number> = { uint8: 1, int32: 4, float32: 4 };
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]); // \x93NUMPY v1.0

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // Typed arrays use the host's byte order; every platform we run on is little-endian.
  throw new Error('npy writer assumes a little-endian host');
}

export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${dims}, }`;
  // Pad with spaces and end with '\n' so the data starts on a 64-byte boundary, as NumPy writes it.
  const unpadded = MAGIC.length + 2 + dict.length + 1;
  const pad = (64 - (unpadded % 64)) % 64;
  const text = dict + ' '.repeat(pad) + '\n';
  if (text.length > 0xffff) throw new Error('npy header too long for format 1.0');
  const len = Buffer.alloc(2);
  len.writeUInt16LE(text.length);
  return Buffer.concat([MAGIC, len, Buffer.from(text, 'latin1')]);
}

/** Encode raw little-endian bytes as a .npy file; the byte count must match dtype and shape. */
export function encodeNpy(dtype: NpyDtype, shape: readonly number[], bytes: Uint8Array): Buffer {
  const expected = shape.reduce((a, b) => a * b, 1) * ITEMSIZE[dtype];
  if (bytes.byteLength !== expected) {
    throw new Error(`npy: ${bytes.byteLength} bytes do not match ${dtype}[${shape.join(', ')}] (${expected} bytes)`);
  }
  return Buffer.concat([npyHeader(dtype, shape), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
}

export function writeNpy(path: string, dtype: NpyDtype, shape: readonly number[], data: Uint8Array | Int32Array | Float32Array): void {
  writeFileSync(path, encodeNpy(dtype, shape, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
}

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: Uint8Array | Int32Array | Float32Array;
}

/** Parse a .npy file (format 1.x/2.x) of one of the dataset's dtypes, little-endian, C order. */
export function decodeNpy(buf: Uint8Array, what = 'npy'): NpyArray {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 10 || b[0] !== 0x93 || b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${what}: not a .npy file`);
  const major = b[6];
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = b.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((k) => DESCR[k] === descr);
  if (!dtype) throw new Error(`${what}: unsupported dtype ${descr ?? '?'}`);
  if (!/'fortran_order':\s*False/.test(header)) throw new Error(`${what}: Fortran order is not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error(`${what}: no shape in the header`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, n) => a * n, 1);
  const bytes = count * ITEMSIZE[dtype];
  if (b.length - start < bytes) throw new Error(`${what}: ${b.length - start} data bytes, ${dtype}[${shape.join(', ')}] needs ${bytes}`);
  // Copy: the typed array must start on an aligned offset.
  const raw = new Uint8Array(b.subarray(start, start + bytes));
  const data = dtype === 'uint8' ? raw : dtype === 'int32' ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer);
  return { dtype, shape, data };
}

export function readNpy(path: string): NpyArray {
  return decodeNpy(readFileSync(path), path);
}
