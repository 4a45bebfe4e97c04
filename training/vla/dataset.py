"""Reader for the demonstration dataset format (docs/dataset.md) and the batch builder used by training,
evaluation of the loss, and the export parity fixtures.

Everything is loaded into memory once: ~150k frames x 2 cameras x 64x64x3 uint8 is ~3.7 GB, far less than
the machine has, and random access from RAM is what keeps 2 CPU cores busy on the model instead of on I/O.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .contract import ACTION_DIM, CAMERAS, CHUNK, PROPRIO_DIM, camera_input
from .tokenizer import UNK_ID, PAD_ID
from .vocab import Vocab, MAX_PLAN, FUTURE_POINTS, load_card, vocab_for_dataset

# CHUNK (actions predicted per step: a[t .. t+CHUNK-1]) is the contract's action.chunk_length.
IGNORE = -100  # torch cross-entropy ignore_index

# Per-episode arrays: file name -> (dtype, trailing shape builder). Shapes are checked on load because a
# silently transposed array would train a model that quietly does nothing.
_FIELDS = ("front", "wrist", "proprio", "action", "gripper_px", "gripper_vis", "boxes", "box_vis",
           "subtask", "move")


@dataclass
class Stats:
    """Normalisation statistics; all float32 lists so they serialise straight into the manifest."""
    proprio_mean: list
    proprio_std: list
    action_mean: list
    action_std: list
    image_mean: dict  # camera -> [r, g, b] in 0..1 units
    image_std: dict

    def to_json(self) -> dict:
        return self.__dict__.copy()

    @staticmethod
    def from_json(d: dict) -> "Stats":
        return Stats(**d)


@dataclass
class DemoData:
    root: Path
    card: dict
    vocab: Vocab
    names: list                 # episode directory names
    metas: list                 # parsed meta.json per episode
    ep_start: np.ndarray        # [E] first global frame index
    ep_len: np.ndarray          # [E]
    ep_of: np.ndarray           # [N] episode index of each frame
    t_of: np.ndarray            # [N] step within its episode
    plan_verb: np.ndarray       # [E, max_plan] verb index, len(verbs) = empty slot
    plan_obj: np.ndarray        # [E, max_plan] object index, IGNORE on empty slots
    arrays: dict = field(default_factory=dict)  # field name -> [N, ...]

    @property
    def max_plan(self) -> int:
        return self.plan_verb.shape[1]

    @property
    def instructions(self) -> list:
        return [m["instruction"] for m in self.metas]

    @property
    def n_frames(self) -> int:
        return int(self.ep_len.sum())

    def frames_of(self, episodes) -> np.ndarray:
        """Global frame indices of the given episodes, in order."""
        parts = [np.arange(self.ep_start[e], self.ep_start[e] + self.ep_len[e]) for e in episodes]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _episode_dirs(root: Path) -> list:
    ep_root = root / "episodes"
    if not ep_root.is_dir():
        raise FileNotFoundError(f"{ep_root} not found: expected a dataset written by `npm run datagen`")
    return sorted(p for p in ep_root.iterdir() if p.is_dir() and (p / "meta.json").exists())


def merge_cards(cards: list, roots: list) -> dict:
    """One card describing several datasets trained on together: counts add up, and the fields that describe
    the data's meaning (layouts, vocabulary, control rate, cameras) must agree or the union is meaningless."""
    if len(cards) == 1:
        return cards[0]
    for key in ("proprio_layout", "action_layout", "control_hz", "vocab", "cameras"):
        vals = [json.dumps(c.get(key), sort_keys=True) for c in cards]
        if any(v != vals[0] for v in vals[1:]):
            raise ValueError(f"datasets {', '.join(map(str, roots))} disagree on {key}; they cannot be trained on together")
    tasks: dict = {}
    for c in cards:
        for k, v in (c.get("tasks") or {}).items():
            tasks[k] = tasks.get(k, 0) + v
    merged = {k: cards[0][k] for k in ("format", "version", "proprio_layout", "action_layout", "control_hz", "vocab",
                                        "cameras") if k in cards[0]}
    merged.update({
        "created": max(c.get("created", "") for c in cards),
        "generator": " + ".join(f"{c.get('generator', '?')} (-> {r})" for c, r in zip(cards, roots)),
        "suites": sorted({s for c in cards for s in c.get("suites", [])}),
        "episodes": sum(c.get("episodes", 0) for c in cards),
        "frames": sum(c.get("frames", 0) for c in cards),
        "tasks": tasks,
        "seeds": [c.get("seeds") for c in cards],
        "complete": all(c.get("complete", True) for c in cards),
        "parts": [{"path": str(r), **{k: c.get(k) for k in ("generator", "episodes", "frames", "action_noise")}}
                  for c, r in zip(cards, roots)],
    })
    return merged


