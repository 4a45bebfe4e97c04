import type { TaskDef } from '../sim/tasks';
import { OPEN_SUITE } from './judge';
import { sampleOpenEpisode, type Split } from './sampler';

// The compositional suite as task definitions, so every host (eval's Node lanes, the runner page, the app)
// runs it through the same door as the twenty named tasks: one id per split, a seed picks the layout, the
// program and its wording (docs/language.md).

export const OPEN_SPLITS: readonly Split[] = ['train', 'heldout', 'all'];

function openTask(split: Split): TaskDef {
  const id = `open/${split}`;
  return {
    id,
    suite: OPEN_SUITE,
    title: `Open instructions (${split} split)`,
    templates: [],
    sample(seed) {
      const ep = sampleOpenEpisode(seed, split);
      return { ...ep.spec, taskId: id, text: ep.text };
    },
  };
}

export const OPEN_TASKS: readonly TaskDef[] = OPEN_SPLITS.map(openTask);
