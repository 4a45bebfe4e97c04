import { TASKS, type TaskDef } from './tasks';

// Matching a typed instruction to one of the tasks the scripted expert can carry out. Pure string work, no
// DOM: it runs in the UI, in workers and in Node tests. The matcher never throws; when nothing fits it says
// which words it understood and which it did not, and offers the closest tasks.
//
// Over ~400 lines, knowingly: it is the twenty named tasks' matcher, kept whole until those tasks are
// programs that src/language/parse.ts reads; then this file goes (docs/language.md).

export interface TaskMatch {
  taskId: string;
  title: string;
  /** The template of the task that came closest to the instruction. */
  template: string;
  /** 0..1, weighted overlap of normalised words. */
  score: number;
  /** Why this task cannot be what the instruction asks for (a different colour, place, side...). */
  conflicts: string[];
}

export interface InstructionMatch {
  text: string;
  /** The instruction after normalisation (synonyms, phrases, typo corrections). */
  normalized: string[];
  /** Words as typed that were recognised (after typo correction). */
  understood: string[];
  /** Words as typed that mean nothing to any task. */
  unknown: string[];
  corrections: Array<{ from: string; to: string }>;
  /** The matched task when the match is unambiguous and free of conflicts; otherwise null. */
  best: TaskMatch | null;
  /** The closest tasks, best first (at most 3). */
  candidates: TaskMatch[];
  /** One line for the UI. */
  message: string;
  /**
   * Set when the text is refused before matching (nothing typed, too long, a negation): there is nothing
   * the model should be given to try either.
   */
  refused?: 'empty' | 'too-long' | 'negation';
}

type Kind = 'colour' | 'spatial' | 'object' | 'verb' | 'other';

const COLOURS = new Set(['red', 'green', 'blue', 'yellow']);
const SPATIAL = new Set(['leftmost', 'rightmost', 'nearest', 'farthest', 'beside']);
const OBJECT_WORDS = new Set(['cube', 'bowl', 'plate', 'drawer', 'button', 'robot', 'cabinet']);
const VERB_WORDS = new Set(['put', 'stack', 'open', 'close', 'press', 'pull']);

const WEIGHT: Record<Kind, number> = { colour: 3, spatial: 3, object: 2, verb: 1.5, other: 0.3 };
// Words every pick-and-place shares carry little information about which task is meant.
const WEAK: Record<string, number> = { cube: 0.8, put: 0.5, in: 0.6, on: 0.6 };

/** Multi-word phrases first, so "pick up" or "far left" become one meaning before single words are mapped. */
const PHRASES: Array<[string[], string[]]> = [
  [['on', 'top', 'of'], ['on']],
  [['far', 'left'], ['leftmost']],
  [['far', 'right'], ['rightmost']],
  [['left', 'most'], ['leftmost']],
  [['right', 'most'], ['rightmost']],
  [['left', 'hand'], ['leftmost']],
  [['right', 'hand'], ['rightmost']],
  [['next', 'to'], ['beside']],
  [['close', 'to'], ['nearest']],
  [['closest', 'to'], ['nearest']],
  [['nearest', 'to'], ['nearest']],
  [['near', 'to'], ['nearest']],
  [['far', 'from'], ['farthest']],
  [['farthest', 'from'], ['farthest']],
  [['furthest', 'from'], ['farthest']],
  [['pick', 'up'], ['put']],
  [['push', 'down'], ['press']],
  [['press', 'down'], ['press']],
  [['turn', 'on'], ['press']],
  [['switch', 'on'], ['press']],
  [['in', 'to'], ['in']],
  [['on', 'to'], ['on']],
];