def dataset_roots(root) -> list:
    """A dataset path, or a list of them trained on as one (the recipe's `data` may be either)."""
    return [Path(r) for r in (root if isinstance(root, (list, tuple)) else [root])]


def load_dataset(root, include_failures: bool = False, max_episodes: int | None = None,
                 log=print, min_plan: int = MAX_PLAN) -> DemoData:
    """Load one dataset directory, or several as one (episode names then become `<dir name>/<episode>`).
    Plans get at least `min_plan` slots (a fine-tune keeps its starting model's, even if this data's plans
    are shorter)."""
    roots = dataset_roots(root)
    cards = [load_card(r) for r in roots]
    vocabs = [vocab_for_dataset(c) for c in cards]
    card = merge_cards(cards, roots)
    vocab = vocabs[0]
    dirs = [(r, d) for r in roots for d in _episode_dirs(r)]
    metas, keep, names, lengths, skipped = [], [], [], [], 0
    for r, d in dirs:
        meta = json.loads((d / "meta.json").read_text())
        if not include_failures and meta.get("success") is False:
            skipped += 1
            continue
        # Shapes from the .npy headers only (mmap) so we can preallocate and never hold two copies.
        T = np.load(d / "action.npy", mmap_mode="r").shape[0]
        if T == 0:
            skipped += 1
            continue
        metas.append(meta)
        keep.append(d)
        names.append(d.name if len(roots) == 1 else f"{r.name}/{d.name}")
        lengths.append(T)
        if max_episodes and len(keep) >= max_episodes:
            break
    if not keep:
        raise ValueError(f"{', '.join(map(str, roots))}: no usable episodes ({skipped} skipped)")

    ep_len = np.asarray(lengths, dtype=np.int64)
    ep_start = np.concatenate([[0], np.cumsum(ep_len)[:-1]]).astype(np.int64)
    N = int(ep_len.sum())
    first = {f: np.load(keep[0] / f"{f}.npy", mmap_mode="r") for f in _FIELDS}
    O = len(vocab.objects)
    H, W = first["front"].shape[1:3]
    K = first["gripper_px"].shape[2]  # 1 + FUTURE_POINTS as the generator wrote it
    expected = {
        "front": ((H, W, 3), np.uint8), "wrist": (first["wrist"].shape[1:], np.uint8),
        "proprio": ((PROPRIO_DIM,), np.float32), "action": ((ACTION_DIM,), np.float32),
        "gripper_px": ((2, K, 2), np.float32), "gripper_vis": ((2, K), np.uint8),
        "boxes": ((2, O, 4), np.float32), "box_vis": ((2, O), np.uint8),
        "subtask": ((), np.int32), "move": ((), np.int32),
    }
    if K != 1 + FUTURE_POINTS:
        log(f"WARNING: dataset has {K - 1} future gripper points, the contract's future_points = {FUTURE_POINTS}")
    if expected["wrist"][0] != (H, W, 3):
        raise ValueError(f"front {(H, W)} and wrist {expected['wrist'][0]} cameras must share a size")
    arrays = {f: np.empty((N,) + shape, dtype=dt) for f, (shape, dt) in expected.items()}

    # The contract says min_plan_slots = 4, but long tasks can list more (verb, object) pairs (long/three_step has 5):
    # size the plan slots by the data rather than silently dropping subtasks. The manifest records it.
    max_plan = max([min_plan] + [len(m.get("plan") or []) for m in metas])
    plan_verb = np.full((len(keep), max_plan), len(vocab.verbs), dtype=np.int64)
    plan_obj = np.full((len(keep), max_plan), IGNORE, dtype=np.int64)
    for e, (d, meta) in enumerate(zip(keep, metas)):
        s, T = ep_start[e], ep_len[e]
        for f, (shape, dt) in expected.items():
            a = np.load(d / f"{f}.npy")
            if a.shape != (T,) + shape:
                raise ValueError(f"{d / f}.npy: shape {a.shape}, expected {(T,) + shape}")
            arrays[f][s:s + T] = a.astype(dt, copy=False)
        plan = meta.get("plan") or []
        for k, (verb, obj) in enumerate(plan):
            plan_verb[e, k] = vocab.verbs.index(verb)
            plan_obj[e, k] = vocab.objects.index(obj)
    ep_of = np.repeat(np.arange(len(keep), dtype=np.int64), ep_len)
    t_of = np.arange(N, dtype=np.int64) - ep_start[ep_of]
    log(f"dataset {' + '.join(map(str, roots))}: {len(keep)} episodes, {N} frames, {H}x{W} px, plans up to {max_plan} subtasks"
        + (f" ({skipped} failed/empty episodes skipped)" if skipped else ""))
    if card.get("complete") is False:
        log(f"WARNING: a card.json of {' + '.join(map(str, roots))} says complete: false (datagen still running or interrupted)")
    return DemoData(roots[0], card, vocab, names, metas, ep_start, ep_len, ep_of, t_of,
                    plan_verb, plan_obj, arrays)


