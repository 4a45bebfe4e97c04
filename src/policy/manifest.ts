import { z } from 'zod';
import { CONTRACT, shapeMismatch } from './contract';
import { checkInputLayout } from './inputLayout';
import { ManifestError } from './manifestError';
import { availableOutputs, type OutputAvailability } from './outputGroups';

// The model manifest (public/models/<name>/manifest.json): everything the app needs to feed the ONNX model
// and read its outputs. The shipped model repeats the whole interface contract (contract.json) with its
// own statistics, vocabulary and model-defined sizes; a model brought by a person (docs/byo-policy.md) may
// declare less: which cameras at which resolution, a subset of the proprio layout, no text input, and
// only the action chunk among the outputs. A model that does not fit is refused with a message naming
// the mismatch.

export const SIM_CAMERAS = CONTRACT.cameras.map((c) => c.name);

const nums = z.array(z.number().finite());
/** Either statistics (x - mean) / std, or one factor x * scale (e.g. 1/255 for raw pixels). */
const NormalizationSchema = z.union([
  z.object({ mean: nums, std: nums }),
  z.object({ scale: z.number().finite().refine((s) => s !== 0, 'scale must not be 0') }),
]);
const CameraSchema = z.object({
  name: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  normalization: NormalizationSchema,
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
const TensorSchema = z.object({ name: z.string(), shape: z.array(z.number().int()), meaning: z.string().default('') }).passthrough();
const AttentionSchema = z.object({
  layers: z.number().int().positive(),
  heads: z.number().int().positive(),
  queries: z.array(z.string()),
  segments: z.array(SegmentSchema),
});

export const ManifestSchema = z
  .object({
    name: z.string().default('model'),
    model: z.string().default('model.onnx'),
    /** The cameras the model reads; none for a blind (proprio-only) policy. */
    cameras: z.array(CameraSchema),
    /** Absent: the model has no text input. */
    tokenizer: TokenizerSchema.optional(),
    /** The one instruction a model without text input was trained for (shown instead of a text box). */
    fixed_instruction: z.string().optional(),
    proprio: z.object({ layout: z.array(z.string()), mean: nums.optional(), std: nums.optional(), scale: z.number().finite().optional() }).passthrough(),
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
    /** Older manifests may lack it; the ONNX session's own inputs are checked in any case. */
    inputs: z.array(TensorSchema).optional(),
    outputs: z.array(TensorSchema),
    /** Required with an attention output. */
    attention: AttentionSchema.optional(),
    /** Required with reasoning or box outputs (their classes are these labels). */
    vocab: z.object({ verbs: z.array(z.string()), objects: z.array(z.string()), moves: z.array(z.string()) }).optional(),
    /** Size and SHA-256 of the ONNX file: a truncated or swapped download is refused before it is parsed. */
    model_bytes: z.number().int().positive().optional(),
    model_sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    provenance: z.record(z.string(), z.unknown()).default({}),
  })
  // Unknown top-level fields are allowed and dropped: the app reads only these.
  .strip();

type RawManifest = z.infer<typeof ManifestSchema>;
export interface Normalization {
  mean: number[];
  std: number[];
}
export interface ManifestCamera {
  name: string;
  width: number;
  height: number;
  normalization: Normalization;
}

/** A checked manifest, normalisations resolved to mean/std and the outputs it has named by group. */
export type Manifest = Omit<RawManifest, 'cameras' | 'proprio'> & {
  cameras: ManifestCamera[];
  proprio: RawManifest['proprio'] & Normalization;
  /** Which optional output families the model has; the views say so where one is missing. */
  available: OutputAvailability;
};

/** Only the action chunk: every other output family is optional (outputGroups.ts). */
export const REQUIRED_OUTPUTS: readonly string[] = [CONTRACT.action.output];

export { ManifestError };

function sameList(what: string, got: readonly string[], want: readonly string[]): void {
  if (got.length !== want.length || got.some((g, i) => g !== want[i])) {
    throw new ManifestError(`manifest ${what} [${got.join(', ')}] does not match this app's [${want.join(', ')}]`);
  }
}

function resolveNormalization(what: string, n: { mean?: number[]; std?: number[]; scale?: number }, size: number): Normalization {
  if (n.mean && n.std) {
    if (n.mean.length !== size || n.std.length !== size) throw new ManifestError(`manifest ${what} has ${n.mean.length} means and ${n.std.length} stds for ${size} values`);
    if (n.std.some((s) => s === 0)) throw new ManifestError(`manifest ${what} has a std of 0`);
    return { mean: n.mean, std: n.std };
  }
  // x * scale is (x - 0) / (1 / scale): one formula in the preprocessing.
  if (n.scale !== undefined) return { mean: new Array<number>(size).fill(0), std: new Array<number>(size).fill(1 / n.scale) };
  if (size === 0) return { mean: [], std: [] };
  throw new ManifestError(`manifest ${what} needs mean and std, or scale`);
}

function checkCameras(m: RawManifest): ManifestCamera[] {
  const seen = new Set<string>();
  return m.cameras.map((cam) => {
    if (!SIM_CAMERAS.includes(cam.name)) {
      throw new ManifestError(`the model wants camera '${cam.name}' which this simulator does not have (it has ${SIM_CAMERAS.map((c) => `'${c}'`).join(' and ')})`);
    }
    if (seen.has(cam.name)) throw new ManifestError(`manifest lists camera '${cam.name}' twice`);
    seen.add(cam.name);
    // Pixel statistics are in 0..1 units; a scale is per raw byte value, so 1/255 gives 0..1.
    const n = 'scale' in cam.normalization ? { scale: cam.normalization.scale * 255 } : cam.normalization;
    return { name: cam.name, width: cam.width, height: cam.height, normalization: resolveNormalization(`camera '${cam.name}' normalization`, n, 3) };
  });
}

function checkProprio(m: RawManifest): Normalization {
  const seen = new Set<string>();
  for (const f of m.proprio.layout) {
    if (!CONTRACT.proprio.layout.includes(f)) {
      throw new ManifestError(`the model wants proprio field '${f}' which this simulator does not provide (it has ${CONTRACT.proprio.layout.join(', ')})`);
    }
    if (seen.has(f)) throw new ManifestError(`manifest proprio.layout lists '${f}' twice`);
    seen.add(f);
  }
  return resolveNormalization('proprio', m.proprio, m.proprio.layout.length);
}

function checkTokenizer(tok: NonNullable<RawManifest['tokenizer']>): void {
  // The rule lives in the contract and the app tokenizes by it; a model trained under another rule would
  // be fed ids it never saw.
  for (const k of ['type', 'lowercase', 'split', 'pad_id', 'unk_id', 'first_word_id', 'max_length'] as const) {
    if (tok[k] !== CONTRACT.tokenizer[k]) {
      throw new ManifestError(`manifest tokenizer.${k} is ${JSON.stringify(tok[k])}; the contract says ${JSON.stringify(CONTRACT.tokenizer[k])}`);
    }
  }
  if (tok.vocab.length === 0) throw new ManifestError('manifest tokenizer vocabulary is empty');
}

function checkOutputs(m: RawManifest): OutputAvailability {
  for (const name of REQUIRED_OUTPUTS) {
    if (!m.outputs.some((o) => o.name === name)) throw new ManifestError(`manifest lists no output "${name}"`);
  }
  const available = availableOutputs(m.outputs.map((o) => o.name));
  // Per-camera outputs keep the contract's shape (both cameras, simulator order) even for a model that
  // sees one camera, or its points and boxes would land in the wrong view.
  for (const t of m.outputs) {
    const spec = CONTRACT.outputs.find((s) => s.name === t.name);
    const bad = spec && shapeMismatch(spec.shape, t.shape);
    if (bad) throw new ManifestError(`manifest output "${t.name}" [${t.shape.join(', ')}] ${bad}`);
  }
  if (available.reasoning || available.boxes) {
    if (!m.vocab) throw new ManifestError('manifest has reasoning or box outputs but no vocab (their classes)');
  }
  if (m.vocab) {
    sameList('vocab.verbs', m.vocab.verbs, CONTRACT.labels.verbs);
    sameList('vocab.objects', m.vocab.objects, CONTRACT.labels.objects);
    sameList('vocab.moves', m.vocab.moves, CONTRACT.labels.moves);
  }
  if (available.attention) {
    if (!m.attention) throw new ManifestError('manifest has an attention output but no attention section (layers, heads, queries, segments)');
    const total = m.attention.segments.reduce((s, g) => Math.max(s, g.start + g.length), 0);
    const att = m.outputs.find((o) => o.name === 'attention')!;
    if (att.shape[att.shape.length - 1] !== total) {
      throw new ManifestError(`attention output has ${att.shape.at(-1)} context tokens but the segments cover ${total}`);
    }
  }
  return available;
}

/** Parse and check a manifest; throws ManifestError naming the first mismatch. */
export function parseManifest(json: unknown): Manifest {
  const r = ManifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ManifestError(`manifest field "${issue.path.join('.') || '(root)'}": ${issue.message}`);
  }
  const raw = r.data;
  const cameras = checkCameras(raw);
  const proprioNorm = checkProprio(raw);
  const dims = CONTRACT.dims;
  if (raw.action.mean.length !== dims.action || raw.action.std.length !== dims.action) {
    throw new ManifestError(`manifest action has ${raw.action.mean.length} dims; this app's controller takes ${dims.action}`);
  }
  if (raw.action.names) sameList('action.names', raw.action.names, CONTRACT.action.layout);
  if (raw.action.chunk_length !== CONTRACT.action.chunk_length) {
    throw new ManifestError(`manifest action.chunk_length is ${raw.action.chunk_length}; the contract says ${CONTRACT.action.chunk_length}`);
  }
  if (raw.tokenizer) checkTokenizer(raw.tokenizer);
  const available = checkOutputs(raw);
  const m: Manifest = { ...raw, cameras, proprio: { ...raw.proprio, ...proprioNorm }, available };
  if (raw.inputs) checkInputLayout(m, raw.inputs);
  return m;
}

export function outputShape(m: Manifest, name: string): number[] {
  const o = m.outputs.find((x) => x.name === name);
  if (!o) throw new ManifestError(`manifest lists no output "${name}"`);
  return o.shape;
}

export { checkModelSignature } from './inputLayout';
export type { OutputAvailability } from './outputGroups';
