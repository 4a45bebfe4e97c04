import numpy as np

from vla.dataset import (CHUNK, IGNORE, Augment, _shift, compute_stats, load_dataset, make_batch,
                         split_episodes)
from vla.tokenizer import Tokenizer


def _setup(dataset_dir):
    data = load_dataset(dataset_dir, log=lambda *_: None)
    frames = data.frames_of(range(len(data.names)))
    stats = compute_stats(data, frames)
    tok = Tokenizer.build(data.instructions)
    tokens = np.stack([tok.encode(s) for s in data.instructions])
    return data, stats, tokens


def test_load_shapes_and_labels(dataset_dir):
    data, stats, tokens = _setup(dataset_dir)
    assert len(data.names) == 3 and list(data.ep_len) == [20, 21, 22]
    assert data.arrays["front"].dtype == np.uint8 and data.arrays["front"].shape == (63, 64, 64, 3)
    n_verbs = len(data.vocab.verbs)
    # Episode 2 ("press the button") has a 1-step plan: slots 1..3 are the empty class, objects ignored.
    assert data.plan_verb[2, 0] == data.vocab.verbs.index("press")
    assert (data.plan_verb[2, 1:] == n_verbs).all() and (data.plan_obj[2, 1:] == IGNORE).all()
    # Gripper command is left in its own -1/+1 units.
    assert stats.action_mean[6] == 0.0 and stats.action_std[6] == 1.0


def test_action_chunk_padding(dataset_dir):
    data, stats, tokens = _setup(dataset_dir)
    last = int(data.ep_start[0] + data.ep_len[0] - 1)
    b = make_batch(data, np.array([last - 2, last]), tokens, stats)
    assert b["actions"].shape == (2, CHUNK, 7)
    assert list(b["action_mask"][0]) == [1, 1, 1, 0, 0, 0, 0, 0]
    assert list(b["action_mask"][1]) == [1, 0, 0, 0, 0, 0, 0, 0]
    # Past the end the last action is repeated.
    assert np.allclose(b["actions"][1, 1:], b["actions"][1, :1])
    assert np.allclose(b["actions"][0, 2], b["actions"][1, 0])
    for k, shape in {"image_front": (2, 3, 64, 64), "tokens": (2, 24), "proprio": (2, 13),
                     "gripper_points": (2, 2, 5, 2), "boxes": (2, 2, 8, 4), "box_vis": (2, 2, 8)}.items():
        assert b[k].shape == shape, k
    assert b["tokens"].dtype == np.int32 and b["image_front"].dtype == np.float32


def test_augmentation_moves_labels_with_pixels():
    img = np.zeros((1, 64, 64, 3), np.uint8)
    img[0, 20, 30] = 255  # pixel centre at u = 30.5/64, v = 20.5/64
    rng = np.random.default_rng(5)
    out, du, dv = _shift(img, rng, 4)
    y, x = np.argwhere(out[0, :, :, 0] == 255)[0]
    assert np.isclose((x + 0.5) / 64, 30.5 / 64 - du[0]) and np.isclose((y + 0.5) / 64, 20.5 / 64 - dv[0])


def test_augmented_batch_is_deterministic(dataset_dir):
    data, stats, tokens = _setup(dataset_dir)
    idx = np.arange(0, 60, 7)
    a = make_batch(data, idx, tokens, stats, np.random.default_rng([1, 2]), Augment())
    b = make_batch(data, idx, tokens, stats, np.random.default_rng([1, 2]), Augment())
    for k in a:
        assert np.array_equal(a[k], b[k]), k


def test_split_by_episode():
    tr, va = split_episodes(40, 0.1, 0)
    assert len(va) == 4 and not set(tr) & set(va) and len(tr) + len(va) == 40
    tr, va = split_episodes(3, 0.1, 0)  # too few episodes to hold any out
    assert len(va) == 0


