import numpy as np
import pytest

from vla.tokenizer import Tokenizer, words, PAD_ID, UNK_ID, MAX_LENGTH
from vla.vocab import vocab_from_contract, vocab_for_dataset


def test_rule_lowercase_and_split():
    assert words("Put the RED cube, in the blue-bowl!") == ["put", "the", "red", "cube", "in", "the", "blue", "bowl"]
    assert words("  don't\tstop\n") == ["don", "t", "stop"]
    assert words("Écrire 2 cubes") == ["crire", "2", "cubes"]  # non-ASCII letters are separators
    assert words("") == []


def test_ids_unknown_padding_truncation():
    tok = Tokenizer.build(["put the red cube in the blue bowl", "press the button"])
    assert tok.vocab == sorted(tok.vocab)
    assert tok.ids["blue"] == 2  # first word id is 2 (0 = <pad>, 1 = <unk>)
    ids = tok.encode("Put the PURPLE cube")
    assert ids.dtype == np.int32 and ids.shape == (MAX_LENGTH,)
    assert list(ids[:4]) == [tok.ids["put"], tok.ids["the"], UNK_ID, tok.ids["cube"]]
    assert (ids[4:] == PAD_ID).all()
    long = tok.encode(" ".join(["red"] * 30 + ["bowl"]))
    assert len(long) == MAX_LENGTH and (long == tok.ids["red"]).all()  # truncated, "bowl" dropped
    assert (tok.encode("") == PAD_ID).all()
    assert tok.decode(tok.encode("press the zebra")) == "press the <unk>"


def test_json_roundtrip():
    tok = Tokenizer.build(["stack the green cube on the yellow cube"])
    j = tok.to_json()
    assert j["type"] == "word" and j["lowercase"] is True and j["split"] == "[^a-z0-9]+"
    assert j["pad_id"] == 0 and j["unk_id"] == 1 and j["max_length"] == 24
    again = Tokenizer.from_json(j)
    s = "Stack the GREEN cube on the purple cube."
    assert (again.encode(s) == tok.encode(s)).all()


def test_contract_vocab_guards_order():
    v = vocab_from_contract()
    assert v.objects[0] == "red_cube" and "place_in" in v.verbs and v.moves[0] == "stop"
    assert vocab_for_dataset({"vocab": v.to_json()}) == v
    bad = v.to_json()
    bad["objects"] = list(reversed(bad["objects"]))
    with pytest.raises(ValueError):
        vocab_for_dataset({"vocab": bad})
    assert vocab_for_dataset({}) == v  # a card older than the field gets the contract's
    prefix = v.to_json()
    prefix["moves"] = prefix["moves"][:-1]
    assert vocab_for_dataset({"vocab": prefix}).moves == v.moves[:-1]  # an older dataset: a prefix is fine
