"""A small vision-language-action policy sized to train on 2 CPU cores and run in onnxruntime-web.

Shape of the model (see docs/architecture.md, Facts, for why not a plain transformer over all tokens):

  instruction tokens --embed + 1 masked self-attention block--> text tokens --masked mean--> lang vector
  each camera (own weights) --4 conv blocks, FiLM-conditioned on lang--> 8x8 grid of d-dim tokens
  proprio --linear--> 1 token
  context = [front grid | wrist grid | text tokens | proprio]            (~153 tokens, padded text masked)
  Q learned query tokens (one per output family, + lang) --L decoder layers:
        cross-attention to the context -> self-attention among queries -> MLP--> per-query heads

Cross-attention costs Q*N instead of N^2, which is what makes backward fast enough on this torch build, and
the per-query attention maps are directly interpretable ("where did the action query look").
Attention is written out by hand so every layer's and head's weights can be returned as an ONNX output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, asdict, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import contract as C

# One query token per output family. The order is the `queries` list in the manifest's attention layout.
QUERY_NAMES = ("action", "plan", "subtask", "move", "gripper_front", "gripper_wrist", "boxes_front", "boxes_wrist")

# ONNX tensor names and order are the contract's (src/policy/contract.json); forward() takes the inputs and
# returns the outputs in that order.
INPUT_NAMES = C.INPUT_NAMES
OUTPUT_NAMES = C.OUTPUT_NAMES

# Models with keypoints add the contract's one optional output after these (see output_specs).
(KEYPOINTS_OUTPUT,) = C.OPTIONAL_OUTPUT_NAMES
CAMERAS = C.CAMERAS


def output_names(cfg: "ModelConfig") -> tuple:
    return OUTPUT_NAMES + ((KEYPOINTS_OUTPUT,) if cfg.keypoints else ())


NEG_INF = -1e9  # additive mask: exp(-1e9 - max) underflows to exactly 0 in float32, so padded weights are 0


@dataclass
class ModelConfig:
    vocab_size: int
    n_verbs: int
    n_objects: int
    n_moves: int
    image_hw: tuple = C.IMAGE_HW
    max_tokens: int = C.DIMS["tokens"]
    proprio_dim: int = C.PROPRIO_DIM
    action_dim: int = C.ACTION_DIM
    chunk: int = C.CHUNK
    max_plan: int = C.REASONING["min_plan_slots"]
    n_points: int = C.DIMS["points"]  # current gripper point + future points
    d_model: int = 64
    heads: int = 4
    layers: int = 2
    text_layers: int = 1
    stem_channels: tuple = (32, 48, 64, 64)  # strides 2, 2, 2, 1 -> grid = image / 8
    keypoints: int = 0  # spatial-softmax keypoints per camera (0 = none), appended to the context as tokens
    mlp_ratio: int = 2
    queries: tuple = field(default_factory=lambda: QUERY_NAMES)

    @property
    def grid(self) -> tuple:
        return (self.image_hw[0] // 8, self.image_hw[1] // 8)

    def to_json(self) -> dict:
        d = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}

    @staticmethod
    def from_json(d: dict) -> "ModelConfig":
        d = dict(d)
        for k in ("image_hw", "stem_channels", "queries"):
            if k in d:
                d[k] = tuple(d[k])
        return ModelConfig(**d)

    def segments(self) -> list:
        """Context token layout; recorded in the manifest so the UI can map attention back to pixels/words."""
        gh, gw = self.grid
        n = gh * gw
        return [
            {"name": "front", "start": 0, "length": n, "grid": [gh, gw]},
            {"name": "wrist", "start": n, "length": n, "grid": [gh, gw]},
            {"name": "text", "start": 2 * n, "length": self.max_tokens},
            {"name": "proprio", "start": 2 * n + self.max_tokens, "length": 1},
        ] + [
            {"name": f"{cam}_keypoints", "start": 2 * n + self.max_tokens + 1 + i * self.keypoints,
             "length": self.keypoints}
            for i, cam in enumerate(CAMERAS) if self.keypoints
        ]

    @property
    def context_len(self) -> int:
        s = self.segments()[-1]
        return s["start"] + s["length"]


class Attention(nn.Module):
    """Multi-head attention, explicit softmax(QK^T / sqrt(d_head) + mask) so the weights can be returned."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        assert d % heads == 0
        self.h, self.dh = heads, d // heads
        self.q = nn.Linear(d, d)
        self.kv = nn.Linear(d, 2 * d)
        self.o = nn.Linear(d, d)

    def forward(self, x, ctx, bias=None):
        B, Q, D = x.shape
        N = ctx.shape[1]
        q = self.q(x).reshape(B, Q, self.h, self.dh).transpose(1, 2)             # B h Q dh
        kv = self.kv(ctx).reshape(B, N, 2, self.h, self.dh).permute(2, 0, 3, 1, 4)
        k, v = kv[0], kv[1]                                                       # B h N dh
        s = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.dh))
        if bias is not None:
            s = s + bias                                                          # bias: B 1 1 N
        w = torch.softmax(s, dim=-1)
        y = torch.matmul(w, v).transpose(1, 2).reshape(B, Q, D)
        return self.o(y), w


