import type { TaskDef } from '../sim/tasks';
import { OPEN_SUITE, programToSpec } from './judge';
import { parse } from './parse';
import { describeProgram, sameProgram } from './program';
import { sampleOpenEpisode, type Split } from './sampler';

// The compositional suite as task definitions, so every host (eval's Node lanes, the runner page, the app)
// runs it through the same door as the twenty named tasks: one id per split, a seed picks the layout, the
// program and its wording (docs/language.md).
//
// An episode's goals come from reading its words, as they would in the app: the text goes through the
// parser on the episode's table, so an evaluation measures the parser and the policy together. A second id
// per split, `open/<split>/canonical`, says the same program on the same layout in one fixed wording
// (describeProgram), so `--wording canonical` against the sampled wording isolates what the words did.

export const OPEN_SPLITS: readonly Split[] = ['train', 'heldout', 'all'];
export type Wording = 'sampled' | 'canonical';
export const WORDINGS: readonly Wording[] = ['sampled', 'canonical'];

export function openTaskId(split: string, wording: Wording = 'sampled'): string {
  return wording === 'canonical' ? `open/${split}/canonical` : `open/${split}`;
}

function openTask(split: Split, wording: Wording): TaskDef {
  const id = openTaskId(split, wording);
  return {
    id,
    suite: OPEN_SUITE,
    title: `Open instructions (${split} split${wording === 'canonical' ? ', canonical wording' : ''})`,
    templates: [],
    sample(seed) {
      const ep = sampleOpenEpisode(seed, split);
      const text = wording === 'canonical' ? describeProgram(ep.program) : ep.text;
      const read = parse(text, ep.spec.init);
      // The sampler only draws what the parser reads back (tests/language/roundtrip.test.ts); a sample it
      // misreads is a bug in one of them, and an evaluation must say so rather than score another program.
      if (read.kind !== 'program' || !sameProgram(read.program, ep.program)) {
        throw new Error(`seed ${seed}: the parser does not read "${text}" as the sampled program (${read.kind})`);
      }
      return { ...programToSpec(read.program, ep.spec.init, seed, text), taskId: id };
    },
  };
}

export const OPEN_TASKS: readonly TaskDef[] = OPEN_SPLITS.flatMap((s) => WORDINGS.map((w) => openTask(s, w)));
