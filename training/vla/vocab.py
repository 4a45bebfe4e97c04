"""Vocabularies shared with the TypeScript side.

The authority is `src/sim/vocab.ts`; datasets copy it into `card.json` (`vocab: {objects, verbs, moves}`).
We read the dataset card first (it is what the labels were written with) and fall back to parsing vocab.ts,
so a run can never silently disagree with the data it was trained on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, asdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VOCAB_TS = REPO_ROOT / "src" / "sim" / "vocab.ts"

# Structural constants from vocab.ts (defaults if the file is absent, e.g. a copied-out training/ folder).
# MAX_PLAN is only a lower bound for the model's plan slots: the dataset decides (see dataset.py).
_DEFAULTS = {"MAX_PLAN": 4, "FUTURE_POINTS": 4, "FUTURE_STRIDE": 2}


def _ts_constants() -> dict:
    if not VOCAB_TS.exists():
        return dict(_DEFAULTS)
    src = VOCAB_TS.read_text()
    out = {}
    for name, default in _DEFAULTS.items():
        m = re.search(r"export const " + name + r"\s*=\s*(\d+)", src)
        out[name] = int(m.group(1)) if m else default
    return out


_C = _ts_constants()
MAX_PLAN, FUTURE_POINTS, FUTURE_STRIDE = _C["MAX_PLAN"], _C["FUTURE_POINTS"], _C["FUTURE_STRIDE"]
CAMERAS = ("front", "wrist")


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


def _ts_array(src: str, name: str) -> tuple[str, ...]:
    m = re.search(r"export const " + name + r"\s*=\s*\[(.*?)\]", src, re.S)
    if not m:
        raise ValueError(f"{VOCAB_TS}: no array {name}")
    return tuple(a or b for a, b in re.findall(r"'([^']*)'|\"([^\"]*)\"", m.group(1)))


def vocab_from_ts(path: Path = VOCAB_TS) -> Vocab:
    src = path.read_text()
    return Vocab(_ts_array(src, "OBJECTS"), _ts_array(src, "VERBS"), _ts_array(src, "MOVES"))


def vocab_for_dataset(card: dict) -> Vocab:
    """The dataset's own vocabulary; vocab.ts only when the card predates the field."""
    if "vocab" in card:
        v = Vocab.from_json(card["vocab"])
    else:
        v = vocab_from_ts()
    if VOCAB_TS.exists():
        ts = vocab_from_ts()
        # Append-only contract: the dataset may be older (a prefix) but must never disagree.
        for field in ("objects", "verbs", "moves"):
            a, b = getattr(v, field), getattr(ts, field)
            if a != b[: len(a)]:
                raise ValueError(f"dataset vocab.{field} {a} disagrees with {VOCAB_TS} {b}")
    return v


def load_card(root: Path) -> dict:
    return json.loads((Path(root) / "card.json").read_text())