def split_episodes(n: int, val_fraction: float, seed: int):
    """Episode-level split (frames of one episode are highly correlated, so never split inside one)."""
    order = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * val_fraction)) if n >= 10 else 0
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def compute_stats(data: DemoData, frames: np.ndarray, max_image_frames: int = 4000) -> Stats:
    p = data.arrays["proprio"][frames].astype(np.float64)
    a = data.arrays["action"][frames].astype(np.float64)
    # Floors keep near-constant dimensions (e.g. sin(yaw) when the expert never rotates) from exploding.
    p_std = np.maximum(p.std(0), 1e-2)
    a_mean, a_std = a.mean(0), np.maximum(a.std(0), 1e-4)
    # The gripper command is a -1/+1 switch: leave it in its own units so that the sign is the decision.
    a_mean[6], a_std[6] = 0.0, 1.0
    sub = frames[np.linspace(0, len(frames) - 1, min(len(frames), max_image_frames)).astype(np.int64)]
    img_mean, img_std = {}, {}
    for cam in CAMERAS:
        x = data.arrays[cam][sub].reshape(-1, 3).astype(np.float64) / 255.0
        img_mean[cam] = [float(v) for v in x.mean(0)]
        img_std[cam] = [float(v) for v in np.maximum(x.std(0), 1e-2)]
    f32 = lambda v: [float(np.float32(x)) for x in v]  # noqa: E731 - exact float32 values in JSON
    return Stats(f32(p.mean(0)), f32(p_std), f32(a_mean), f32(a_std),
                 {k: f32(v) for k, v in img_mean.items()}, {k: f32(v) for k, v in img_std.items()})


