import { writeFileSync } from 'node:fs';

// NumPy .npy format version 1.0 writer (little-endian, C order) for the dtypes the dataset uses.

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
