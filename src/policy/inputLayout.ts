import { CONTRACT } from './contract';
import type { Manifest } from './manifest';
import { ManifestError } from './manifestError';

// What this app feeds a model, derived from its manifest (cameras and their resolution, whether it reads
// text, which proprio fields), and the checks of that against what the manifest's `inputs` list and the
// ONNX file itself declare. Every mismatch is refused in words that name both sides.

export interface FedInput {
  name: string;
  dtype: 'float32' | 'int32';
  /** Dim names and sizes, batch first. */
  dims: { name: string; size: number }[];
  /** What the manifest says about this input, for messages. */
  says: string;
}

export function fedInputs(m: Pick<Manifest, 'cameras' | 'tokenizer' | 'proprio'>): FedInput[] {
  const out: FedInput[] = m.cameras.map((c) => ({
    name: `image_${c.name}`,
    dtype: 'float32',
    dims: [{ name: 'batch', size: 1 }, { name: 'channels', size: 3 }, { name: 'height', size: c.height }, { name: 'width', size: c.width }],
    says: `the manifest says ${c.width}x${c.height}`,
  }));
  if (m.tokenizer) {
    out.push({ name: 'tokens', dtype: 'int32', dims: [{ name: 'batch', size: 1 }, { name: 'tokens', size: CONTRACT.tokenizer.max_length }], says: `the contract says ${CONTRACT.tokenizer.max_length} tokens` });
  }
  if (m.proprio.layout.length) {
    const n = m.proprio.layout.length;
    out.push({ name: CONTRACT.proprio.input, dtype: 'float32', dims: [{ name: 'batch', size: 1 }, { name: 'proprio', size: n }], says: `the manifest's proprio.layout has ${n} fields` });
  }
  return out;
}

const fmt = (shape: readonly (number | string)[]) => `[${shape.join(', ')}]`;

/** The manifest's own `inputs` list against what its cameras, tokenizer and proprio layout imply. */
export function checkInputLayout(m: Manifest, listed: readonly { name: string; shape: number[] }[]): void {
  const fed = fedInputs(m);
  for (const t of listed) {
    const want = fed.find((f) => f.name === t.name);
    if (!want) throw new ManifestError(`manifest input "${t.name}" is not one this app feeds (it feeds ${fed.map((f) => f.name).join(', ') || 'nothing'})`);
    const cam = m.cameras.find((c) => `image_${c.name}` === t.name);
    if (cam && fmt(t.shape) !== fmt(want.dims.map((d) => d.size))) {
      throw new ManifestError(`manifest camera "${cam.name}" is ${cam.width}x${cam.height} but its input ${t.name} is ${fmt(t.shape)}`);
    }
    if (t.shape.length !== want.dims.length) throw new ManifestError(`manifest input "${t.name}" ${fmt(t.shape)} has ${t.shape.length} dims, expected ${want.dims.length}`);
    want.dims.forEach((d, i) => {
      if (t.shape[i] !== d.size) throw new ManifestError(`manifest input "${t.name}" ${fmt(t.shape)} dim ${i} (${d.name}) is ${t.shape[i]}, ${want.says}`);
    });
  }
}

/** The parts of an onnxruntime session's input metadata this check reads. */
export interface InputMeta {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

function explainMissing(name: string, inputNames: readonly string[]): string {
  const has = `it has: ${inputNames.join(', ') || 'none'}`;
  if (name === 'tokens') return `the manifest has a tokenizer but the model has no input "tokens" (${has})`;
  if (name.startsWith('image_')) return `the manifest lists camera '${name.slice(6)}' but the model has no input "${name}" (${has})`;
  return `model has no input "${name}" (${has})`;
}

function explainExtra(name: string): string {
  if (name === 'tokens') return 'the model reads text (input "tokens") but its manifest has no tokenizer';
  if (name.startsWith('image_')) return `the model wants input "${name}", a camera its manifest does not list`;
  if (name === CONTRACT.proprio.input) return 'the model reads proprio but its manifest proprio.layout is empty';
  return `the model wants input "${name}", which this app does not feed`;
}

/** Check a loaded ONNX session's inputs (names, and shapes and types where it declares them) and outputs against the manifest. */
export function checkModelSignature(m: Manifest, inputNames: readonly string[], outputNames: readonly string[], inputMeta: readonly InputMeta[] = []): void {
  const fed = fedInputs(m);
  for (const f of fed) if (!inputNames.includes(f.name)) throw new ManifestError(explainMissing(f.name, inputNames));
  for (const n of inputNames) if (!fed.some((f) => f.name === n)) throw new ManifestError(explainExtra(n));
  for (const f of fed) {
    const meta = inputMeta.find((x) => x.name === f.name);
    if (!meta?.isTensor) continue;
    if (meta.type && meta.type !== f.dtype) throw new ManifestError(`input ${f.name} is ${meta.type} but this app feeds ${f.dtype}`);
    const shape = meta.shape ?? [];
    // Symbolic dims (strings) take whatever is fed; only fixed sizes can disagree.
    const bad = shape.length > 0 && (shape.length !== f.dims.length || shape.some((s, i) => typeof s === 'number' && s !== f.dims[i].size));
    if (bad) throw new ManifestError(`input ${f.name} is ${fmt(shape)} but ${f.says}`);
  }
  for (const o of m.outputs) {
    if (!outputNames.includes(o.name)) {
      throw new ManifestError(`manifest output "${o.name}" is missing from the model (it has: ${outputNames.join(', ')})`);
    }
  }
}