def test_plans_longer_than_max_plan_widen_the_slots(tmp_path):
    """long/three_step lists 5 (verb, object) pairs while the contract says min_plan_slots = 4: keep them all."""
    import json
    from synth import make_dataset
    from vla.train import build_model, DEFAULTS
    root = make_dataset(tmp_path / "d", episodes=2, steps=12)
    meta_path = root / "episodes" / "ep_000000" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["plan"] = [["pick", "red_cube"], ["place_in", "blue_bowl"], ["pick", "green_cube"],
                    ["place_on", "plate"], ["press", "button"]]
    meta_path.write_text(json.dumps(meta))
    np.save(root / "episodes" / "ep_000000" / "subtask.npy", (np.arange(12) * 5 // 12).astype(np.int32))
    data = load_dataset(root, log=lambda *_: None)
    assert data.max_plan == 5 and data.plan_verb.shape == (2, 5)
    assert data.plan_verb[0, 4] == data.vocab.verbs.index("press")
    stats = compute_stats(data, data.frames_of([0, 1]))
    tokens = np.zeros((2, 24), np.int32)
    b = make_batch(data, np.array([11]), tokens, stats)
    assert b["subtask"][0] == 4  # not ignored
    tok = Tokenizer.build(data.instructions)
    model = build_model({"vocab": data.vocab.to_json(), "tokenizer": tok.to_json(), "image_hw": [64, 64],
                         "max_plan": data.max_plan}, DEFAULTS["model"])
    assert model.cfg.max_plan == 5
    # A fine-tune from a 5-slot model on data whose plans are shorter keeps 5 slots (train.py passes min_plan).
    short = make_dataset(tmp_path / "short", episodes=2, steps=12)
    assert load_dataset(short, log=lambda *_: None).max_plan == 4
    wide = load_dataset(short, log=lambda *_: None, min_plan=5)
    assert wide.max_plan == 5 and wide.plan_verb.shape == (2, 5) and (wide.plan_verb[:, 4] == len(wide.vocab.verbs)).all()


def test_text_augment_drops_function_words_and_swaps_synonyms_only():
    from vla.dataset import TextAugment
    tok = Tokenizer.build(["put the red cube in the bowl", "place the red block into the bowl"])
    ids = tok.ids
    aug = TextAugment.bind(ids, word_dropout=1.0, synonym_swap=0.0)
    x = np.stack([tok.encode("put the red cube in the bowl")] * 50)
    y = aug(x, np.random.default_rng(0))
    for row in y:
        words = tok.decode(row).split()
        # One "the" dropped, every content word kept, in order.
        assert words.count("the") == 1 and [w for w in words if w != "the"] == ["put", "red", "cube", "in", "bowl"]
    aug = TextAugment.bind(ids, word_dropout=0.0, synonym_swap=1.0)
    y = aug(x, np.random.default_rng(1))
    seen = set()
    for row in y:
        words = tok.decode(row).split()
        assert len(words) == 7 and words[2] == "red" and words[-1] == "bowl"
        seen.add(" ".join(words))
    # put->place, cube->block and in->into all happen; nothing outside the synonym groups changes.
    assert any("place" in s for s in seen) and any("block" in s for s in seen) and any("into" in s for s in seen)
    assert np.array_equal(x, np.stack([tok.encode("put the red cube in the bowl")] * 50))


def test_text_augment_frames_the_instruction_and_keeps_its_words():
    from vla.dataset import FRAMES, TextAugment
    from vla.tokenizer import UNK_ID
    tok = Tokenizer.build(["put the red cube in the bowl", "please press the button now"])
    aug = TextAugment.bind(tok.ids, word_dropout=0.0, synonym_swap=0.0, frame=1.0)
    x = np.stack([tok.encode("put the red cube in the bowl")] * 200)
    y = aug(x, np.random.default_rng(0))
    framed = set()
    for row in y:
        words = tok.decode(row).split()
        # The instruction is there whole and in order; only frame words (or <unk> for the ones the vocabulary
        # lacks) come before and after it.
        k = words.index("put")
        assert words[k:k + 7] == ["put", "the", "red", "cube", "in", "the", "bowl"]
        framed.add((tuple(words[:k]), tuple(words[k + 7:])))
    assert (("please",), ()) in framed and ((), ("now",)) in framed
    assert any(UNK_ID in row for row in y)  # "could", "you", ... are not in this vocabulary
    assert len(framed) >= len(FRAMES) - 2
    # Off by default, and then it draws nothing from the generator (older recipes replay bit for bit).
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    TextAugment.bind(tok.ids, 0.5, 0.5)(x, rng_a)
    TextAugment.bind(tok.ids, 0.5, 0.5, 0.0)(x, rng_b)
    assert rng_a.random() == rng_b.random()


def test_sensor_augmentation_noises_and_blurs_within_range():
    from vla.dataset import _sensor
    rng = np.random.default_rng(0)
    x = np.full((8, 16, 16, 3), 0.5, np.float32)
    x[:, :, 8:] = 1.0
    y = _sensor(x.copy(), rng, Augment(pixel_noise=0.05, blur=1.0))
    assert y.min() >= 0.0 and y.max() <= 1.0
    assert not np.allclose(y, x)
    # Blur softens the edge: the column next to it moves towards the other side.
    z = _sensor(x.copy(), np.random.default_rng(1), Augment(pixel_noise=0.0, blur=1.0))
    assert (z[:, :, 7] > 0.5 + 1e-3).all() and np.allclose(z[:, :, 0], 0.5)