const SYNONYMS: Record<string, string> = {
  block: 'cube', box: 'cube', brick: 'cube', cubes: 'cube', blocks: 'cube', square: 'cube',
  bowls: 'bowl', basin: 'bowl', container: 'bowl', bin: 'bowl', cup: 'bowl',
  plates: 'plate', dish: 'plate', tray: 'plate', saucer: 'plate',
  drawers: 'drawer', buttons: 'button', switch: 'button',
  place: 'put', move: 'put', set: 'put', drop: 'put', bring: 'put', transfer: 'put', pick: 'put', grab: 'put',
  take: 'put', lift: 'put', carry: 'put', deposit: 'put', position: 'put', get: 'put', relocate: 'put', pickup: 'put',
  stacking: 'stack', pile: 'stack',
  push: 'press', hit: 'press', tap: 'press', click: 'press', pressing: 'press', depress: 'press', poke: 'press',
  opening: 'open', shut: 'close', closing: 'close',
  left: 'leftmost', right: 'rightmost',
  nearest: 'nearest', closest: 'nearest', nearer: 'nearest', near: 'nearest',
  farthest: 'farthest', furthest: 'farthest', farther: 'farthest', further: 'farthest', far: 'farthest', distant: 'farthest',
  beside: 'beside', by: 'beside', adjacent: 'beside', alongside: 'beside',
  onto: 'on', atop: 'on', upon: 'on', over: 'on',
  into: 'in', inside: 'in', within: 'in',
  arm: 'robot', robots: 'robot', base: 'robot', gripper: 'robot',
  cupboard: 'cabinet', cabinets: 'cabinet',
  grey: 'gray', crimson: 'red', scarlet: 'red', navy: 'blue', gold: 'yellow', lime: 'green',
};

/** Words that carry no task information at all. */
const STOPWORDS = new Set([
  'the', 'a', 'an', 'it', 'its', 'of', 'to', 'and', 'please', 'can', 'could', 'would', 'will', 'then', 'that',
  'this', 'those', 'these', 'them', 'up', 'one', 'now', 'also', 'after', 'afterwards', 'finally', 'next',
  'first', 'second', 'just', 'so', 'from', 'with', 'at', 'thing', 'object', 'item', 'piece', 'is', 'which',
  'there', 'here', 'some', 'kindly', 'go', 'ahead', 'carefully', 'gently', 'slowly', 'quickly', 'side',
  'table', 'down', 'all', 'way', 'for', 'i', 'want', 'need', 'let', 'lets', 's', 'then', 'afterward',
]);

// Every colour word a person may type; only COLOURS exist in the scene, the rest are understood (so the
// message can say "there is no purple cube") but never match a task.
const OTHER_COLOURS = new Set(['purple', 'orange', 'pink', 'black', 'white', 'gray', 'brown', 'cyan', 'magenta', 'violet']);

/** Known without looking at the task templates (which are themselves normalised with these). */
const BASE_WORDS = new Set([...COLOURS, ...OTHER_COLOURS, ...SPATIAL, ...OBJECT_WORDS, ...VERB_WORDS]);

function kindOf(w: string): Kind {
  if (COLOURS.has(w) || OTHER_COLOURS.has(w)) return 'colour';
  if (SPATIAL.has(w)) return 'spatial';
  if (OBJECT_WORDS.has(w)) return 'object';
  if (VERB_WORDS.has(w)) return 'verb';
  return 'other';
}

const weightOf = (w: string) => WEIGHT[kindOf(w)] * (WEAK[w] ?? 1);