def normalize_images(pixels: np.ndarray, mean, std) -> np.ndarray:
    """uint8 [B,H,W,3] RGB -> float32 [B,3,H,W] by the contract's pixel rule: (p / 255 - mean[c]) / std[c]
    in float64 with mean and std as float32 values, rounded once to float32. src/policy/preprocess.ts
    `imageToCHW` gives the same numbers bit for bit (tests/fixtures/pixel_cases.json)."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 4 or pixels.shape[-1] != 3:
        raise ValueError(f"expected uint8 [B,H,W,3] pixels, got {pixels.dtype} {list(pixels.shape)}")
    # A byte has 256 values: a table per channel does each value's arithmetic once and needs no float64 copy.
    levels = np.arange(256, dtype=np.float64) / 255.0
    m = np.asarray(mean, np.float32).astype(np.float64)
    s = np.asarray(std, np.float32).astype(np.float64)
    B, H, W, _ = pixels.shape
    out = np.empty((B, 3, H, W), np.float32)
    for c in range(3):
        out[:, c] = ((levels - m[c]) / s[c]).astype(np.float32)[pixels[..., c]]
    return out


@dataclass
class Augment:
    shift: int = 4              # random translation, pixels (pad by edge replication + crop)
    brightness: float = 0.08    # additive, 0..1 units
    contrast: float = 0.10      # multiplicative around the image mean
    channel_gain: float = 0.05  # per RGB channel
    unk_insert: float = 0.10    # probability of inserting one <unk> word: robustness to unseen words
    proprio_noise: float = 0.0  # gaussian std in normalised units
    # The sensor_noise robustness axis (docs/robustness.md), on the policy's pixels: per sample a Gaussian
    # noise std drawn from 0..pixel_noise (0..1 units), and a 3x3 box blur mixed in with probability blur.
    pixel_noise: float = 0.0
    blur: float = 0.0
    # Language (docs/language.md): per sample, drop one function word, or swap a word for a synonym the
    # vocabulary has (TextAugment binds these to the tokenizer's ids).
    word_dropout: float = 0.0
    synonym_swap: float = 0.0
    # ... or wrap it in a sentence frame or filler ("could you ...", "... for me"), as people say it; the
    # frame's words the vocabulary lacks become <unk>, so the model learns to read past them.
    frame: float = 0.0


# Words that carry no meaning about the goal here, and synonyms the training wordings use interchangeably
# (src/sim/tasks.ts templates and src/language/render.ts train wordings).
FUNCTION_WORDS = ("the", "a", "an", "please", "it", "up", "down", "then", "and", "now")
SYNONYMS = (("cube", "block"), ("put", "place", "move", "set"), ("into", "in"), ("onto", "on"), ("take", "pick"), ("shut", "close"))
# Frames around an instruction: (words before, words after). Drawn from how people phrase requests to a
# robot; the parser strips them (src/language), but a model reading the sentence sees them.
FRAMES = ((("please",), ()), (("can", "you"), ()), (("could", "you", "please"), ()), (("i", "want", "you", "to"), ()),
          (("go", "ahead", "and"), ()), (("now",), ()), ((), ("please",)), ((), ("for", "me")), ((), ("now",)),
          (("robot",), ()), (("ok", "so"), ("thanks",)), (("next",), ()), ((), ("then", "stop")))


@dataclass
class TextAugment:
    """The token-level augmentations, bound to one vocabulary's ids."""
    word_dropout: float
    synonym_swap: float
    droppable: np.ndarray
    synonyms: dict
    frame: float = 0.0
    frames: tuple = ()

    @staticmethod
    def bind(ids: dict, word_dropout: float, synonym_swap: float, frame: float = 0.0) -> "TextAugment":
        drop = np.array(sorted(ids[w] for w in FUNCTION_WORDS if w in ids), np.int32)
        syn: dict = {}
        for group in SYNONYMS:
            known = [ids[w] for w in group if w in ids]
            for i in known:
                others = [j for j in known if j != i]
                if others:
                    syn[i] = np.array(others, np.int32)
        frames = tuple((np.array([ids.get(w, UNK_ID) for w in a], np.int32), np.array([ids.get(w, UNK_ID) for w in b], np.int32))
                       for a, b in FRAMES)
        return TextAugment(word_dropout, synonym_swap, drop, syn, frame, frames)

    def __call__(self, tok: np.ndarray, rng) -> np.ndarray:
        out = tok.copy()
        L = tok.shape[1]
        for i in range(len(tok)):
            row = out[i]
            if self.word_dropout > 0 and rng.random() < self.word_dropout:
                where = np.nonzero(np.isin(row, self.droppable))[0]
                if len(where):
                    k = int(where[rng.integers(len(where))])
                    row = np.concatenate([row[:k], row[k + 1:], [PAD_ID]])[:L]
            if self.synonym_swap > 0 and rng.random() < self.synonym_swap:
                where = [k for k, t in enumerate(row) if int(t) in self.synonyms]
                if where:
                    k = where[int(rng.integers(len(where)))]
                    choices = self.synonyms[int(row[k])]
                    row = row.copy()
                    row[k] = choices[int(rng.integers(len(choices)))]
            if self.frame > 0 and rng.random() < self.frame:
                before, after = self.frames[int(rng.integers(len(self.frames)))]
                words = row[row != PAD_ID]
                row = np.concatenate([before, words, after, np.full(L, PAD_ID, np.int32)])[:L]
            out[i] = row
        return out


