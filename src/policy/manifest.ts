import { z } from 'zod';
import { CONTRACT, INPUT_NAMES, REQUIRED_OUTPUT_NAMES, shapeMismatch } from './contract';

// The model manifest (public/models/<name>/manifest.json): everything the app needs to feed the ONNX model
// and read its outputs. It repeats the interface contract (contract.json) with the model's own statistics,
// vocabulary and model-defined sizes. A model that does not match it, or a manifest that does not match
// the contract, is refused with a message naming the mismatch.

const CAMERA_NAMES = CONTRACT.cameras.map((c) => c.name) as [string, ...string[]];

const nums = z.array(z.number().finite());
const CameraSchema = z.object({
  name: z.enum(CAMERA_NAMES),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  normalization: z.object({ mean: nums.length(3), std: nums.length(3) }),
});
const TokenizerSchema = z.object({
  type: z.literal('word'),
  lowercase: z.boolean(),
  split: z.string(),
  pad_id: z.number().int(),
  unk_id: z.number().int(),
  max_length: z.number().int().positive(),
  first_word_id: z.number().int().default(2),
  vocab: z.array(z.string()),
});
const SegmentSchema = z.object({
  name: z.string(),
  start: z.number().int().nonnegative(),
  length: z.number().int().positive(),
  grid: z.tuple([z.number().int(), z.number().int()]).optional(),
});
const TensorSchema = z.object({ name: z.string(), shape: z.array(z.number().int()), meaning: z.string() }).passthrough();

