import ENGLISH_SHORT from './englishShort.json';
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
  /** "second" before a cube word: the rank along an order. */
  | { t: 'ordinal'; v: number }
  /** "twice", "three times". */
  | { t: 'count'; v: number }
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
  /** A word under five letters was corrected: parse() keeps that only if the sentence then reads as steps. */
  tentative: boolean;
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
  for (const [w, v] of Object.entries(W.COUNT_WORDS)) add(w, { t: 'count', v });
  for (const [p, stands] of W.PHRASES) phrases.push({ words: p.split(' '), tok: stands });
  phrases.sort((a, b) => b.words.length - a.words.length);
  return { single, phrases };
}

const DICT = build();
const NOT_TYPOS = new Set(LEXICON.notTypos);
const SHORT_ENGLISH = new Set([...ENGLISH_SHORT.words, ...W.SHORT_ENGLISH_WORDS]);

let typoIndex: Map<string, string[]> | null = null;
/**
 * Known single words one edit from `w`, by their one-deletion keys. Count words are left out: they are not
 * WordNet's, so the English words near them ("twine") are not listed as not-typos.
 */
function near(w: string): string[] {
  if (!typoIndex) {
    typoIndex = new Map();
    for (const [k, tok] of DICT.single) {
      if (tok.t === 'count') continue;
      for (const key of deletions(k)) typoIndex.set(key, [...(typoIndex.get(key) ?? []), k]);
    }
  }
  const out = new Set<string>();
  for (const key of deletions(w)) for (const k of typoIndex.get(key) ?? []) if (osa(w, k) === 1) out.add(k);
  return [...out];
}

/** Candidates for a word of five letters or more: every known word but the short fillers. */
const typoCandidates = (w: string) => near(w).filter((k) => !(DICT.single.get(k)!.t === 'filler' && k.length < 5));

/**
 * Words that name something in an instruction. A short typo is corrected only into one of these, and only
 * when it is the one such word that close: "opne" is "open", though "one" is one edit from it too.
 */
const CONTENT = new Set<Tok['t']>(['verb', 'noun', 'colour', 'other_colour', 'absent', 'side', 'near', 'prep', 'particle', 'landmark']);

/**
 * The word a typo of three or four letters stands for, before English words are ruled out: the only content
 * word one edit away (a transposition, substitution, insertion or deletion); for three letters, the only
 * known word of any kind, as so many words are one edit from a three-letter word. Exported for the test
 * that lists the English words this would misread (englishShort.json).
 */
export function shortTypo(w: string): string | null {
  if (w.length < 3 || w.length > 4 || DICT.single.has(w)) return null;
  const all = near(w);
  const content = all.filter((k) => CONTENT.has(DICT.single.get(k)!.t));
  if (content.length !== 1) return null;
  const to = content[0];
  // "cubs", "pins": an English plural, not "cube" or "pink" with its last letter mistyped.
  if (w.endsWith('s') && to.length === w.length && w.slice(0, -1) === to.slice(0, -1)) return null;
  return w.length === 4 || all.length === 1 ? to : null;
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
  /** The correction of a word under five letters (see Reading.tentative). */
  tentative?: true;
}

/**
 * One word on its own: known, an inflection of a known word, or a typo of exactly one meaning. Words of
 * other languages and English words one edit from a known word are never typos.
 */
export function readWord(w: string): WordReading {
  const known = DICT.single.get(w);
  if (known) return { tok: known };
  for (const s of stems(w)) {
    const tok = DICT.single.get(s);
    if (tok && tok.t !== 'filler') return { tok };
  }
  if (/\p{N}/u.test(w) || w in W.FOREIGN || NOT_TYPOS.has(w)) return { tok: { t: 'unknown' } };
  if (w.length < 5) {
    const to = SHORT_ENGLISH.has(w) ? null : shortTypo(w);
    return to ? { tok: DICT.single.get(to)!, corrected: to, tentative: true } : { tok: { t: 'unknown' } };
  }
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

/** "two times", "3 times": the count, or null. */
function timesAt(ws: Word[], i: number): number | null {
  const next = ws[i + 1];
  if (!next || next.sep || !W.TIMES.includes(next.w)) return null;
  const w = ws[i].w;
  if (/^[0-9]+$/.test(w)) return Number(w);
  return W.NUMBER_WORDS[w] ?? null;
}

/**
 * "second" is an ordinal before a cube word, "one" or a place word, or before "from the left/right" ("the
 * cube second from the left"), and a sequence word otherwise.
 */
function ordinalAt(tokens: Token[], forms: string[], i: number): boolean {
  const rank = W.ORDINALS[forms[i]];
  if (rank === undefined) return false;
  const [next, after] = tokens.slice(i + 1).filter((t) => t.tok.t !== 'filler').map((t) => t.tok);
  const fromSide = next?.t === 'prep' && next.v === 'from' && after?.t === 'side';
  const cubeWord = fromSide || (next && ((next.t === 'noun' && next.v === 'cube') || next.t === 'one' || next.t === 'side' || next.t === 'near'));
  // "First the red cube, then ...": only "the first" is an ordinal.
  return !!cubeWord && (rank > 1 || forms[i - 1] === 'the');
}

const DISCOURSE_MARKERS: ReadonlySet<string> = new Set(['right', 'alright']);

/** Tokens of `text`. With `short: false`, words under five letters are not corrected. */
export function read(text: string, opts: { short: boolean } = { short: true }): Reading {
  const ws = words(text);
  const tokens: Token[] = [];
  /** The word each token was read as (corrected), for the ordinal check. */
  const forms: string[] = [];
  const corrections: Reading['corrections'] = [];
  let tentative = false;
  const push = (tok: Tok, from: Word[], form = from[0].w) => {
    tokens.push({ tok, text: from.map((x) => x.raw).join(' '), start: from[0].start, end: from[from.length - 1].end });
    forms.push(form);
  };
  for (let i = 0; i < ws.length; ) {
    const word = ws[i];
    if (word.sep) {
      push(word.w === '&' ? { t: 'and' } : { t: 'sep' }, [word]);
      i += 1;
      continue;
    }
    // "Right, put the red cube in the bowl": a first word set off by a comma is a discourse marker, not a side.
    if (i === 0 && DISCOURSE_MARKERS.has(word.w) && ws[1]?.sep && ws[1].w === ',') {
      push({ t: 'filler' }, [word]);
      i += 1;
      continue;
    }
    const times = timesAt(ws, i);
    if (times !== null) {
      push({ t: 'count', v: times }, ws.slice(i, i + 2));
      i += 2;
      continue;
    }
    const phrase = phraseAt(ws, i);
    if (phrase) {
      const span = ws.slice(i, i + phrase.length);
      push(typeof phrase.tok === 'string' ? readWord(phrase.tok).tok : phrase.tok, span);
      i += phrase.length;
      continue;
    }
    let r = readWord(word.w);
    if (r.tentative && !opts.short) r = { tok: { t: 'unknown' } };
    tentative ||= !!r.tentative;
    if (r.corrected) corrections.push({ from: word.raw, to: r.corrected });
    push(r.tok, [word], r.corrected ?? word.w);
    i += 1;
  }
  tokens.forEach((t, i) => {
    if (ordinalAt(tokens, forms, i)) t.tok = { t: 'ordinal', v: W.ORDINALS[forms[i]] };
  });
  // Unknown words are single words as typed ("fourth" is known only before a cube word).
  const unknown = tokens.filter((t) => t.tok.t === 'unknown').map((t) => t.text);
  return { tokens, corrections, unknown, tentative };
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
