import { CONTRACT } from './contract';

export interface Tokens {
  ids: Int32Array;
  /** The instruction's words after normalisation, in order (before truncation). */
  words: string[];
  /** Words the model's vocabulary does not know (mapped to <unk>); the UI flags them. */
  unknown: string[];
  /** Words dropped because the instruction is longer than the model's maximum. */
  truncated: string[];
}

const RULE = CONTRACT.tokenizer;
const SPLIT = new RegExp(RULE.split, 'g');

/** The instruction's words under the contract's rule (training/vla/tokenizer.py `words` is the same rule). */
export function words(text: string): string[] {
  return (RULE.lowercase ? text.toLowerCase() : text).split(SPLIT).filter((w) => w.length > 0);
}

// The app tokenizes on every keystroke; a model's vocabulary array is fixed once loaded.
const indexCache = new WeakMap<readonly string[], Map<string, number>>();
function indexOf(vocab: readonly string[]): Map<string, number> {
  let index = indexCache.get(vocab);
  if (!index) {
    index = new Map(vocab.map((w, i) => [w, i + RULE.first_word_id]));
    indexCache.set(vocab, index);
  }
  return index;
}

/**
 * Ids for the model's `tokens` input. The rule is the contract's (src/policy/contract.json); only the
 * vocabulary is the model's own (manifest tokenizer.vocab). tests/fixtures/tokenizer_cases.json holds the
 * ids the Python tokenizer gives, and both test suites check against it.
 */
export function tokenize(text: string, tok: { readonly vocab: readonly string[] }): Tokens {
  const all = words(text);
  const index = indexOf(tok.vocab);
  const ids = new Int32Array(RULE.max_length).fill(RULE.pad_id);
  const unknown: string[] = [];
  all.slice(0, RULE.max_length).forEach((w, i) => {
    const id = index.get(w);
    if (id === undefined) unknown.push(w);
    ids[i] = id ?? RULE.unk_id;
  });
  return { ids, words: all, unknown, truncated: all.slice(RULE.max_length) };
}