export const ManifestSchema = z
  .object({
    name: z.string().default('model'),
    model: z.string().default('model.onnx'),
    cameras: z.array(CameraSchema).min(1),
    tokenizer: TokenizerSchema,
    proprio: z.object({ layout: z.array(z.string()), mean: nums, std: nums }).passthrough(),
    action: z
      .object({
        names: z.array(z.string()).optional(),
        mean: nums,
        std: nums,
        chunk_length: z.number().int().positive(),
        control_hz: z.number().positive(),
        /** Index of the binary gripper dimension (> 0 close); the last one when absent. */
        gripper_dim: z.number().int().nonnegative().optional(),
      })
      .passthrough(),
    /** Older manifests may lack it; the ONNX session's own input names are checked in any case. */
    inputs: z.array(TensorSchema).optional(),
    outputs: z.array(TensorSchema),
    attention: z.object({
      layers: z.number().int().positive(),
      heads: z.number().int().positive(),
      queries: z.array(z.string()),
      segments: z.array(SegmentSchema),
    }),
    vocab: z.object({ verbs: z.array(z.string()), objects: z.array(z.string()), moves: z.array(z.string()) }),
    /** Size and SHA-256 of the ONNX file: a truncated or swapped download is refused before it is parsed. */
    model_bytes: z.number().int().positive().optional(),
    model_sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    provenance: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough();

export type Manifest = z.infer<typeof ManifestSchema>;

export const REQUIRED_INPUTS = INPUT_NAMES;
export const REQUIRED_OUTPUTS = REQUIRED_OUTPUT_NAMES;

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

function sameList(what: string, got: readonly string[], want: readonly string[]): void {
  if (got.length !== want.length || got.some((g, i) => g !== want[i])) {
    throw new ManifestError(`manifest ${what} [${got.join(', ')}] does not match this app's [${want.join(', ')}]`);
  }
}

/** Parse and check a manifest; throws ManifestError naming the first mismatch. */
export function parseManifest(json: unknown): Manifest {
  const r = ManifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ManifestError(`manifest field "${issue.path.join('.') || '(root)'}": ${issue.message}`);
  }
  const m = r.data;
  const labels = CONTRACT.labels;
  sameList('vocab.verbs', m.vocab.verbs, labels.verbs);
  sameList('vocab.objects', m.vocab.objects, labels.objects);
  sameList('vocab.moves', m.vocab.moves, labels.moves);
  sameList('camera names', m.cameras.map((c) => c.name), CAMERA_NAMES);
  for (const cam of m.cameras) {
    const want = CONTRACT.cameras.find((c) => c.name === cam.name)!;
    if (cam.width !== want.width || cam.height !== want.height) {
      throw new ManifestError(`manifest camera "${cam.name}" is ${cam.width}x${cam.height}; the contract says ${want.width}x${want.height}`);
    }
  }
  const dims = CONTRACT.dims;
  if (m.proprio.mean.length !== dims.proprio || m.proprio.std.length !== dims.proprio) {
    throw new ManifestError(`manifest proprio has ${m.proprio.mean.length} dims; this app provides ${dims.proprio}`);
  }
  sameList('proprio.layout', m.proprio.layout, CONTRACT.proprio.layout);
  if (m.action.mean.length !== dims.action || m.action.std.length !== dims.action) {
    throw new ManifestError(`manifest action has ${m.action.mean.length} dims; this app's controller takes ${dims.action}`);
  }
  if (m.action.names) sameList('action.names', m.action.names, CONTRACT.action.layout);
  if (m.action.chunk_length !== CONTRACT.action.chunk_length) {
    throw new ManifestError(`manifest action.chunk_length is ${m.action.chunk_length}; the contract says ${CONTRACT.action.chunk_length}`);
  }
  // The rule lives in the contract and the app tokenizes by it; a model trained under another rule would
  // be fed ids it never saw.
  for (const k of ['type', 'lowercase', 'split', 'pad_id', 'unk_id', 'first_word_id', 'max_length'] as const) {
    if (m.tokenizer[k] !== CONTRACT.tokenizer[k]) {
      throw new ManifestError(`manifest tokenizer.${k} is ${JSON.stringify(m.tokenizer[k])}; the contract says ${JSON.stringify(CONTRACT.tokenizer[k])}`);
    }
  }
  for (const name of REQUIRED_OUTPUTS) {
    if (!m.outputs.some((o) => o.name === name)) throw new ManifestError(`manifest lists no output "${name}"`);
  }
  for (const [kind, tensors, specs] of [['input', m.inputs ?? [], CONTRACT.inputs], ['output', m.outputs, CONTRACT.outputs]] as const) {
    for (const t of tensors) {
      const spec = specs.find((s) => s.name === t.name);
      const bad = spec && shapeMismatch(spec.shape, t.shape);
      if (bad) throw new ManifestError(`manifest ${kind} "${t.name}" [${t.shape.join(', ')}] ${bad}`);
    }
  }
  const total = m.attention.segments.reduce((s, g) => Math.max(s, g.start + g.length), 0);
  const att = m.outputs.find((o) => o.name === 'attention')!;
  if (att.shape[att.shape.length - 1] !== total) {
    throw new ManifestError(`attention output has ${att.shape.at(-1)} context tokens but the segments cover ${total}`);
  }
  if (m.tokenizer.vocab.length === 0) throw new ManifestError('manifest tokenizer vocabulary is empty');
  return m;
}

/** Check a loaded ONNX session's declared inputs/outputs against the manifest. */
export function checkModelSignature(m: Manifest, inputNames: readonly string[], outputNames: readonly string[]): void {
  for (const n of REQUIRED_INPUTS) {
    if (!inputNames.includes(n)) throw new ManifestError(`model has no input "${n}" (it has: ${inputNames.join(', ')})`);
  }
  for (const o of m.outputs) {
    if (!outputNames.includes(o.name)) {
      throw new ManifestError(`manifest output "${o.name}" is missing from the model (it has: ${outputNames.join(', ')})`);
    }
  }
}

export function outputShape(m: Manifest, name: string): number[] {
  const o = m.outputs.find((x) => x.name === name);
  if (!o) throw new ManifestError(`manifest lists no output "${name}"`);
  return o.shape;
}
