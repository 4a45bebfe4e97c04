// Tiny ONNX graphs built in code, for measuring the runtimes themselves rather than our model: how much a
// single op costs to dispatch, and how fast each runtime's conv and matmul kernels are. The encoder is
// protobufjs over the handful of onnx.proto messages a float graph needs (field numbers from onnx.proto3).

import protobuf from 'protobufjs';

const ONNX_SUBSET = {
  nested: {
    ModelProto: {
      fields: {
        irVersion: { type: 'int64', id: 1 },
        producerName: { type: 'string', id: 2 },
        graph: { type: 'GraphProto', id: 7 },
        opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
      },
    },
    OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        name: { type: 'string', id: 2 },
        initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: 'repeated', type: 'string', id: 1 },
        output: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        opType: { type: 'string', id: 4 },
        attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: 'string', id: 1 },
        i: { type: 'int64', id: 3 },
        ints: { rule: 'repeated', type: 'int64', id: 8 },
        type: { type: 'int32', id: 20 },
      },
    },
    TensorProto: {
      fields: {
        dims: { rule: 'repeated', type: 'int64', id: 1 },
        dataType: { type: 'int32', id: 2 },
        name: { type: 'string', id: 8 },
        rawData: { type: 'bytes', id: 9 },
      },
    },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TensorTypeProto', id: 1 } } },
    TensorTypeProto: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 } } },
  },
};

const FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const ModelProto = protobuf.Root.fromJSON(ONNX_SUBSET).lookupType('ModelProto');

export interface GraphNode {
  op: string;
  inputs: string[];
  output: string;
  ints?: Record<string, number[]>;
  int?: Record<string, number>;
}

export interface FloatGraph {
  input: { name: string; dims: number[] };
  output: { name: string; dims: number[] };
  initializers: { name: string; dims: number[]; data: Float32Array }[];
  nodes: GraphNode[];
}

const valueInfo = (name: string, dims: number[]) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

/** A float32 graph as ONNX model bytes (IR 8, opset 17). */
export function encodeGraph(g: FloatGraph): Uint8Array {
  const model = {
    irVersion: 8,
    producerName: 'vla-playground bench',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'bench',
      input: [valueInfo(g.input.name, g.input.dims)],
      output: [valueInfo(g.output.name, g.output.dims)],
      initializer: g.initializers.map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: FLOAT,
        rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
      node: g.nodes.map((n, i) => ({
        name: `n${i}`,
        opType: n.op,
        input: n.inputs,
        output: [n.output],
        attribute: [
          ...Object.entries(n.ints ?? {}).map(([name, ints]) => ({ name, ints, type: ATTR_INTS })),
          ...Object.entries(n.int ?? {}).map(([name, i]) => ({ name, i, type: ATTR_INT })),
        ],
      })),
    },
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`bad bench graph: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Deterministic small weights: the kernels' speed does not depend on values, only on finite floats. */
function weights(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 0.1;
  }
  return out;
}

/** `count` dependent Adds on a [1, width] tensor: next to no arithmetic, so the time is per-op dispatch. */
export function dispatchChain(count: number, width = 64): FloatGraph {
  const nodes: GraphNode[] = [];
  let prev = 'x';
  for (let i = 0; i < count; i++) {
    const out = i === count - 1 ? 'y' : `t${i}`;
    nodes.push({ op: 'Add', inputs: [prev, 'b'], output: out });
    prev = out;
  }
  return {
    input: { name: 'x', dims: [1, width] },
    output: { name: 'y', dims: [1, width] },
    initializers: [{ name: 'b', dims: [width], data: weights(width, 1) }],
    nodes,
  };
}

/** 3x3 convolutions (padding 1) with the given channel widths and strides, on a [1, 3, size, size] image. */
export function convStack(size: number, channels: number[], strides: number[]): FloatGraph {
  const nodes: GraphNode[] = [];
  const initializers: FloatGraph['initializers'] = [];
  let cin = 3;
  let hw = size;
  let prev = 'x';
  channels.forEach((cout, i) => {
    const w = `w${i}`;
    initializers.push({ name: w, dims: [cout, cin, 3, 3], data: weights(cout * cin * 9, 10 + i) });
    const out = i === channels.length - 1 ? 'y' : `c${i}`;
    nodes.push({ op: 'Conv', inputs: [prev, w], output: out, ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [strides[i], strides[i]] } });
    hw = Math.floor((hw + 2 - 3) / strides[i]) + 1;
    cin = cout;
    prev = out;
  });
  return { input: { name: 'x', dims: [1, 3, size, size] }, output: { name: 'y', dims: [1, cin, hw, hw] }, initializers, nodes };
}

/** `count` dependent [rows, width] x [width, width] MatMuls: the shape of a transformer's projections. */
export function matmulChain(count: number, rows: number, width: number): FloatGraph {
  const nodes: GraphNode[] = [];
  const initializers: FloatGraph['initializers'] = [];
  let prev = 'x';
  for (let i = 0; i < count; i++) {
    initializers.push({ name: `w${i}`, dims: [width, width], data: weights(width * width, 100 + i) });
    const out = i === count - 1 ? 'y' : `m${i}`;
    nodes.push({ op: 'MatMul', inputs: [prev, `w${i}`], output: out });
    prev = out;
  }
  return { input: { name: 'x', dims: [rows, width] }, output: { name: 'y', dims: [rows, width] }, initializers, nodes };
}
