import { describe, expect, it } from 'vitest';
import { parse, type ParseResult } from '../../src/language/parse';
import { programToGoals } from '../../src/language/judge';
import { wordsFor } from '../../src/language/lexicon';
import { Rng } from '../../src/sim/rng';
import { sampleOpenEpisode } from '../../src/language/sampler';
import { table } from './helpers';

// Fuzzing: random and hostile strings always get an answer of the right shape, quickly, and every
// program or option the parser offers can run on its scene.

/**
 * Bounds per call, generous for 2 CPU cores shared with other work (a garbage collection or another
 * process can stall any one call); a typical call takes well under a millisecond.
 */
const MAX_MS = 250;
const MEDIAN_MS = 5;

const VOCAB = [
  ...['put', 'place', 'stack', 'open', 'close', 'press', 'push', 'pull', 'pick up', 'drop', 'grab'],
  ...['cube', 'cubes', 'block', 'bowl', 'plate', 'dish', 'drawer', 'button', 'robot', 'it', 'one', 'them'],
  ...['red', 'green', 'blue', 'yellow', 'purple', 'crimson', 'leftmost', 'rightmost', 'nearest', 'farthest', 'far', 'left', 'right'],
  ...['in', 'on', 'onto', 'into', 'to', 'from', 'of', 'top', 'next to', 'beside', 'closest to', 'the', 'a', 'and', 'then', 'after', 'before'],
  ...['first', 'finally', 'after that', ',', '.', ';', 'please', 'could you', 'up', 'down', 'shut', 'ball', 'bleu', 'Würfel', 'plaec'],
];

const HOSTILE = [
  '', ' ', '\u0000', '\n\n\t', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '{}', '[]', 'null', 'undefined', 'NaN',
  '%s%s%s%n', '<script>alert(1)</script>', "'; DROP TABLE cubes; --", '\\', '"'.repeat(50), '\u202eevlos\u202c', '\ud800', '\udfff',
  '🟥 cube → 🥣', 'put the 🟥 in the 🥣', 'ｐｕｔ ｔｈｅ ｒｅｄ ｃｕｂｅ', 'put\u00a0the\u2003red\u200bcube in the bowl', 'e\u0301'.repeat(100),
  'a'.repeat(300), 'a'.repeat(301), 'and '.repeat(70), 'then '.repeat(60), ', '.repeat(150), 'the '.repeat(75), 'it '.repeat(100),
  'put put put put put put put put put put', 'cube cube cube cube cube cube', 'red red red red red cube in the bowl',
  'put the red cube in the bowl '.repeat(10), 'put the red cube in the bowl then '.repeat(8).slice(0, 299),
  'stack the red cube on the green cube on the blue cube on the yellow cube', 'next to next to next to the bowl',
  'put the cube on the cube on the cube on the cube', 'the the the red and and and blue and', 'left right left right cube',
  'open close open close the drawer', 'pick up', 'put', 'then', 'and', 'first', 'finally,', 'after', 'before after',
  'put the it in the it', 'put the one on the one', 'put them in the bowl', 'drop it', 'push', 'pull', 'press',
  'x'.repeat(299), '1234567890', '3.14 cubes', '¿dónde está el cubo rojo?', 'положи красный куб в миску', '把红色方块放进碗里',
];

function checkShape(r: ParseResult, scene: ReturnType<typeof table>): void {
  expect(['program', 'clarify', 'refuse']).toContain(r.kind);
  expect(Array.isArray(r.unknownWords)).toBe(true);
  // parse() catches what it did not foresee; nothing here may end up there.
  if (r.kind === 'refuse') expect(r.message).not.toMatch(/^Could not read this instruction/);
  if (r.kind === 'program') {
    expect(r.program.length).toBeGreaterThanOrEqual(1);
    expect(r.program.length).toBeLessThanOrEqual(5);
    expect(r.steps.length).toBe(r.program.length);
    expect(() => programToGoals(r.program, scene)).not.toThrow();
  }
  if (r.kind === 'clarify') {
    expect(r.question.length).toBeGreaterThan(0);
    expect(r.options.length).toBeGreaterThanOrEqual(2);
    expect(r.options.length).toBeLessThanOrEqual(8);
    for (const o of r.options) expect(() => programToGoals(o.program, scene)).not.toThrow();
  }
}

