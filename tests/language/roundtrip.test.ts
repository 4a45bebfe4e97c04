import { describe, expect, it } from 'vitest';
import { programToGoals } from '../../src/language/judge';
import { parse } from '../../src/language/parse';
import { describeProgram, sameProgram, type Program } from '../../src/language/program';
import { FIXTURE_FRAMES, PICK_VERBS, PLACE_FRAMES, PUT_VERBS, CUBE_NOUNS, PLATE_NOUNS, COLOUR_WORDS, SPATIAL_WORDS, JOINS, SENTENCES } from '../../src/language/render';
import { HELDOUT_ORDERS, HELDOUT_PAIRS, heldoutCompositions, sampleOpenEpisode, type Split } from '../../src/language/sampler';
import { resolveProgram } from '../../src/language/resolve';

// Property tests: every program the sampler draws, in every wording it draws, parses back to the same
// program on its own scene; the splits are deterministic and keep their held-out parts apart.

const SEEDS = 300;
const EVAL = 1_000_000;

function checkRoundTrip(split: Split, from: number): void {
  const failures: string[] = [];
  for (let seed = from; seed < from + SEEDS; seed++) {
    const ep = sampleOpenEpisode(seed, split);
    const r = parse(ep.text, ep.spec.init);
    if (r.kind !== 'program' || !sameProgram(r.program, ep.program)) {
      failures.push(`${seed}: "${ep.text}" -> ${r.kind === 'program' ? describeProgram(r.program) : r.kind}`);
      continue;
    }
    // The canonical English of the program reads back too.
    const plain = parse(describeProgram(ep.program), ep.spec.init);
    if (plain.kind !== 'program' || !sameProgram(plain.program, ep.program)) failures.push(`${seed}: plain "${describeProgram(ep.program)}"`);
    // Parse and the sampler agree on which cubes the goals are about.
    expect(r.steps.map((s) => s.resolved)).toEqual(resolvedOf(ep.program, ep.spec.init));
  }
  expect(failures).toEqual([]);
}

function resolvedOf(p: Program, scene: Parameters<typeof resolveProgram>[1]) {
  const r = resolveProgram(p, scene);
  return r.ok ? r.atoms : r;
}

describe('sampled programs parse back to themselves', () => {
  it(`train split, ${SEEDS} seeds`, () => checkRoundTrip('train', 0));
  it(`heldout split, ${SEEDS} seeds`, () => checkRoundTrip('heldout', EVAL));
  it(`all, ${SEEDS} seeds`, () => checkRoundTrip('all', EVAL + 50_000));
});

describe('the sampler', () => {
  it('is deterministic per seed and split', () => {
    for (const seed of [0, 7, EVAL, EVAL + 123]) {
      for (const split of ['train', 'heldout', 'all'] as const) {
        expect(JSON.stringify(sampleOpenEpisode(seed, split))).toBe(JSON.stringify(sampleOpenEpisode(seed, split)));
      }
    }
  });

  it('draws 1-5 atoms, every atom kind, colour and spatial references', () => {
    const lengths = new Set<number>();
    const kinds = new Set<string>();
    const refs = new Set<string>();
    for (let seed = 0; seed < 400; seed++) {
      const { program, spec } = sampleOpenEpisode(seed, 'all');
      lengths.add(program.length);
      expect(spec.goals.length).toBe(program.length);
      expect(spec.goals).toEqual(programToGoals(program, spec.init));
      for (const a of program) {
        kinds.add(a.kind === 'place' ? `place_${a.target.kind}` : a.kind);
        if (a.kind === 'place') refs.add(a.cube.kind === 'colour' ? a.cube.colour : a.cube.relation);
      }
    }
    expect([...lengths].sort()).toEqual([1, 2, 3, 4, 5]);
    expect([...kinds].sort()).toEqual(['close_drawer', 'open_drawer', 'place_bowl', 'place_cube', 'place_plate', 'press_button']);
    for (const r of ['red', 'green', 'blue', 'yellow', 'leftmost', 'rightmost', 'nearest', 'farthest', 'next_to_bowl', 'next_to_plate', 'in_bowl', 'on_plate']) expect(refs, r).toContain(r);
  });

  it('keeps held-out compositions and wordings out of train, and puts one in every heldout sample', () => {
    const heldoutWords = [PUT_VERBS, PICK_VERBS, CUBE_NOUNS, PLATE_NOUNS, ...Object.values(COLOUR_WORDS)]
      .flat()
      .filter((c) => c.heldout)
      .map((c) => c.text);
    for (let seed = 0; seed < 300; seed++) {
      const train = sampleOpenEpisode(seed, 'train');
      expect(train.heldout).toEqual([]);
      expect(heldoutCompositions(train.program)).toEqual([]);
      const words = train.text.toLowerCase().split(/[^a-z]+/);
      for (const w of heldoutWords.filter((x) => !x.includes(' '))) expect(words, `${seed}: ${train.text}`).not.toContain(w);
      const held = sampleOpenEpisode(EVAL + seed, 'heldout');
      expect(held.heldout.length).toBeGreaterThan(0);
    }
  });

  it('holds a heldout sample out by its composition or by its wording, half and half', () => {
    const kinds = { composition: 0, wording: 0 };
    for (let seed = 0; seed < 200; seed++) {
      const h = sampleOpenEpisode(EVAL + seed, 'heldout').heldout;
      const comp = h.filter((x) => /^(pair|order):/.test(x)).length;
      expect(comp === 0 || comp === h.length, h.join(', ')).toBe(true);
      kinds[comp ? 'composition' : 'wording'] += 1;
    }
    expect(kinds.composition).toBeGreaterThan(70);
    expect(kinds.wording).toBeGreaterThan(70);
  });

  it('holds out real pairs and orders that do occur', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 600; seed++) for (const h of heldoutCompositions(sampleOpenEpisode(EVAL + seed, 'heldout').program)) seen.add(h.split(':')[0]);
    expect(seen).toEqual(new Set(['pair', 'order']));
    expect(HELDOUT_PAIRS.length).toBeGreaterThan(0);
    expect(HELDOUT_ORDERS.length).toBeGreaterThan(0);
  });

  it('has wordings marked held out in every slot family', () => {
    for (const family of [PUT_VERBS, PICK_VERBS, CUBE_NOUNS, PLATE_NOUNS, JOINS, SENTENCES, ...Object.values(PLACE_FRAMES), ...Object.values(FIXTURE_FRAMES), ...Object.values(COLOUR_WORDS)]) {
      expect(family.some((c) => c.heldout)).toBe(true);
      expect(family.some((c) => !c.heldout)).toBe(true);
    }
    expect(Object.values(SPATIAL_WORDS).filter((f) => f.some((c) => c.heldout)).length).toBeGreaterThanOrEqual(6);
  });
});
