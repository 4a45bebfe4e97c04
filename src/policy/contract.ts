import { z } from 'zod';
import contractJson from './contract.json';

// Zod probes whether it may compile validators with `new Function`; under the app's Content-Security-Policy
// (scripts/lib/csp.ts) that probe is a reported violation even though zod falls back. Never probe.
z.config({ jitless: true });

// The model interface as one JSON file (contract.json) that training/vla/contract.py reads too. It is
// checked here, at import, so a contract that contradicts itself stops the app at once instead of
// surfacing later as a model fed the wrong shapes.

const names = z.array(z.string()).min(1);
const TensorSchema = z.object({
  name: z.string(),
  shape: names,
  dtype: z.enum(['float32', 'int32']),
  meaning: z.string(),
  camera: z.string().optional(),
  optional: z.boolean().optional(),
});

export const ContractSchema = z.object({
  format: z.literal('vla-playground-contract'),
  version: z.literal(1),
  dims: z.record(z.string(), z.number().int().positive().nullable()),
  inputs: z.array(TensorSchema),
  outputs: z.array(TensorSchema),
  cameras: z.array(z.object({
    name: z.string(), input: z.string(), width: z.number().int().positive(), height: z.number().int().positive(),
    channels: z.literal('RGB'), layout: z.literal('NCHW'), row0: z.literal('top'),
  })).min(1),
  pixels: z.object({ source: z.string(), formula: z.string(), arithmetic: z.string(), statistics: z.string() }),
  proprio: z.object({ input: z.string(), layout: names, formula: z.string(), statistics: z.string() }),
  action: z.object({
    output: z.string(),
    layout: names,
    chunk_length: z.number().int().positive(),
    control_hz: z.number().positive(),
    formula: z.string(),
    gripper: z.string(),
    gripper_dim: z.number().int().nonnegative(),
    gripper_decode: z.string(),
    clip: z.array(z.number().positive()),
    frames: z.string(),
    statistics: z.string(),
  }),
  tokenizer: z.object({
    type: z.literal('word'),
    lowercase: z.boolean(),
    split: z.string(),
    pad_id: z.number().int(),
    unk_id: z.number().int(),
    first_word_id: z.number().int(),
    max_length: z.number().int().positive(),
    rule: z.string(),
    case_mapping: z.string(),
    vocab_source: z.string(),
  }),
  labels: z.object({ objects: names, verbs: names, moves: names }),
  reasoning: z.object({
    min_plan_slots: z.number().int().positive(),
    future_points: z.number().int().nonnegative(),
    future_stride: z.number().int().positive(),
    point_coords: z.string(),
  }),
});

export type Contract = z.infer<typeof ContractSchema>;

/**
 * Every relation the contract's numbers must satisfy; training/vla/contract.py checks the same list.
 * Returns the first broken one, or null.
 */
export function contractProblem(c: Contract): string | null {
  const d = c.dims;
  const expect: [string, number | null | undefined, number][] = [
    ['dims.tokens = tokenizer.max_length', d.tokens, c.tokenizer.max_length],
    ['dims.proprio = len(proprio.layout)', d.proprio, c.proprio.layout.length],
    ['dims.action = len(action.layout)', d.action, c.action.layout.length],
    ['len(action.clip) = dims.action', c.action.clip.length, c.action.layout.length],
    ['dims.chunk = action.chunk_length', d.chunk, c.action.chunk_length],
    ['dims.cameras = len(cameras)', d.cameras, c.cameras.length],
    ['dims.objects = len(labels.objects)', d.objects, c.labels.objects.length],
    ['dims.verbs_and_empty = len(labels.verbs) + 1', d.verbs_and_empty, c.labels.verbs.length + 1],
    ['dims.moves = len(labels.moves)', d.moves, c.labels.moves.length],
    ['dims.points = 1 + reasoning.future_points', d.points, 1 + c.reasoning.future_points],
    ['dims.channels = 3 (RGB)', d.channels, 3],
    ...c.cameras.flatMap((cam): [string, number | null | undefined, number][] => [
      [`dims.height = cameras[${cam.name}].height`, d.height, cam.height],
      [`dims.width = cameras[${cam.name}].width`, d.width, cam.width],
    ]),
  ];
  for (const [what, got, want] of expect) if (got !== want) return `${what} (${got} != ${want})`;
  if (c.action.gripper_dim >= c.action.layout.length) return 'action.gripper_dim is outside action.layout';
  for (const t of [...c.inputs, ...c.outputs]) {
    const unknown = t.shape.find((s) => !(s in d));
    if (unknown) return `${t.name}.shape names dim "${unknown}" that dims does not define`;
  }
  const camInputs = c.cameras.map((cam) => cam.input);
  const want = [...camInputs, 'tokens', c.proprio.input];
  const got = c.inputs.map((i) => i.name);
  if (got.join() !== want.join()) return `inputs [${got.join(', ')}] should be the camera inputs, tokens and proprio [${want.join(', ')}]`;
  if (c.inputs.some((i, k) => k < camInputs.length && i.camera !== c.cameras[k].name)) return 'image inputs must name their camera, in cameras order';
  if (c.outputs[0]?.name !== c.action.output) return `the first output must be action.output "${c.action.output}"`;
  return null;
}

function load(json: unknown): Contract {
  const c = ContractSchema.parse(json);
  const problem = contractProblem(c);
  if (problem) throw new Error(`src/policy/contract.json: ${problem}`);
  return c;
}

export const CONTRACT: Contract = load(contractJson);

/** Fixed sizes of the contract's named dims; the model-defined ones (null in the contract) are absent. */
export const FIXED_DIMS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(CONTRACT.dims).filter((e): e is [string, number] => e[1] !== null),
);

export const INPUT_NAMES: readonly string[] = CONTRACT.inputs.map((t) => t.name);
/** Outputs every model has; optional ones (keypoints) are decoded when present. */
export const REQUIRED_OUTPUT_NAMES: readonly string[] = CONTRACT.outputs.filter((t) => !t.optional).map((t) => t.name);

/** Where a concrete shape disagrees with the contract's named one, in words; null when it fits. */
export function shapeMismatch(named: readonly string[], shape: readonly number[]): string | null {
  if (named.length !== shape.length) return `has ${shape.length} dims, the contract says ${named.length} [${named.join(', ')}]`;
  for (let i = 0; i < named.length; i++) {
    const want = FIXED_DIMS[named[i]];
    if (want !== undefined && shape[i] !== want) return `dim ${i} (${named[i]}) is ${shape[i]}, the contract says ${want}`;
  }
  return null;
}
