import numpy as np
import torch

from vla.model import ModelConfig, VLAPolicy, OUTPUT_NAMES


def _model(seed=0, keypoints=0):
    torch.manual_seed(seed)
    return VLAPolicy(ModelConfig(vocab_size=20, n_verbs=7, n_objects=8, n_moves=10, keypoints=keypoints)).eval()


def _inputs(B=2):
    g = torch.Generator().manual_seed(0)
    tokens = torch.zeros(B, 24, dtype=torch.int32)
    tokens[0, :5] = torch.tensor([5, 6, 1, 7, 8])
    tokens[1, :9] = torch.arange(2, 11)
    return (torch.randn(B, 3, 64, 64, generator=g), torch.randn(B, 3, 64, 64, generator=g), tokens,
            torch.randn(B, 13, generator=g))


def test_output_shapes():
    m = _model()
    with torch.no_grad():
        out = dict(zip(OUTPUT_NAMES, m(*_inputs())))
    cfg = m.cfg
    expect = {"actions": (2, 8, 7), "plan_verb_logits": (2, 4, 8), "plan_object_logits": (2, 4, 8),
              "subtask_logits": (2, 4), "move_logits": (2, 10), "gripper_points": (2, 2, 5, 2),
              "box_logits": (2, 2, 8), "boxes": (2, 2, 8, 4),
              "attention": (2, cfg.layers, cfg.heads, len(cfg.queries), cfg.context_len)}
    assert {k: tuple(v.shape) for k, v in out.items()} == expect
    assert cfg.context_len == 64 + 64 + 24 + 1
    assert 0 <= out["gripper_points"].min() and out["gripper_points"].max() <= 1


def test_keypoint_tokens_extend_the_context():
    m = _model(keypoints=6)
    segs = m.cfg.segments()
    assert [s["name"] for s in segs] == ["front", "wrist", "text", "proprio", "front_keypoints", "wrist_keypoints"]
    assert m.cfg.context_len == 153 + 2 * 6 == segs[-1]["start"] + segs[-1]["length"]
    with torch.no_grad():
        out = dict(zip(m.output_names, m(*_inputs())))
    att = out["attention"]
    assert att.shape[-1] == m.cfg.context_len
    assert torch.allclose(att.sum(-1), torch.ones(()), atol=1e-5)
    assert out["keypoints"].shape == (2, 2, 6, 2)
    assert 0 < out["keypoints"].min() and out["keypoints"].max() < 1


def test_keypoint_is_the_expected_position_of_its_channel():
    """A keypoint channel that fires on one pixel of the 16x16 map lands on that pixel's centre, u right, v down
    in -1..1: the geometry the decoder relies on to read positions."""
    m = _model(keypoints=2)
    stem = m.stems["front"]
    feat = torch.zeros(1, m.cfg.stem_channels[1], 16, 16)
    feat[0, 0, 3, 12] = 1.0  # row 3 (v), column 12 (u)
    with torch.no_grad():
        stem.kp_conv.weight.zero_()
        stem.kp_conv.bias.zero_()
        stem.kp_conv.weight[0, 0] = 60.0  # sharp softmax on channel 0; channel 1 stays uniform
        p = torch.softmax(stem.kp_conv(feat).flatten(2), -1)
        uv = torch.matmul(p, stem.kp_uv)[0]
    assert torch.allclose(uv[0], torch.tensor([-1 + (2 * 12 + 1) / 16, -1 + (2 * 3 + 1) / 16]), atol=1e-4)
    assert torch.allclose(uv[1], torch.zeros(2), atol=1e-6)  # uniform attention -> image centre


def test_attention_rows_sum_to_one_and_skip_padding():
    m = _model()
    x = _inputs()
    with torch.no_grad():
        att = m(*x)[-1]
    assert torch.allclose(att.sum(-1), torch.ones(()), atol=1e-5)
    text = next(s for s in m.cfg.segments() if s["name"] == "text")
    for b, n_words in ((0, 5), (1, 9)):
        padded = att[b, ..., text["start"] + n_words: text["start"] + text["length"]]
        assert (padded == 0).all()
        assert (att[b, ..., text["start"]: text["start"] + n_words] > 0).all()


def test_padding_cannot_leak():
    """Changing what a padded slot would contribute (the <pad> embedding) must change no output."""
    m = _model()
    x = _inputs()
    with torch.no_grad():
        ref = m(*x)
        m.tok_emb.weight[0].normal_()
        got = m(*x)
    for a, b in zip(ref, got):
        assert torch.equal(a, b)


def test_overfits_a_batch(dataset_dir):
    from vla.dataset import load_dataset, compute_stats, make_batch
    from vla.tokenizer import Tokenizer
    from vla.train import compute_losses, DEFAULTS, build_model, to_torch
    data = load_dataset(dataset_dir, log=lambda *_: None)
    frames = data.frames_of(range(3))
    stats = compute_stats(data, frames)
    tok = Tokenizer.build(data.instructions)
    tokens = np.stack([tok.encode(s) for s in data.instructions])
    meta = {"vocab": data.vocab.to_json(), "tokenizer": tok.to_json(), "image_hw": [64, 64]}
    torch.manual_seed(0)
    model = build_model(meta, DEFAULTS["model"])
    b = to_torch(make_batch(data, frames[::8], tokens, stats))
    opt = torch.optim.AdamW(model.parameters(), 3e-3)
    losses = []
    for _ in range(25):
        loss, m = compute_losses(model.forward_dict(b), b, DEFAULTS["loss_weights"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(m["loss"])
    assert losses[-1] < 0.6 * losses[0]
