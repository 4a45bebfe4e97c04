"""Label vocabularies shared with the TypeScript side.

The authority is the model contract (`src/policy/contract.json`, `labels`), which `src/sim/vocab.ts` reads
too; datasets copy it into `card.json` (`vocab: {objects, verbs, moves}`). We use the dataset card first (it
is what the labels were written with) and check it against the contract, so a run can never silently
disagree with the data it was trained on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, asdict
from pathlib import Path

from .contract import CAMERAS, CONTRACT_PATH, LABELS, REASONING

# MAX_PLAN is only a lower bound for the model's plan slots: the dataset decides (see dataset.py).
MAX_PLAN: int = REASONING["min_plan_slots"]
FUTURE_POINTS: int = REASONING["future_points"]
FUTURE_STRIDE: int = REASONING["future_stride"]

__all__ = ["CAMERAS", "MAX_PLAN", "FUTURE_POINTS", "FUTURE_STRIDE", "Vocab", "vocab_from_contract",
           "vocab_for_dataset", "load_card"]


@dataclass(frozen=True)
class Vocab:
    objects: tuple[str, ...]
    verbs: tuple[str, ...]
    moves: tuple[str, ...]

    def to_json(self) -> dict:
        return {k: list(v) for k, v in asdict(self).items()}

    @staticmethod
    def from_json(d: dict) -> "Vocab":
        return Vocab(tuple(d["objects"]), tuple(d["verbs"]), tuple(d["moves"]))


def vocab_from_contract() -> Vocab:
    return Vocab.from_json(LABELS)


def vocab_for_dataset(card: dict) -> Vocab:
    """The dataset's own vocabulary; the contract's only when the card predates the field."""
    contract = vocab_from_contract()
    v = Vocab.from_json(card["vocab"]) if "vocab" in card else contract
    # Append-only contract: the dataset may be older (a prefix) but must never disagree.
    for field in ("objects", "verbs", "moves"):
        a, b = getattr(v, field), getattr(contract, field)
        if a != b[: len(a)]:
            raise ValueError(f"dataset vocab.{field} {a} disagrees with {CONTRACT_PATH} labels.{field} {b}")
    return v


def load_card(root: Path) -> dict:
    return json.loads((Path(root) / "card.json").read_text())
