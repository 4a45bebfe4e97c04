import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeGraph, type FloatGraph } from './onnxGraph';

// The smallest policy a person could bring (docs/byo-policy.md): no cameras, no text, three proprio
// fields in, an action chunk out and nothing else. actions = proprio_norm x W + b: a constant drift
// (down and to +x, gripper open) plus a pull of z toward 0.1 m, so it moves, stays in range, and is
// action-only. Tests build it on the fly; it is never shipped.

export const TINY_LAYOUT = ['tcp_x', 'tcp_y', 'tcp_z'];
const H = 8;
const D = 7;

export function tinyPolicyGraph(): FloatGraph {
  const P = TINY_LAYOUT.length;
  const w = new Float32Array(H * P * D);
  // W[k][tcp_z][dz]: z above 0.1 m (normalised > 0) moves down.
  for (let k = 0; k < H; k++) w[(k * P + 2) * D + 2] = -0.004;
  const b = new Float32Array(H * D);
  for (let k = 0; k < H; k++) {
    b[k * D + 0] = 0.003;
    b[k * D + 6] = -1;
  }
  return {
    input: { name: 'proprio', dims: [1, P] },
    output: { name: 'actions', dims: [1, H, D] },
    initializers: [
      { name: 'W', dims: [H, P, D], data: w },
      { name: 'b', dims: [H, D], data: b },
    ],
    nodes: [
      // [1, P] x [H, P, D] broadcasts to [H, 1, D]; the transpose makes it [1, H, D].
      { op: 'MatMul', inputs: ['proprio', 'W'], output: 'hd' },
      { op: 'Transpose', inputs: ['hd'], output: 'thd', ints: { perm: [1, 0, 2] } },
      { op: 'Add', inputs: ['thd', 'b'], output: 'actions' },
    ],
  };
}

export function tinyPolicyManifest(): Record<string, unknown> {
  return {
    name: 'tiny-action-only',
    model: 'model.onnx',
    cameras: [],
    fixed_instruction: 'drift down and to the right',
    proprio: { layout: TINY_LAYOUT, mean: [0, 0, 0.1], std: [1, 1, 1] },
    action: { mean: [0, 0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1, 1], chunk_length: H, control_hz: 10 },
    inputs: [{ name: 'proprio', shape: [1, TINY_LAYOUT.length], meaning: 'tcp position' }],
    outputs: [{ name: 'actions', shape: [1, H, D], meaning: 'action chunk' }],
  };
}

/** The tiny policy's files: `model.onnx` and `manifest.json`. */
export function tinyPolicyFiles(): { model: Uint8Array; manifest: Record<string, unknown> } {
  return { model: encodeGraph(tinyPolicyGraph()), manifest: tinyPolicyManifest() };
}

/** Write the tiny policy's folder; returns it. */
export function writeTinyPolicy(dir: string): string {
  const { model, manifest } = tinyPolicyFiles();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), model);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}
