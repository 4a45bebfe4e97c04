"""The model contract (src/policy/contract.json) as training reads it, and the cross-language fixtures.

tests/fixtures/tokenizer_cases.json, pixel_cases.json and decode_cases.json hold what the Python tokenizer,
pixel normalisation and reference decoder (export.py `decode`) give; tests/policy/contract.test.ts and
tests/policy/decoded.test.ts check the TypeScript side against the same files.
After an intended change of a rule, rewrite them with

    VLA_UPDATE_FIXTURES=1 /usr/bin/python3 -m pytest training/tests -q -k fixture
"""

import copy
import inspect
import json
import os

import numpy as np
import pytest

from conftest import REPO
from vla import contract as C
from vla.dataset import Stats, normalize_images
from vla.export import decode
from vla.model import INPUT_NAMES, KEYPOINTS_OUTPUT, OUTPUT_NAMES, ModelConfig, VLAPolicy, input_specs, output_specs
from vla.tokenizer import Tokenizer, words
from vla.vocab import vocab_from_contract

FIXTURES = REPO / "tests" / "fixtures"
SHIPPED = REPO / "public" / "models" / "vla-small"
UPDATE = os.environ.get("VLA_UPDATE_FIXTURES") == "1"

# Words of the instruction templates, plus "i" and "k", which two non-ASCII capitals lowercase into.
FIXTURE_INSTRUCTIONS = [
    "put the red cube in the blue bowl", "stack the green cube on the yellow cube", "press the button",
    "open the drawer", "pick up the leftmost block and place it on the plate", "move 2 cubes", "i k",
]
TOKENIZER_TEXTS = [
    "",
    "   \t\n ",
    "put the red cube in the blue bowl",
    "Put the RED cube, in the blue-bowl!",
    "  don't\tstop\r\n",
    "PUT THE RED CUBE IN THE BLUE BOWL PLEASE",
    "put the purple cube in the blue bowl",
    "red_cube on plate",
    "move 2 cubes; 3 cubes42 007",
    "Écrire 2 cubes",
    "İstanbul",                      # U+0130 lowercases to "i" + U+0307 in both languages
    "\u212a cube",                   # KELVIN SIGN lowercases to ASCII "k"
    "straße ΣΊΣΥΦΟΣ ǅ ı",           # non-ASCII letters are separators, cased or not
    "cafe\u0301 cube",               # combining accent splits the word
    "ｐｕｔ the cube",               # fullwidth letters stay non-ASCII
    "red\u00a0cube\u2003bowl\u200bplate",  # NBSP, em space, zero-width space
    "put 🟥 cube in 🥣 bowl",
    "put the red\ud83dcube",         # a lone surrogate is one more separator
    "Ⅻ cubes",
    " ".join(["cube"] * 24),
    " ".join(["cube"] * 25),
    " ".join(["red", "zebra"] * 20),
    "put the red cube in the blue bowl " * 5,
    "a" * 1000,
    ("Stack the GREEN cube on the yellow cube, then press the button and open the drawer; "
     "after that put the red cube in the blue bowl!!"),
]
# Three statistics: the shipped front camera's, the floor compute_stats applies (std 0.01), and the extremes.
PIXEL_STATS = [
    {"name": "shipped front camera", "mean": [0.6909396648406982, 0.6411495208740234, 0.5863643884658813],
     "std": [0.19548775255680084, 0.18154288828372955, 0.18614158034324646]},
    {"name": "std at the 0.01 floor", "mean": [0.5, 0.25, 0.75], "std": [0.01, 0.01, 0.01]},
    {"name": "mean 0 and 1, std 1", "mean": [0.0, 1.0, 0.3333333432674408], "std": [1.0, 1.0, 0.1]},
]
PIXEL_W, PIXEL_H = 16, 16  # 256 pixels: every byte value appears once in every channel


