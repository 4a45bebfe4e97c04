import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { convStack, dispatchChain, encodeGraph, matmulChain, type FloatGraph } from '../../scripts/lib/onnxGraph';

// The bench's model-free graphs must be valid ONNX that computes what they claim, or the runtime floor
// they report would measure nothing.

async function run(g: FloatGraph, x: Float32Array): Promise<{ data: Float32Array; dims: readonly number[] }> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(encodeGraph(g), { executionProviders: ['wasm'] });
  const out = await session.run({ [g.input.name]: new ort.Tensor('float32', x, g.input.dims) });
  await session.release();
  const y = out[g.output.name];
  return { data: y.data as Float32Array, dims: y.dims };
}

const init = (g: FloatGraph, name: string) => g.initializers.find((t) => t.name === name)!.data;

describe('bench ONNX graphs', () => {
  it('a dispatch chain adds its bias once per op', async () => {
    const g = dispatchChain(5, 8);
    const x = Float32Array.from({ length: 8 }, (_, i) => i);
    const y = await run(g, x);
    const b = init(g, 'b');
    expect(y.dims).toEqual([1, 8]);
    for (let i = 0; i < 8; i++) expect(y.data[i]).toBeCloseTo(i + 5 * b[i], 5);
  });

  it('a matmul chain multiplies by each weight in turn', async () => {
    const g = matmulChain(2, 3, 4);
    const x = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
    const y = await run(g, x);
    const mul = (a: Float32Array, w: Float32Array) =>
      Float32Array.from({ length: 12 }, (_, k) => {
        const r = Math.floor(k / 4);
        const c = k % 4;
        let s = 0;
        for (let j = 0; j < 4; j++) s += a[r * 4 + j] * w[j * 4 + c];
        return s;
      });
    const want = mul(mul(x, init(g, 'w0')), init(g, 'w1'));
    expect(y.dims).toEqual([3, 4]);
    want.forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 6));
  });

  it('a conv stack has the declared output shape and a hand-computed corner value', async () => {
    const g = convStack(8, [2], [2]);
    const x = Float32Array.from({ length: 3 * 64 }, (_, i) => Math.sin(i));
    const y = await run(g, x);
    expect(y.dims).toEqual(g.output.dims);
    expect(y.dims).toEqual([1, 2, 4, 4]);
    // Output (channel 0, row 0, col 0) sees input rows/cols -1..1 around (0, 0), padding zeros.
    const w = init(g, 'w0');
    let s = 0;
    for (let c = 0; c < 3; c++)
      for (let ky = 0; ky < 3; ky++)
        for (let kx = 0; kx < 3; kx++) {
          const iy = ky - 1;
          const ix = kx - 1;
          if (iy < 0 || ix < 0) continue;
          s += x[c * 64 + iy * 8 + ix] * w[c * 9 + ky * 3 + kx];
        }
    expect(y.data[0]).toBeCloseTo(s, 6);
  });
});
