import LEXICON from './lexicon.json';
import type { Colour } from './program';
import { deletions, osa, words, type Word } from './text';
import * as W from './words';

// The dictionary: every word or phrase the parser knows, as a token kind. Content words come from
// WordNet (lexicon.json, built by scripts/build-lexicon.ts), function words from words.ts. Reading a
// text gives tokens in order, each with the words as typed, plus the typos corrected and the words not
// understood.

export type Verb = 'move' | 'pick' | 'drop' | 'open' | 'close' | 'press' | 'push' | 'pull';
export type Noun = 'cube' | 'bowl' | 'plate' | 'drawer' | 'button';
export type Tok =
  | { t: 'verb'; v: Verb }
  | { t: 'noun'; v: Noun }
  | { t: 'landmark'; v: 'robot' | 'table' | 'cabinet' }
  | { t: 'absent'; v: string }
  | { t: 'colour'; v: Colour }
  | { t: 'other_colour'; v: string }
  | { t: 'side'; v: 'left' | 'right' }
  | { t: 'near'; v: W.Near }
  | { t: 'prep'; v: 'in' | 'on' | 'to' | 'from' | 'of'; dir?: true }
  | { t: 'particle'; v: 'up' | 'down' | 'shut' | 'open' | 'away' }
  | { t: 'it' }
  | { t: 'one' }
  | { t: 'all' }
  | { t: 'then' }
  | { t: 'first' }
  | { t: 'and' }
  | { t: 'sep' }
  | { t: 'after' }
  | { t: 'before' }
  | { t: 'filler' }
  | { t: 'unknown' };

export interface Token {
  tok: Tok;
  /** The words as typed. */
  text: string;
  start: number;
  end: number;
}

export interface Reading {
  tokens: Token[];
  corrections: Array<{ from: string; to: string }>;
  unknown: string[];
}

const CONCEPT_TOK: Record<string, Tok> = {
  move: { t: 'verb', v: 'move' }, pick: { t: 'verb', v: 'pick' }, drop: { t: 'verb', v: 'drop' },
  open: { t: 'verb', v: 'open' }, close: { t: 'verb', v: 'close' }, press: { t: 'verb', v: 'press' },
  push: { t: 'verb', v: 'push' }, pull: { t: 'verb', v: 'pull' },
  cube: { t: 'noun', v: 'cube' }, bowl: { t: 'noun', v: 'bowl' }, plate: { t: 'noun', v: 'plate' },
  drawer: { t: 'noun', v: 'drawer' }, button: { t: 'noun', v: 'button' },
  robot: { t: 'landmark', v: 'robot' }, cabinet: { t: 'landmark', v: 'cabinet' },
  red: { t: 'colour', v: 'red' }, green: { t: 'colour', v: 'green' }, blue: { t: 'colour', v: 'blue' }, yellow: { t: 'colour', v: 'yellow' },
};

function build(): { single: Map<string, Tok>; phrases: Array<{ words: string[]; tok: Tok | string }> } {
  const single = new Map<string, Tok>();
  const phrases: Array<{ words: string[]; tok: Tok | string }> = [];
  const add = (word: string, tok: Tok) => {
    if (word.includes(' ')) phrases.push({ words: word.split(' '), tok });
    else if (!single.has(word)) single.set(word, tok);
  };
  // Hand-made function words first: "close" in "close to" and "by" are handled as phrases, and WordNet
  // must not turn a preposition or sequence word into something else.
  for (const w of W.THEN) add(w, { t: 'then' });
  for (const w of W.FIRST) add(w, { t: 'first' });
  for (const [w, v] of Object.entries(W.SIDE_WORDS)) add(w, { t: 'side', v });
  for (const [w, v] of Object.entries(W.NEAR_WORDS)) add(w, { t: 'near', v });
  for (const [w, v] of Object.entries(W.PREPOSITIONS)) add(w, W.DIRECTIONAL.includes(w) ? { t: 'prep', v, dir: true } : { t: 'prep', v });
  for (const [w, v] of Object.entries(W.LANDMARKS)) add(w, { t: 'landmark', v });
  for (const w of W.PRONOUNS) add(w, { t: 'it' });
  for (const w of W.ALL) add(w, { t: 'all' });
  add('one', { t: 'one' });
  add('ones', { t: 'one' });
  add('and', { t: 'and' });
  add('after', { t: 'after' });
  add('before', { t: 'before' });
  // "take" and "lift" are in both: on their own they pick up ("take the cube on the plate").
  for (const w of LEXICON.concepts.pick.words) add(w, CONCEPT_TOK.pick);
  for (const [concept, tok] of Object.entries(CONCEPT_TOK)) {
    for (const w of (LEXICON.concepts as Record<string, { words: string[] }>)[concept].words) add(w, tok);
  }
  for (const w of LEXICON.concepts.other_colour.words) add(w, { t: 'other_colour', v: w });
  for (const [w, v] of Object.entries(W.PARTICLES)) add(w, { t: 'particle', v });
  for (const w of W.ABSENT_THINGS) add(w, { t: 'absent', v: w });
  for (const w of W.FILLERS) add(w, { t: 'filler' });
  for (const [p, stands] of W.PHRASES) phrases.push({ words: p.split(' '), tok: stands });
  phrases.sort((a, b) => b.words.length - a.words.length);
  return { single, phrases };
}