def _pixels() -> np.ndarray:
    i = np.arange(PIXEL_W * PIXEL_H)
    return np.stack([(i * 7 + 85 * c) % 256 for c in range(3)], -1).astype(np.uint8).reshape(PIXEL_H, PIXEL_W, 3)


def _f32(x) -> list:
    return [float(f"{v:.9g}") for v in np.asarray(x, np.float32).ravel()]


def tokenizer_cases() -> dict:
    tok = Tokenizer.build(FIXTURE_INSTRUCTIONS)
    rule = {k: C.TOKENIZER[k] for k in ("lowercase", "split", "pad_id", "unk_id", "first_word_id", "max_length")}
    cases = []
    for text in TOKENIZER_TEXTS:
        w = words(text)
        L = tok.max_length
        cases.append({"text": text, "words": w, "ids": tok.encode(text).tolist(),
                      "unknown": [x for x in w[:L] if x not in tok.ids], "truncated": w[L:]})
    return {"$comment": "Written by training/tests/test_contract.py (VLA_UPDATE_FIXTURES=1); read by "
                        "tests/policy/contract.test.ts. Ids are what training/vla/tokenizer.py gives.",
            "rule": rule, "vocab": tok.vocab, "cases": cases}


def pixel_cases() -> dict:
    px = _pixels()
    cases = [{**s, "expected": _f32(normalize_images(px[None], s["mean"], s["std"])[0])} for s in PIXEL_STATS]
    return {"$comment": "Written by training/tests/test_contract.py (VLA_UPDATE_FIXTURES=1); read by "
                        "tests/policy/contract.test.ts. `expected` is training/vla/dataset.py normalize_images "
                        "(float32 CHW) of `pixels` (uint8 HWC RGB, row 0 = top); float32 values, exact.",
            "width": PIXEL_W, "height": PIXEL_H, "pixels": px.ravel().tolist(), "cases": cases}


DECODED_OUTPUTS = ("actions", "plan_verb_logits", "plan_object_logits", "subtask_logits", "move_logits",
                   "gripper_points", "box_logits", "boxes")


def decode_cases() -> dict:
    """Edits of the shipped parity sample's raw outputs that reach the decoder's branches the sample does not:
    a closing gripper, a short plan whose subtask logits prefer a slot past its end, an empty plan, a full
    plan, a box logit of exactly 0."""
    m = json.loads((SHIPPED / "manifest.json").read_text())
    sample = json.loads((SHIPPED / "parity.json").read_text())["samples"][0]
    base = {k: np.asarray(sample["outputs"][k]["data"], np.float32).reshape(sample["outputs"][k]["dims"])
            for k in DECODED_OUTPUTS}
    n_verbs, g = len(C.LABELS["verbs"]), C.GRIPPER_DIM
    stats = Stats(m["proprio"]["mean"], m["proprio"]["std"], m["action"]["mean"], m["action"]["std"], {}, {})

    def short_plan(o):
        o["actions"][0, :, g] = [0.7, -0.3, 0.2, -1.5, 1e-6, -1e-6, 0.0, 2.0]
        o["plan_verb_logits"][0] = -5.0
        o["plan_verb_logits"][0, 0, 6] = 3.0            # press
        o["plan_verb_logits"][0, 1:, n_verbs] = 3.0     # then empty slots
        o["plan_object_logits"][0, 0, 7] = 50.0         # button
        o["subtask_logits"][0] = [0.5, 1.0, 2.0, 9.0, 0.0]

    def empty_plan(o):
        o["plan_verb_logits"][0, :, n_verbs] = 100.0
        o["box_logits"][0] = -1.0
        o["box_logits"][0, 0, 2] = 0.0                  # exactly 0: not visible (sigmoid 0.5)
        o["box_logits"][0, 1, 5] = 1e-3
        o["move_logits"][0, -1] = 100.0

    def full_plan(o):
        o["plan_verb_logits"][0] = 0.0
        o["plan_object_logits"][0] = 0.0
        for slot in range(o["plan_verb_logits"].shape[1]):
            o["plan_verb_logits"][0, slot, (slot * 3) % n_verbs] = 4.0
            o["plan_object_logits"][0, slot, (slot * 5) % len(C.LABELS["objects"])] = 4.0
        o["subtask_logits"][0] = [0.0, 1.0, 2.0, 3.0, 4.0]
        o["actions"][0, :, g] = 1.0

    cases = []
    for name, edit in (("short plan, closing gripper", short_plan), ("empty plan, nothing visible", empty_plan),
                       ("full plan", full_plan)):
        o = {k: v.copy() for k, v in base.items()}
        edit(o)
        cases.append({"name": name, "outputs": {k: {"dims": list(v.shape), "data": _f32(v)} for k, v in o.items()},
                      "decoded": decode(o, stats, C.LABELS)})
    return {"$comment": "Written by training/tests/test_contract.py (VLA_UPDATE_FIXTURES=1); read by "
                        "tests/policy/decoded.test.ts. `decoded` is training/vla/export.py decode() of `outputs` "
                        "with the action statistics below (the shipped model's).",
            "action_mean": m["action"]["mean"], "action_std": m["action"]["std"], "cases": cases}


