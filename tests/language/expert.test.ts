import { beforeAll, describe, expect, it } from 'vitest';
import type { TabletopEnv } from '../../src/sim/env';
import { Episode } from '../../src/sim/episode';
import { ExpertPolicy } from '../../src/sim/expertPolicy';
import { describeProgram } from '../../src/language/program';
import { sampleOpenEpisode, type Split } from '../../src/language/sampler';
import { sharedEnv } from '../sim/helpers';

// The scripted expert carries out sampled open programs (1-5 atoms, colour and spatial references) on
// evaluation seeds, judged by Episode goal by goal. The quick run here is a regression guard; the figure
// in docs/language.md comes from a larger sample:
//   LANG_EXPERT_PROGRAMS=100 LANG_EXPERT_SPLIT=all npx vitest run tests/language/expert.test.ts

const PROGRAMS = Number(process.env.LANG_EXPERT_PROGRAMS ?? 12);
const SPLIT = (process.env.LANG_EXPERT_SPLIT ?? 'all') as Split;
const FIRST_SEED = Number(process.env.LANG_EXPERT_SEED ?? 1_000_000);
const TARGET = 0.98;

let env: TabletopEnv;
beforeAll(async () => {
  env = await sharedEnv();
});

describe('scripted expert on open programs', () => {
  it(`succeeds on >= ${TARGET * 100}% of ${PROGRAMS} ${SPLIT} programs from seed ${FIRST_SEED}`, () => {
    const failures: string[] = [];
    let atoms = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + PROGRAMS; seed++) {
      const sample = sampleOpenEpisode(seed, SPLIT);
      const ep = new Episode(env, sample.spec);
      const pol = new ExpertPolicy();
      while (!ep.done) ep.apply(pol.decide(ep).actions[0]);
      atoms += sample.program.length;
      if (ep.status !== 'success') failures.push(`seed ${seed}: ${describeProgram(sample.program)}: ${ep.completed}/${sample.program.length} done, ${ep.reason}`);
    }
    const rate = 1 - failures.length / PROGRAMS;
    console.log(`expert: ${PROGRAMS - failures.length}/${PROGRAMS} programs (${atoms} atoms), ${(rate * 100).toFixed(1)}%`);
    expect(rate, failures.join('\n')).toBeGreaterThanOrEqual(TARGET);
  }, 30_000 + PROGRAMS * 5_000);
});
