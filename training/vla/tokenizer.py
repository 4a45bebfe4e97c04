"""Word-level instruction tokenizer.

The rule is the model contract's (`src/policy/contract.json`, `tokenizer`), which `src/policy/tokenizer.ts`
implements too; `tests/fixtures/tokenizer_cases.json` pins both to the same ids. With today's contract:
  1. lowercase the whole string (Unicode full case mapping, as Python's str.lower and JavaScript's
     toLowerCase do),
  2. split on runs of characters outside [a-z0-9] (so "cube," -> "cube", "don't" -> "don t"),
  3. map each word to its id (pad_id = 0, unk_id = 1, then the vocabulary words in sorted order from 2),
  4. keep the first `max_length` ids (truncate) and right-pad with pad_id up to `max_length`.
Lowercasing happens before the split, so non-ASCII letters (e.g. "É") become separators; the few that
lowercase to ASCII ("İ" -> "i" + a combining dot, the Kelvin sign "K" -> "k") keep their ASCII part.
"""

from __future__ import annotations

import re
from typing import Iterable

import numpy as np

from .contract import TOKENIZER

PAD_ID: int = TOKENIZER["pad_id"]
UNK_ID: int = TOKENIZER["unk_id"]
FIRST_WORD_ID: int = TOKENIZER["first_word_id"]
MAX_LENGTH: int = TOKENIZER["max_length"]
SPLIT: str = TOKENIZER["split"]
_SPLIT_RE = re.compile(SPLIT)
# The rule's fields as a manifest carries them (everything but the vocabulary and its documentation).
_RULE_KEYS = ("type", "lowercase", "split", "pad_id", "unk_id", "max_length", "first_word_id", "rule")


def words(text: str) -> list[str]:
    return [w for w in _SPLIT_RE.split(text.lower() if TOKENIZER["lowercase"] else text) if w]


class Tokenizer:
    def __init__(self, vocab: Iterable[str], max_length: int = MAX_LENGTH):
        self.vocab = sorted(set(vocab))
        self.max_length = max_length
        self.ids = {w: i + FIRST_WORD_ID for i, w in enumerate(self.vocab)}

    @staticmethod
    def build(instructions: Iterable[str], max_length: int = MAX_LENGTH) -> "Tokenizer":
        vocab: set[str] = set()
        for s in instructions:
            vocab.update(words(s))
        return Tokenizer(vocab, max_length)

    @property
    def size(self) -> int:
        return len(self.vocab) + FIRST_WORD_ID

    def encode(self, text: str) -> np.ndarray:
        ids = [self.ids.get(w, UNK_ID) for w in words(text)][: self.max_length]
        out = np.full(self.max_length, PAD_ID, dtype=np.int32)
        out[: len(ids)] = ids
        return out

    def decode(self, ids: Iterable[int]) -> str:
        table = {PAD_ID: "<pad>", UNK_ID: "<unk>", **{i: w for w, i in self.ids.items()}}
        return " ".join(table[int(i)] for i in ids if i != PAD_ID)

    def to_json(self) -> dict:
        """The manifest's `tokenizer`: the contract's rule with this model's vocabulary and length."""
        return {**{k: TOKENIZER[k] for k in _RULE_KEYS}, "max_length": self.max_length, "vocab": list(self.vocab)}

    @staticmethod
    def from_json(d: dict) -> "Tokenizer":
        # A checkpoint tokenized under another rule would be fed ids it never saw: refuse it.
        for k in _RULE_KEYS:
            if k not in ("rule", "max_length") and k in d and d[k] != TOKENIZER[k]:
                raise ValueError(f"tokenizer {k} {d[k]!r} differs from the contract's {TOKENIZER[k]!r}")
        if d.get("type") != "word":
            raise ValueError(f"unsupported tokenizer type {d.get('type')!r}")
        return Tokenizer(d["vocab"], d["max_length"])