def _check_fixture(name: str, fresh: dict):
    path = FIXTURES / name
    text = json.dumps(fresh, indent=1, ensure_ascii=True) + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"{path} missing: run with VLA_UPDATE_FIXTURES=1"
    # Compared as parsed JSON so that formatting is free but every id and float is pinned.
    assert json.loads(path.read_text()) == json.loads(text), \
        f"{path} is not what Python computes now; if the rule changed on purpose, rerun with VLA_UPDATE_FIXTURES=1"


def test_tokenizer_fixture_matches_python():
    _check_fixture("tokenizer_cases.json", tokenizer_cases())


def test_pixel_fixture_matches_python():
    _check_fixture("pixel_cases.json", pixel_cases())


def test_decode_fixture_matches_python():
    _check_fixture("decode_cases.json", decode_cases())


def test_tokenizer_fixture_covers_the_edges():
    fx = tokenizer_cases()
    L = fx["rule"]["max_length"]
    by_text = {c["text"]: c for c in fx["cases"]}
    assert by_text[""]["ids"] == [0] * L
    assert by_text["İstanbul"]["words"] == ["i", "stanbul"] and by_text["\u212a cube"]["words"] == ["k", "cube"]
    assert by_text["straße ΣΊΣΥΦΟΣ ǅ ı"]["words"] == ["stra", "e"]
    assert any(c["truncated"] for c in fx["cases"]) and any(c["unknown"] for c in fx["cases"])
    assert all(len(c["ids"]) == L for c in fx["cases"])


def test_pixel_rule_is_float64_rounded_once():
    px = _pixels()
    for s in PIXEL_STATS:
        m = np.asarray(s["mean"], np.float32).astype(np.float64)
        sd = np.asarray(s["std"], np.float32).astype(np.float64)
        ref = ((px.astype(np.float64) / 255.0 - m) / sd).astype(np.float32).transpose(2, 0, 1)
        assert np.array_equal(normalize_images(px[None], s["mean"], s["std"])[0], ref)
    with pytest.raises(ValueError):
        normalize_images(px[None].astype(np.float32), [0] * 3, [1] * 3)


def test_contract_constants():
    c = C.CONTRACT
    assert C.INPUT_NAMES == ("image_front", "image_wrist", "tokens", "proprio")
    assert C.CAMERAS == ("front", "wrist") and C.IMAGE_HW == (64, 64)
    assert (C.PROPRIO_DIM, C.ACTION_DIM, C.CHUNK) == (13, 7, 8)
    assert C.OPTIONAL_OUTPUT_NAMES == ("keypoints",)
    assert vocab_from_contract().to_json() == c["labels"]
    # forward() takes the inputs positionally in the contract's order.
    assert tuple(inspect.signature(VLAPolicy.forward).parameters)[1:] == C.INPUT_NAMES
    assert OUTPUT_NAMES == C.OUTPUT_NAMES and KEYPOINTS_OUTPUT == "keypoints" and INPUT_NAMES == C.INPUT_NAMES


