import { ManifestError } from './manifestError';

// The model's optional outputs in the families the views draw from. Only the action chunk is required; a
// family is all there or absent, since its parts only mean something together (a box without its
// visibility logit, a plan without its subtask).

export const OUTPUT_GROUPS = {
  reasoning: ['plan_verb_logits', 'plan_object_logits', 'subtask_logits', 'move_logits'],
  points: ['gripper_points'],
  boxes: ['box_logits', 'boxes'],
  attention: ['attention'],
} as const;

export type OutputGroup = keyof typeof OUTPUT_GROUPS;
export type OutputAvailability = Record<OutputGroup, boolean>;

export const ALL_OUTPUTS: OutputAvailability = { reasoning: true, points: true, boxes: true, attention: true };

/** Which families a list of output names has; a family given in part is refused, naming what is missing. */
export function availableOutputs(names: readonly string[]): OutputAvailability {
  const out = {} as OutputAvailability;
  for (const [group, members] of Object.entries(OUTPUT_GROUPS) as [OutputGroup, readonly string[]][]) {
    const have = members.filter((n) => names.includes(n));
    if (have.length > 0 && have.length < members.length) {
      const missing = members.filter((n) => !names.includes(n));
      throw new ManifestError(`manifest lists ${have.join(', ')} but not ${missing.join(', ')}: the ${group} outputs come together or not at all`);
    }
    out[group] = have.length === members.length;
  }
  return out;
}