function timed(text: unknown, scene: ReturnType<typeof table>): { r: ParseResult; ms: number } {
  const t0 = performance.now();
  const r = parse(text, scene);
  return { r, ms: performance.now() - t0 };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('fuzzing the parser', () => {
  // The first call builds the typo index and warms the JIT.
  parse('put the red cube in the bowl', table());
  const scenes = [table(), table({ drawer: -0.12 }), table({ without: ['green_cube', 'yellow_cube'] }), { objects: {}, drawer: 0 }];

  it('answers hostile strings', () => {
    const times: number[] = [];
    for (const scene of scenes) {
      for (const s of HOSTILE) {
        const { r, ms } = timed(s, scene);
        checkShape(r, scene);
        times.push(ms);
      }
    }
    expect(Math.max(...times)).toBeLessThan(MAX_MS);
    expect(median(times)).toBeLessThan(MEDIAN_MS);
  });

  it('answers 3000 random word salads from its own vocabulary', () => {
    const rng = new Rng(99);
    const kinds = { program: 0, clarify: 0, refuse: 0 };
    const times: number[] = [];
    for (let k = 0; k < 3000; k++) {
      const n = 1 + rng.int(24);
      const text = Array.from({ length: n }, () => rng.pick(VOCAB)).join(' ');
      const scene = rng.pick(scenes);
      const { r, ms } = timed(text, scene);
      checkShape(r, scene);
      kinds[r.kind] += 1;
      times.push(ms);
    }
    expect(Math.max(...times)).toBeLessThan(MAX_MS);
    expect(median(times)).toBeLessThan(MEDIAN_MS);
    // The salads exercise every kind of answer.
    expect(kinds.program).toBeGreaterThan(50);
    expect(kinds.clarify).toBeGreaterThan(50);
    expect(kinds.refuse).toBeGreaterThan(50);
  });

  it('answers random characters, including every script and control characters', () => {
    const rng = new Rng(7);
    const times: number[] = [];
    for (let k = 0; k < 1500; k++) {
      const n = rng.int(320);
      const text = Array.from({ length: n }, () => String.fromCodePoint(rng.next() < 0.7 ? 32 + rng.int(95) : rng.int(0x2ffff))).join('');
      const { r, ms } = timed(text, scenes[0]);
      checkShape(r, scenes[0]);
      times.push(ms);
    }
    expect(Math.max(...times)).toBeLessThan(MAX_MS);
    expect(median(times)).toBeLessThan(MEDIAN_MS);
  });

  it('answers sampled instructions with one word dropped, doubled or misspelled', () => {
    const rng = new Rng(3);
    for (let seed = 0; seed < 300; seed++) {
      const ep = sampleOpenEpisode(1_000_000 + seed, 'all');
      const words = ep.text.split(' ');
      const i = rng.int(words.length);
      const w = words[i];
      const variants = [
        [...words.slice(0, i), ...words.slice(i + 1)],
        [...words.slice(0, i), w, w, ...words.slice(i + 1)],
        [...words.slice(0, i), w.slice(1) + w[0], ...words.slice(i + 1)],
      ];
      for (const v of variants) checkShape(timed(v.join(' '), ep.spec.init).r, ep.spec.init);
    }
  });

  it('knows a word for every token kind it is fuzzed with', () => {
    expect(wordsFor({ t: 'verb', v: 'press' })).toContain('press');
    expect(wordsFor({ t: 'colour', v: 'red' })).toContain('crimson');
  });
});