// Letters of any script (and their combining marks) stay in their word: "Würfel" is one unknown word,
// not "w" + "rfel". NFC first, so a decomposed "u\u0308" is the same word as "ü".
function rawWords(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’']s(?![\p{L}\p{N}])/gu, '')
    .replace(/[^\p{L}\p{M}\p{N}\s-]/gu, ' ')
    .replace(/-/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Longer text is not one instruction, and every panel that shows it would have to make room for it. */
export const MAX_INSTRUCTION_CHARS = 300;

/**
 * The matcher only knows what to do, never what to avoid: with the negation dropped as an unknown word,
 * "don't put the red cube in the bowl" would match, and run, exactly what it forbids.
 */
const NEGATION = /(?<![\p{L}\p{N}])(don[’']?t|do\s+not|does\s+not|doesn[’']?t|never|not|avoid)(?![\p{L}\p{N}])/iu;

/**
 * Words of other languages one allowed typo away from a task word (found by running common French, German,
 * Spanish and Italian colour and object words through the corrector). Correction would read "bleu" as "blue" (one swap),
 * so an instruction in another language would run a task by accident; no edit rule tells them from real
 * typos ("rde" -> "red" is the same swap), so they are named.
 */
const FOREIGN = new Map<string, string>([
  ['bleu', 'French for blue'],
  ['gruen', 'German for green'],
  ['plato', 'Spanish for plate'],
]);

interface Token {
  /** The normalised word. */
  word: string;
  /** The words as typed that produced it. */
  source: string[];
}

function applyPhrases(words: string[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < words.length; ) {
    const hit = PHRASES.find(([p]) => p.every((w, k) => words[i + k] === w));
    if (hit) {
      for (const w of hit[1]) out.push({ word: w, source: words.slice(i, i + hit[0].length) });
      i += hit[0].length;
    } else {
      out.push({ word: words[i], source: [words[i]] });
      i += 1;
    }
  }
  return out;
}

function mapWord(w: string): string {
  if (SYNONYMS[w]) return SYNONYMS[w];
  // Plurals and simple verb forms of known words.
  for (const suffix of ['es', 's', 'ed', 'ing']) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) {
      const stem = w.slice(0, -suffix.length);
      if (SYNONYMS[stem]) return SYNONYMS[stem];
      if (BASE_WORDS.has(stem)) return stem;
    }
  }
  return w;
}

/**
 * Normalise words into task-relevant tokens. A colour that names the bowl or the button ("blue bowl",
 * "red button") is dropped: there is only one of each, so it carries no choice.
 */
function normalize(text: string, fix?: (w: string) => string): Token[] {
  const tokens = applyPhrases(rawWords(text)).map((t) => ({ word: fix ? fix(mapWord(t.word)) : mapWord(t.word), source: t.source }));
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (STOPWORDS.has(t.word)) continue;
    if (COLOURS.has(t.word)) {
      const next = tokens.slice(i + 1).find((x) => !STOPWORDS.has(x.word));
      if (next && (next.word === 'bowl' || next.word === 'button')) continue;
    }
    out.push(t);
  }
  return out;
}

// ------------------------------------------------------------------ the vocabulary of all tasks
interface Template {
  task: TaskDef;
  text: string;
  words: string[];
}

let templateCache: Template[] | null = null;
let vocabCache: Set<string> | null = null;

/** Chains are five instructions in a row, not one typed instruction; their templates have placeholders. */
function matchableTasks(): TaskDef[] {
  return TASKS.filter((t) => t.suite !== 'chains');
}

function templates(): Template[] {
  templateCache ??= matchableTasks().flatMap((task) =>
    task.templates.filter((t) => !t.includes('{')).map((text) => ({ task, text, words: normalize(text).map((x) => x.word) })),
  );
  return templateCache;
}

function vocabulary(): Set<string> {
  if (!vocabCache) {
    vocabCache = new Set<string>([...COLOURS, ...OTHER_COLOURS, ...SPATIAL, ...OBJECT_WORDS, ...VERB_WORDS, 'in', 'on']);
    for (const t of templates()) for (const w of t.words) vocabCache.add(w);
  }
  return vocabCache;
}

function knownWord(w: string): boolean {
  return STOPWORDS.has(w) || vocabulary().has(w) || w in SYNONYMS;
}