const DICT = build();
const NOT_TYPOS = new Set(LEXICON.notTypos);

let typoIndex: Map<string, string[]> | null = null;
/** Known single words (not fillers) by their one-deletion keys. */
function typoCandidates(w: string): string[] {
  if (!typoIndex) {
    typoIndex = new Map();
    for (const [k, tok] of DICT.single) {
      if (tok.t === 'filler' && k.length < 5) continue;
      for (const key of deletions(k)) typoIndex.set(key, [...(typoIndex.get(key) ?? []), k]);
    }
  }
  const out = new Set<string>();
  for (const key of deletions(w)) for (const k of typoIndex.get(key) ?? []) if (osa(w, k) === 1) out.add(k);
  return [...out];
}

const sameTok = (a: Tok, b: Tok) => JSON.stringify(a) === JSON.stringify(b);

/** Plurals and verb forms: "cubes", "boxes", "placed", "dropping", "pressing". */
function stems(w: string): string[] {
  const out: string[] = [];
  const add = (s: string) => s.length >= 2 && out.push(s);
  if (w.endsWith('ies')) add(`${w.slice(0, -3)}y`);
  if (w.endsWith('es')) add(w.slice(0, -2));
  if (w.endsWith('s')) add(w.slice(0, -1));
  for (const suffix of ['ed', 'ing']) {
    if (!w.endsWith(suffix)) continue;
    const s = w.slice(0, -suffix.length);
    add(s);
    add(`${s}e`);
    if (s.length > 2 && s[s.length - 1] === s[s.length - 2]) add(s.slice(0, -1));
  }
  if (w.endsWith('d')) add(w.slice(0, -1));
  return out;
}

export interface WordReading {
  tok: Tok;
  corrected?: string;
}

/** One word on its own: known, an inflection of a known word, or a typo of exactly one meaning. */
export function readWord(w: string): WordReading {
  const known = DICT.single.get(w);
  if (known) return { tok: known };
  for (const s of stems(w)) {
    const tok = DICT.single.get(s);
    if (tok && tok.t !== 'filler') return { tok };
  }
  if (w.length < 5 || /\p{N}/u.test(w) || w in W.FOREIGN || NOT_TYPOS.has(w)) return { tok: { t: 'unknown' } };
  const cands = typoCandidates(w);
  const toks = cands.map((c) => DICT.single.get(c)!);
  if (toks.length > 0 && toks.every((t) => sameTok(t, toks[0]))) return { tok: toks[0], corrected: cands[0] };
  return { tok: { t: 'unknown' } };
}

function phraseAt(ws: Word[], i: number): { length: number; tok: Tok | string } | null {
  for (const p of DICT.phrases) {
    if (p.words.every((x, k) => ws[i + k] && !ws[i + k].sep && ws[i + k].w === x)) return { length: p.words.length, tok: p.tok };
  }
  return null;
}

export function read(text: string): Reading {
  const ws = words(text);
  const tokens: Token[] = [];
  const corrections: Reading['corrections'] = [];
  const unknown: string[] = [];
  const push = (tok: Tok, from: Word[]) =>
    tokens.push({ tok, text: from.map((x) => x.raw).join(' '), start: from[0].start, end: from[from.length - 1].end });
  for (let i = 0; i < ws.length; ) {
    const word = ws[i];
    if (word.sep) {
      push(word.w === '&' ? { t: 'and' } : { t: 'sep' }, [word]);
      i += 1;
      continue;
    }
    const phrase = phraseAt(ws, i);
    if (phrase) {
      const span = ws.slice(i, i + phrase.length);
      push(typeof phrase.tok === 'string' ? readWord(phrase.tok).tok : phrase.tok, span);
      i += phrase.length;
      continue;
    }
    const r = readWord(word.w);
    if (r.corrected) corrections.push({ from: word.raw, to: r.corrected });
    if (r.tok.t === 'unknown') unknown.push(word.raw);
    push(r.tok, [word]);
    i += 1;
  }
  return { tokens, corrections, unknown };
}

/** Why a word was not read, when it is known to be another language's. */
export function foreignNote(word: string): string | null {
  const w = word.normalize('NFC').toLowerCase();
  return w in W.FOREIGN ? `"${word}" looks like ${W.FOREIGN[w]}` : null;
}

/** Every single word the dictionary maps to `tok` (tests, the sampler's checks). */
export function wordsFor(tok: Tok): string[] {
  return [...DICT.single].filter(([, t]) => sameTok(t, tok)).map(([w]) => w);
}
