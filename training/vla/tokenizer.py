"""Word-level instruction tokenizer.

The rule is deliberately trivial so the TypeScript side can reimplement it bit-for-bit from the manifest:
  1. lowercase the whole string,
  2. replace every character outside [a-z0-9] with a space (so "cube," -> "cube", "don't" -> "don t"),
  3. split on runs of whitespace, dropping empty pieces,
  4. map each word to its id (0 = <pad>, 1 = <unk>, then the vocabulary words in sorted order from 2),
  5. keep the first `max_length` ids (truncate) and right-pad with 0 up to `max_length`.
Lowercasing happens before the character filter, so non-ASCII letters (e.g. "É") become separators.
"""

from __future__ import annotations

import re
from typing import Iterable

import numpy as np

PAD_ID = 0
UNK_ID = 1
MAX_LENGTH = 24
SPLIT = "[^a-z0-9]+"
_SPLIT_RE = re.compile(SPLIT)


def words(text: str) -> list[str]:
    return [w for w in _SPLIT_RE.split(text.lower()) if w]


class Tokenizer:
    def __init__(self, vocab: Iterable[str], max_length: int = MAX_LENGTH):
        self.vocab = sorted(set(vocab))
        self.max_length = max_length
        self.ids = {w: i + 2 for i, w in enumerate(self.vocab)}

    @staticmethod
    def build(instructions: Iterable[str], max_length: int = MAX_LENGTH) -> "Tokenizer":
        vocab: set[str] = set()
        for s in instructions:
            vocab.update(words(s))
        return Tokenizer(vocab, max_length)

    @property
    def size(self) -> int:
        return len(self.vocab) + 2

    def encode(self, text: str) -> np.ndarray:
        ids = [self.ids.get(w, UNK_ID) for w in words(text)][: self.max_length]
        out = np.zeros(self.max_length, dtype=np.int32)
        out[: len(ids)] = ids
        return out

    def decode(self, ids: Iterable[int]) -> str:
        table = ["<pad>", "<unk>"] + self.vocab
        return " ".join(table[i] for i in ids if i != PAD_ID)

    def to_json(self) -> dict:
        return {
            "type": "word",
            "lowercase": True,
            "split": SPLIT,
            "pad_id": PAD_ID,
            "unk_id": UNK_ID,
            "max_length": self.max_length,
            "first_word_id": 2,
            "rule": "lowercase; replace every char not in [a-z0-9] with a space; split on whitespace; "
                    "id(word) = 2 + index in vocab, unknown words -> unk_id; truncate to max_length; "
                    "right-pad with pad_id",
            "vocab": list(self.vocab),
        }

    @staticmethod
    def from_json(d: dict) -> "Tokenizer":
        if d.get("type") != "word":
            raise ValueError(f"unsupported tokenizer type {d.get('type')!r}")
        return Tokenizer(d["vocab"], d["max_length"])