export function editDistance(a: string, b: string): number {
  // Optimal string alignment: Levenshtein plus adjacent transpositions ("teh" -> "the" is one edit).
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const sameLetters = (a: string, b: string) => [...a].sort().join() === [...b].sort().join();

/**
 * The known word a typo most likely stands for, or null when none is close enough. Short words only
 * forgive swapped letters ("opne"): one changed letter turns too many short words into others.
 */
function correctTypo(w: string): string | null {
  if (w.length < 3 || /\d/.test(w) || FOREIGN.has(w)) return null;
  const limit = w.length >= 8 ? 2 : 1;
  let best: string | null = null;
  let bestD = Infinity;
  // Task words first, so a tie goes to a word that matters.
  const candidates = [...vocabulary(), ...Object.keys(SYNONYMS), ...STOPWORDS];
  for (const v of candidates) {
    if (Math.abs(v.length - w.length) > limit) continue;
    if (w.length <= 4 && !sameLetters(v, w)) continue;
    const d = editDistance(w, v);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return bestD <= limit && best ? mapWord(best) : null;
}

// ------------------------------------------------------------------ scoring
function colourSequence(words: string[]): string[] {
  return words.filter((w) => kindOf(w) === 'colour');
}

function describeMissing(w: string): string {
  const k = kindOf(w);
  if (k === 'colour') return `the ${w} cube`;
  if (k === 'spatial') return w === 'beside' ? 'the cube beside the bowl' : `the ${w} cube`;
  return `the ${w}`;
}

function scoreTemplate(input: string[], t: Template): { score: number; conflicts: string[] } {
  const a = new Set(input);
  const b = new Set(t.words);
  let inter = 0;
  let union = 0;
  for (const w of new Set([...a, ...b])) {
    const wt = weightOf(w);
    union += wt;
    if (a.has(w) && b.has(w)) inter += wt;
  }
  const score = union > 0 ? inter / union : 0;
  const conflicts: string[] = [];
  // Colours, sides and destinations decide which task is meant: any one of them that differs rules the
  // task out, however many other words agree.
  const decisive = (w: string) => ['colour', 'spatial'].includes(kindOf(w)) || ['bowl', 'plate', 'drawer', 'button'].includes(w);
  for (const w of a) if (decisive(w) && !b.has(w)) conflicts.push(`this task does not involve ${describeMissing(w)}`);
  for (const w of b) if (decisive(w) && !a.has(w)) conflicts.push(`this task needs ${describeMissing(w)}`);
  const ca = colourSequence(input);
  const cb = colourSequence(t.words);
  if (conflicts.length === 0 && ca.length > 1 && ca.join() !== cb.join() && [...ca].sort().join() === [...cb].sort().join()) {
    conflicts.push(`the colours are the other way round (${cb.join(' on ')})`);
  }
  for (const [x, y] of [['open', 'close'], ['close', 'open']]) {
    if (a.has(x) && !a.has(y) && b.has(y) && !b.has(x)) conflicts.push(`this task is to ${y}, not ${x}`);
  }
  return { score, conflicts };
}

function trigrams(text: string): Set<string> {
  const s = `  ${text.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{M}]+/gu, ' ').trim()} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return out;
}

/** Dice coefficient of character trigrams, 0..1. */
export function trigramSimilarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return x.size + y.size > 0 ? (2 * common) / (x.size + y.size) : 0;
}

const CONFIDENT = 0.5;
const MARGIN = 0.04;

export function matchInstruction(text: string): InstructionMatch {
  const trimmed = (text ?? '').trim();
  const empty: InstructionMatch = {
    text: trimmed, normalized: [], understood: [], unknown: [], corrections: [], best: null, candidates: [],
    message: 'Type an instruction, for example "put the red cube in the blue bowl".',
    refused: 'empty',
  };
  if (!trimmed) return empty;
  const refuse = (refused: InstructionMatch['refused'], message: string): InstructionMatch => ({ ...empty, refused, message });
  if (trimmed.length > MAX_INSTRUCTION_CHARS) {
    return refuse(
      'too-long',
      `This instruction is ${trimmed.length.toLocaleString('en')} characters long; an instruction can have at most ${MAX_INSTRUCTION_CHARS} characters. ` +
        'Say one task in a sentence, for example "put the red cube in the blue bowl".',
    );
  }
  const negation = NEGATION.exec(trimmed);
  if (negation) {
    return refuse(
      'negation',
      `Could not run this instruction: it says "${negation[0]}", and the robot can only be told what it should do, not what to avoid. ` +
        'Say what it should do instead.',
    );
  }

  const understood: string[] = [];
  const unknown: string[] = [];
  const corrections: Array<{ from: string; to: string }> = [];
  const normalized: string[] = [];
  const typed = new Map<string, string>();
  const fix = (w: string): string => {
    if (knownWord(w)) return w;
    const fixed = correctTypo(w);
    if (!fixed) return w;
    typed.set(fixed, w);
    corrections.push({ from: w, to: fixed });
    return fixed;
  };
  // Typos are fixed before colours are attached to nouns, so "red buton" still names the button.
  for (const tok of normalize(trimmed, fix)) {
    const source = tok.source.join(' ');
    if (knownWord(tok.word)) {
      normalized.push(tok.word);
      understood.push(typed.get(tok.word) ?? source);
    } else {
      unknown.push(source);
    }
  }

  const perTask = new Map<string, TaskMatch>();
  for (const t of templates()) {
    const { score, conflicts } = scoreTemplate(normalized, t);
    const prev = perTask.get(t.task.id);
    const better = !prev || (conflicts.length < prev.conflicts.length) || (conflicts.length === prev.conflicts.length && score > prev.score);
    if (better) perTask.set(t.task.id, { taskId: t.task.id, title: t.task.title, template: t.text, score, conflicts });
  }
  const ranked = [...perTask.values()].sort((x, y) => (x.conflicts.length === 0 ? 0 : 1) - (y.conflicts.length === 0 ? 0 : 1) || y.score - x.score);
  // Suggestions: near misses first, a task with one wrong detail before one that differs in everything.
  const closeness = (m: TaskMatch) => m.score - 0.15 * m.conflicts.length;
  const candidates = [...ranked].sort((x, y) => closeness(y) - closeness(x)).filter((m) => m.score > 0).slice(0, 3);
  if (candidates.length < 3) {
    // Nothing in common word for word: fall back to spelling resemblance so there is always something to offer.
    const chosen = new Set(candidates.map((c) => c.taskId));
    const bySpelling = templates()
      .map((t) => ({ t, sim: trigramSimilarity(trimmed, t.text) }))
      .sort((x, y) => y.sim - x.sim);
    for (const { t } of bySpelling) {
      if (candidates.length >= 3) break;
      if (chosen.has(t.task.id)) continue;
      chosen.add(t.task.id);
      candidates.push({ ...perTask.get(t.task.id)!, template: t.text });
    }
  }
  const top = ranked[0];
  const runnerUp = ranked[1];
  const unambiguous = !runnerUp || runnerUp.conflicts.length > 0 || top.score - runnerUp.score >= MARGIN;
  const confident = !!top && top.conflicts.length === 0 && top.score >= CONFIDENT && unambiguous;

  const list = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');
  let message: string;
  if (confident) {
    message = `Matched task "${top.title}"` + (corrections.length ? ` (read ${corrections.map((c) => `"${c.from}" as "${c.to}"`).join(', ')})` : '') + '.';
    if (unknown.length) message += ` Ignored ${list(unknown)}.`;
  } else if (normalized.length === 0) {
    message = `No word of this instruction is known to any task${unknown.length ? ` (not understood: ${list(unknown)})` : ''}. Try one of the closest tasks.`;
  } else {
    const onlyMissing = top.conflicts.length > 0 && top.conflicts.every((c) => c.startsWith('this task needs'));
    const why = !unambiguous && top.conflicts.length === 0
      ? 'it fits more than one task equally well'
      : onlyMissing
        ? `it does not say enough to choose a task (the closest one, "${top.title}", needs ${top.conflicts[0].replace('this task needs ', '')})`
        : top.conflicts.length > 0
          ? `no task fits it (closest: ${top.conflicts[0]})`
          : 'no task fits it well enough';
    message = `Could not match this instruction: ${why}. Understood: ${understood.length ? list(understood) : 'nothing'}.`;
    if (unknown.length) message += ` Not understood: ${list(unknown)}.`;
  }
  const foreign = unknown.filter((w) => FOREIGN.has(w));
  if (foreign.length) message += ` ${foreign.map((w) => `"${w}" looks like ${FOREIGN.get(w)}`).join('; ')}: instructions are read in English.`;
  return { text: trimmed, normalized, understood, unknown, corrections, best: confident ? top : null, candidates, message };
}

/** Every task an instruction can be matched to (chains are chosen from the task list instead). */
export function matchableTaskIds(): string[] {
  return matchableTasks().map((t) => t.id);
}