def _sensor(x: np.ndarray, rng, aug: "Augment") -> np.ndarray:
    """Blur and noise on float 0..1 images [B,H,W,3], as the sensor_noise axis puts them on the pixels."""
    B = x.shape[0]
    if aug.blur > 0:
        which = np.nonzero(rng.random(B) < aug.blur)[0]
        if len(which):
            p = np.pad(x[which], ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
            H, W = x.shape[1], x.shape[2]
            box = sum(p[:, dy:dy + H, dx:dx + W] for dy in range(3) for dx in range(3)) / 9.0
            mix = rng.uniform(0.3, 1.0, (len(which), 1, 1, 1)).astype(np.float32)
            x[which] = (1 - mix) * x[which] + mix * box
    if aug.pixel_noise > 0:
        sigma = rng.uniform(0, aug.pixel_noise, (B, 1, 1, 1)).astype(np.float32)
        x += sigma * rng.standard_normal(x.shape, dtype=np.float32)
        np.clip(x, 0.0, 1.0, out=x)
    return x


def _shift(pixels: np.ndarray, rng, pad: int):
    """Random translation by up to `pad` pixels, edges replicated (the same as pad-with-edge + random crop,
    without materialising the padded batch). Returns the images and the shift in normalised units
    (positive: content moved left/up, i.e. a label at u moves to u - du)."""
    B, H, W, C = pixels.shape
    oy = rng.integers(-pad, pad + 1, B)
    ox = rng.integers(-pad, pad + 1, B)
    rows = np.clip(oy[:, None] + np.arange(H), 0, H - 1)
    cols = np.clip(ox[:, None] + np.arange(W), 0, W - 1)
    flat = (np.arange(B)[:, None, None] * (H * W) + rows[:, :, None] * W + cols[:, None, :]).ravel()
    return pixels.reshape(-1, C)[flat].reshape(B, H, W, C), ox / W, oy / H


def _jitter_params(B: int, rng, aug: Augment):
    c = rng.uniform(1 - aug.contrast, 1 + aug.contrast, (B, 1, 1, 1)).astype(np.float32)
    b = rng.uniform(-aug.brightness, aug.brightness, (B, 1, 1, 1)).astype(np.float32)
    g = rng.uniform(1 - aug.channel_gain, 1 + aug.channel_gain, (B, 1, 1, 3)).astype(np.float32)
    return c, b, g


def _jitter(pixels: np.ndarray, params) -> np.ndarray:
    """uint8 [B,H,W,3] -> float32 0..1 with contrast (around the image mean), per-channel gain and
    brightness, as one affine map per sample and channel: clip(((x - m) * c + m) * g + b)."""
    c, b, g = params
    B = pixels.shape[0]
    m = (pixels.reshape(B, -1).mean(1, dtype=np.float32) / np.float32(255.0)).reshape(B, 1, 1, 1)
    scale = (c * g) / np.float32(255.0)
    offset = m * (1 - c) * g + b
    x = pixels.astype(np.float32)
    x *= scale
    x += offset
    return np.clip(x, 0.0, 1.0, out=x)


def make_batch(data: DemoData, idx: np.ndarray, tokens: np.ndarray, stats: Stats,
               rng: np.random.Generator | None = None, aug: Augment | None = None,
               text_aug: TextAugment | None = None) -> dict:
    """Training sample for each global frame index. `tokens` is [E, max_length] int32 per episode.
    With rng+aug the sample is augmented; without, it is exactly what the browser feeds the model."""
    A = data.arrays
    e = data.ep_of[idx]
    t = data.t_of[idx]
    L = data.ep_len[e]
    k = np.arange(CHUNK)
    future = t[:, None] + k
    action_mask = (future < L[:, None]).astype(np.float32)
    # Past the end of an episode repeat the last action, but mask it out of the loss.
    fidx = data.ep_start[e][:, None] + np.minimum(future, L[:, None] - 1)
    actions = (A["action"][fidx] - np.asarray(stats.action_mean, np.float32)) / np.asarray(stats.action_std, np.float32)
    proprio = (A["proprio"][idx] - np.asarray(stats.proprio_mean, np.float32)) / np.asarray(stats.proprio_std, np.float32)
    points = A["gripper_px"][idx].copy()
    boxes = A["boxes"][idx].copy()
    tok = tokens[e].copy()

    images = {}
    if rng is not None and aug is not None:
        # One lighting change for both cameras: it models the scene, not the sensor.
        light = _jitter_params(len(idx), rng, aug)
        for cam_i, cam in enumerate(CAMERAS):
            px = A[cam][idx]
            if aug.shift > 0:
                px, du, dv = _shift(px, rng, aug.shift)
                # Labels live in image coordinates, so they move with the pixels.
                points[:, cam_i, :, 0] -= du[:, None]
                points[:, cam_i, :, 1] -= dv[:, None]
                boxes[:, cam_i, :, 0::2] -= du[:, None, None]
                boxes[:, cam_i, :, 1::2] -= dv[:, None, None]
            x = _jitter(px, light)
            if aug.pixel_noise > 0 or aug.blur > 0:
                x = _sensor(x, rng, aug)
            x -= np.asarray(stats.image_mean[cam], np.float32)
            x /= np.asarray(stats.image_std[cam], np.float32)
            images[cam] = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        np.clip(boxes, 0.0, 1.0, out=boxes)
        if text_aug is not None:
            tok = text_aug(tok, rng)
        if aug.unk_insert > 0:
            tok = _insert_unk(tok, rng, aug.unk_insert)
        if aug.proprio_noise > 0:
            proprio = proprio + rng.normal(0, aug.proprio_noise, proprio.shape).astype(np.float32)
    else:
        for cam in CAMERAS:
            images[cam] = normalize_images(A[cam][idx], stats.image_mean[cam], stats.image_std[cam])

    subtask = A["subtask"][idx].astype(np.int64)
    subtask[(subtask < 0) | (subtask >= data.max_plan)] = IGNORE
    return {
        **{camera_input(cam): images[cam] for cam in CAMERAS},
        "tokens": tok.astype(np.int32),
        "proprio": proprio.astype(np.float32),
        "actions": actions.astype(np.float32),
        "action_mask": action_mask,
        "plan_verb": data.plan_verb[e],
        "plan_obj": data.plan_obj[e],
        "subtask": subtask,
        "move": A["move"][idx].astype(np.int64),
        "gripper_points": points.astype(np.float32),
        "gripper_vis": A["gripper_vis"][idx].astype(np.float32),
        "boxes": boxes.astype(np.float32),
        "box_vis": A["box_vis"][idx].astype(np.float32),
    }


def _insert_unk(tok: np.ndarray, rng, p: float) -> np.ndarray:
    """Insert one <unk> at a random word position in a fraction p of the samples (dropping the last id if
    the sequence is full). Teaches the model that an unknown word carries no information, which is what
    a person typing "please put ..." into the browser needs."""
    out = tok.copy()
    for i in np.nonzero(rng.random(len(tok)) < p)[0]:
        n = int((tok[i] != PAD_ID).sum())
        pos = int(rng.integers(0, n + 1))
        row = np.concatenate([tok[i, :pos], [UNK_ID], tok[i, pos:]])[: tok.shape[1]]
        out[i] = row
    return out


def card_summary(data: DemoData) -> dict:
    c = data.card
    return {k: c[k] for k in ("format", "version", "created", "generator", "suites", "episodes", "frames",
                              "tasks", "seeds", "control_hz", "action_noise", "parts") if k in c}


if __name__ == "__main__":  # quick inspection: python -m vla.dataset DIR
    d = load_dataset(sys.argv[1])
    tr, va = split_episodes(len(d.names), 0.05, 0)
    s = compute_stats(d, d.frames_of(tr))
    print(json.dumps({"episodes": len(d.names), "frames": d.n_frames, "stats": s.to_json()}, indent=1))
