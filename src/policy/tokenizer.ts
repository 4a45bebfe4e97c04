import type { Manifest } from './manifest';

export interface Tokens {
  ids: Int32Array;
  /** The instruction's words after normalisation, in order (before truncation). */
  words: string[];
  /** Words the model's vocabulary does not know (mapped to <unk>); the UI flags them. */
  unknown: string[];
  /** Words dropped because the instruction is longer than the model's maximum. */
  truncated: string[];
}

/** Mirrors training/vla/tokenizer.py exactly: the rule is stated in the manifest. */
export function tokenize(text: string, tok: Manifest['tokenizer']): Tokens {
  const split = new RegExp(tok.split, 'g');
  const norm = tok.lowercase ? text.toLowerCase() : text;
  const words = norm.split(split).filter((w) => w.length > 0);
  const index = new Map(tok.vocab.map((w, i) => [w, i + tok.first_word_id]));
  const ids = new Int32Array(tok.max_length).fill(tok.pad_id);
  const unknown: string[] = [];
  words.slice(0, tok.max_length).forEach((w, i) => {
    const id = index.get(w);
    if (id === undefined) unknown.push(w);
    ids[i] = id ?? tok.unk_id;
  });
  return { ids, words, unknown, truncated: words.slice(tok.max_length) };
}