class MLP(nn.Sequential):
    def __init__(self, d_in: int, d_hidden: int, d_out: int):
        super().__init__(nn.Linear(d_in, d_hidden), nn.GELU(), nn.Linear(d_hidden, d_out))


class TextBlock(nn.Module):
    """Pre-LN self-attention block over the (short) instruction, so word order reaches the FiLM vector:
    a bag of words cannot tell "red cube on blue plate" from "blue cube on red plate"."""

    def __init__(self, d: int, heads: int, ratio: int):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = Attention(d, heads)
        self.mlp = MLP(d, ratio * d, d)

    def forward(self, x, bias):
        h = self.ln1(x)
        x = x + self.attn(h, h, bias)[0]
        return x + self.mlp(self.ln2(x))


class FiLMConv(nn.Module):
    """conv3x3 -> GroupNorm -> FiLM(lang) -> GELU. FiLM starts as identity (zero init) so early training
    learns vision first and language modulation grows in as it helps."""

    def __init__(self, cin: int, cout: int, stride: int, d_lang: int, residual: bool = False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.norm = nn.GroupNorm(min(8, cout), cout)
        self.film = nn.Linear(d_lang, 2 * cout)
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)
        self.residual = residual and cin == cout and stride == 1

    def forward(self, x, lang):
        y = self.norm(self.conv(x))
        g, b = self.film(lang).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
        y = F.gelu(y * (1.0 + g) + b)
        return x + y if self.residual else y


class VisionStem(nn.Module):
    """Conv stem -> 8x8 grid of tokens, plus optional spatial-softmax keypoints.

    A 4 cm cube is 3-4 px in the 64 px front view, well inside one 8x8-px grid cell, so reading its position
    off the grid tokens means learning sub-cell positions from appearance. Keypoints (Levine et al. 2016;
    robomimic's default image encoder) make position explicit instead: each of K channels of the
    language-conditioned 1/4-resolution feature map is soft-argmaxed to an expected (u, v), which becomes
    a token. With FiLM upstream a channel can track "the object the instruction names", and the decoder
    reads its coordinates linearly, which is what an end-effector delta needs.
    """

    KEYPOINT_BLOCK = 1  # output of the second conv block: 1/4 resolution (16x16 for a 64 px image)

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        ch = cfg.stem_channels
        strides = (2, 2, 2, 1)
        cin = 3
        blocks = []
        for c, s in zip(ch, strides):
            blocks.append(FiLMConv(cin, c, s, cfg.d_model, residual=True))
            cin = c
        self.blocks = nn.ModuleList(blocks)
        self.proj = nn.Conv2d(cin, cfg.d_model, 1)
        gh, gw = cfg.grid
        self.pos = nn.Parameter(torch.randn(gh * gw, cfg.d_model) * 0.02)
        self.keypoints = cfg.keypoints
        if self.keypoints:
            kh, kw = cfg.image_hw[0] // 4, cfg.image_hw[1] // 4
            self.kp_conv = nn.Conv2d(ch[self.KEYPOINT_BLOCK], self.keypoints, 1)
            # Pixel-centre coordinates in -1..1, u right and v down, flattened row-major like the feature map.
            v, u = torch.meshgrid(torch.linspace(-1 + 1 / kh, 1 - 1 / kh, kh),
                                  torch.linspace(-1 + 1 / kw, 1 - 1 / kw, kw), indexing="ij")
            self.register_buffer("kp_uv", torch.stack([u.reshape(-1), v.reshape(-1)], -1), persistent=False)
            self.kp_embed = nn.Linear(2, cfg.d_model)
            self.kp_id = nn.Parameter(torch.randn(self.keypoints, cfg.d_model) * 0.02)

    def forward(self, img, lang):
        """Returns (grid tokens B x (gh*gw) x d, keypoint tokens B x K x d, keypoints B x K x 2 in -1..1),
        the last two None without keypoints."""
        x = img
        feat = None
        for i, blk in enumerate(self.blocks):
            x = blk(x, lang)
            if i == self.KEYPOINT_BLOCK:
                feat = x
        x = self.proj(x)                                   # B d gh gw
        grid = x.flatten(2).transpose(1, 2) + self.pos     # row-major: token = row*gw + col
        if not self.keypoints:
            return grid, None, None
        p = torch.softmax(self.kp_conv(feat).flatten(2), dim=-1)   # B K HW
        uv = torch.matmul(p, self.kp_uv)                           # B K 2, expected position
        return grid, self.kp_embed(uv) + self.kp_id, uv