def test_contract_refuses_contradictions():
    assert C.contract_problem(C.CONTRACT) is None
    for edit, msg in [
        (lambda c: c["dims"].update(action=6), "dims.action"),
        (lambda c: c["proprio"]["layout"].pop(), "dims.proprio"),
        (lambda c: c["labels"]["moves"].append("wave"), "dims.moves"),
        (lambda c: c["tokenizer"].update(max_length=32), "dims.tokens"),
        (lambda c: c["cameras"][1].update(width=128), "dims.width"),
        (lambda c: c["outputs"][0]["shape"].append("time"), 'dim "time"'),
        (lambda c: c["inputs"].reverse(), "inputs"),
    ]:
        bad = copy.deepcopy(C.CONTRACT)
        edit(bad)
        assert msg in (C.contract_problem(bad) or ""), msg


def test_specs_follow_the_contract():
    cfg = ModelConfig(vocab_size=20, n_verbs=7, n_objects=8, n_moves=10, keypoints=16, max_plan=5)
    outs = output_specs(cfg)
    assert [o["name"] for o in outs] == list(OUTPUT_NAMES) + [KEYPOINTS_OUTPUT]
    for o in outs + input_specs(cfg):
        spec = C.tensor_spec(o["name"])
        assert o["dtype"] == spec["dtype"] and o["meaning"] == spec["meaning"]
        for dim, size in zip(spec["shape"], o["shape"]):
            assert C.DIMS[dim] in (None, size), (o["name"], dim)


def test_shipped_manifest_agrees_with_the_contract():
    """What export.py writes from the contract is what the shipped (not re-exported) manifest says."""
    m = json.loads((SHIPPED / "manifest.json").read_text())
    cfg = ModelConfig(vocab_size=len(m["tokenizer"]["vocab"]) + 2, n_verbs=7, n_objects=8, n_moves=10, keypoints=16,
                      max_plan=m["reasoning"]["max_plan"], layers=m["attention"]["layers"], heads=m["attention"]["heads"])
    assert m["inputs"] == input_specs(cfg)
    assert m["outputs"] == output_specs(cfg)
    tok = Tokenizer.from_json(m["tokenizer"])
    assert {k: v for k, v in tok.to_json().items()} == m["tokenizer"]
    assert m["proprio"]["layout"] == list(C.PROPRIO_LAYOUT) and m["action"]["names"] == list(C.ACTION_LAYOUT)
    act = C.CONTRACT["action"]
    for k in ("output", "chunk_length", "control_hz", "formula", "gripper", "gripper_dim", "gripper_decode", "clip", "frames"):
        assert m["action"][k] == act[k], k
    for cam, spec in zip(m["cameras"], C.CONTRACT["cameras"]):
        assert {k: cam[k] for k in spec} == spec
        assert cam["normalization"]["formula"] == C.CONTRACT["pixels"]["formula"]
    assert m["vocab"] == C.LABELS
    assert m["reasoning"]["future_points"] == C.REASONING["future_points"]
    assert m["reasoning"]["future_stride"] == C.REASONING["future_stride"]


def test_shipped_parity_tokens_follow_the_rule():
    m = json.loads((SHIPPED / "manifest.json").read_text())
    tok = Tokenizer.from_json(m["tokenizer"])
    for s in json.loads((SHIPPED / "parity.json").read_text())["samples"]:
        assert tok.encode(s["instruction"]).tolist() == s["tokens"]


def test_tokenizer_refuses_another_rule():
    d = Tokenizer.build(["put the cube"]).to_json()
    with pytest.raises(ValueError):
        Tokenizer.from_json({**d, "split": "\\s+"})
    with pytest.raises(ValueError):
        Tokenizer.from_json({**d, "first_word_id": 3})