class DecoderLayer(nn.Module):
    def __init__(self, d: int, heads: int, ratio: int):
        super().__init__()
        self.ln_q, self.ln_ctx, self.ln_s, self.ln_m = (nn.LayerNorm(d) for _ in range(4))
        self.cross = Attention(d, heads)
        self.self_attn = Attention(d, heads)
        self.mlp = MLP(d, ratio * d, d)

    def forward(self, q, ctx, bias):
        y, w = self.cross(self.ln_q(q), self.ln_ctx(ctx), bias)
        q = q + y
        h = self.ln_s(q)
        q = q + self.self_attn(h, h)[0]
        return q + self.mlp(self.ln_m(q)), w


def _head(d: int, out: int) -> nn.Module:
    return nn.Sequential(nn.LayerNorm(d), MLP(d, 2 * d, out))


class VLAPolicy(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.tok_emb = nn.Embedding(cfg.vocab_size, d)
        self.tok_pos = nn.Parameter(torch.randn(cfg.max_tokens, d) * 0.02)
        nn.init.normal_(self.tok_emb.weight, std=0.02)
        self.text_blocks = nn.ModuleList(TextBlock(d, cfg.heads, cfg.mlp_ratio) for _ in range(cfg.text_layers))
        self.text_ln = nn.LayerNorm(d)
        self.lang = MLP(d, 2 * d, d)
        self.stems = nn.ModuleDict({c: VisionStem(cfg) for c in CAMERAS})
        self.proprio = MLP(cfg.proprio_dim, 2 * d, d)
        # Which segment a context token comes from (front, wrist, text, proprio).
        # (+ front and wrist keypoints when the config has them).
        self.type_emb = nn.Parameter(torch.randn(6 if cfg.keypoints else 4, d) * 0.02)
        self.query = nn.Parameter(torch.randn(len(cfg.queries), d) * 0.02)
        self.query_lang = nn.Linear(d, d)
        self.layers = nn.ModuleList(DecoderLayer(d, cfg.heads, cfg.mlp_ratio) for _ in range(cfg.layers))
        qi = {n: i for i, n in enumerate(cfg.queries)}
        self.qi = qi
        P, V, O = cfg.max_plan, cfg.n_verbs + 1, cfg.n_objects
        self.head_action = _head(d, cfg.chunk * cfg.action_dim)
        self.head_plan = _head(d, P * V + P * O)
        self.head_subtask = _head(d, P)
        self.head_move = _head(d, cfg.n_moves)
        self.head_gripper = nn.ModuleDict({c: _head(d, cfg.n_points * 2) for c in CAMERAS})
        self.head_boxes = nn.ModuleDict({c: _head(d, O * 5) for c in CAMERAS})

    def forward(self, image_front, image_wrist, tokens, proprio):
        """Returns the tuple in output_names(cfg) order (the ONNX outputs)."""
        cfg = self.cfg
        B = image_front.shape[0]
        d = cfg.d_model
        # --- language
        valid = tokens != 0                                              # B T (pad id 0)
        bias = (1.0 - valid.float()).reshape(B, 1, 1, cfg.max_tokens) * NEG_INF
        text = self.tok_emb(tokens.long()) + self.tok_pos
        for blk in self.text_blocks:
            text = blk(text, bias)
        text = self.text_ln(text)
        vf = valid.float().unsqueeze(-1)
        pooled = (text * vf).sum(1) / vf.sum(1).clamp(min=1.0)
        lang = self.lang(pooled)
        # --- context tokens
        front, kp_front, kp_front_uv = self.stems["front"](image_front, lang)
        wrist, kp_wrist, kp_wrist_uv = self.stems["wrist"](image_wrist, lang)
        prop = (self.proprio(proprio) + self.type_emb[3]).unsqueeze(1)
        parts = [front + self.type_emb[0], wrist + self.type_emb[1], text + self.type_emb[2], prop]
        if cfg.keypoints:
            parts += [kp_front + self.type_emb[4], kp_wrist + self.type_emb[5]]
        ctx = torch.cat(parts, dim=1)
        # Only text can be padding: extend its mask with zeros for the other tokens (segments() order).
        n_img = front.shape[1] + wrist.shape[1]
        ctx_bias = F.pad(bias, (n_img, ctx.shape[1] - n_img - cfg.max_tokens))
        # --- query decoder
        q = self.query.unsqueeze(0) + self.query_lang(lang).unsqueeze(1)
        attn = []
        for layer in self.layers:
            q, w = layer(q, ctx, ctx_bias)
            attn.append(w)
        attention = torch.stack(attn, dim=1)                             # B L h Q N
        qi = self.qi
        P, V, O = cfg.max_plan, cfg.n_verbs + 1, cfg.n_objects
        actions = self.head_action(q[:, qi["action"]]).reshape(B, cfg.chunk, cfg.action_dim)
        plan = self.head_plan(q[:, qi["plan"]])
        plan_verb = plan[:, : P * V].reshape(B, P, V)
        plan_obj = plan[:, P * V:].reshape(B, P, O)
        subtask = self.head_subtask(q[:, qi["subtask"]])
        move = self.head_move(q[:, qi["move"]])
        points = torch.stack([self.head_gripper[c](q[:, qi["gripper_" + c]]) for c in CAMERAS], 1)
        points = torch.sigmoid(points.reshape(B, len(CAMERAS), cfg.n_points, 2))
        bx = torch.stack([self.head_boxes[c](q[:, qi["boxes_" + c]]) for c in CAMERAS], 1)
        bx = bx.reshape(B, len(CAMERAS), O, 5)
        box_logits = bx[..., 0]
        boxes = torch.sigmoid(bx[..., 1:])
        out = (actions, plan_verb, plan_obj, subtask, move, points, box_logits, boxes, attention)
        if cfg.keypoints:
            # -1..1 (pixel-centre grid) -> 0..1 image coordinates, like gripper_points and boxes.
            out += (torch.stack([kp_front_uv, kp_wrist_uv], 1) * 0.5 + 0.5,)
        return out

    @property
    def output_names(self) -> tuple:
        return output_names(self.cfg)

    def forward_dict(self, batch: dict) -> dict:
        return dict(zip(self.output_names, self(*(batch[n] for n in INPUT_NAMES))))


def output_specs(cfg: ModelConfig, batch: int = 1) -> list:
    """Name, shape, dtype and meaning of every ONNX output, for the manifest: the contract's tensors with the
    model-defined dims filled in from the config."""
    sizes = {"batch": batch, "chunk": cfg.chunk, "action": cfg.action_dim, "plan_slots": cfg.max_plan,
             "verbs_and_empty": cfg.n_verbs + 1, "objects": cfg.n_objects, "moves": cfg.n_moves,
             "points": cfg.n_points, "layers": cfg.layers, "heads": cfg.heads, "queries": len(cfg.queries),
             "context": cfg.context_len, "keypoints": cfg.keypoints}
    return [{"name": n, "shape": C.resolve_shape(n, sizes), "dtype": C.tensor_spec(n)["dtype"],
             "meaning": C.tensor_spec(n)["meaning"]} for n in output_names(cfg)]


def input_specs(cfg: ModelConfig, batch: int = 1) -> list:
    """The same for the ONNX inputs."""
    sizes = {"batch": batch, "height": cfg.image_hw[0], "width": cfg.image_hw[1], "tokens": cfg.max_tokens,
             "proprio": cfg.proprio_dim}
    return [{"name": n, "shape": C.resolve_shape(n, sizes), "dtype": C.tensor_spec(n)["dtype"],
             "meaning": C.tensor_spec(n)["meaning"]} for n in INPUT_NAMES]


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
