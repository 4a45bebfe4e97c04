"""Turn an exported model directory (model.onnx + manifest.json, what `vla.export` writes) back into a
training checkpoint, so a shipped model can be fine-tuned when only its export is kept:

    PYTHONPATH=training /usr/bin/python3 -m vla.from_export training/base/vla-small-2026-11-21 --out runs/base/latest.pt

A recipe may also name the directory itself as its `init` (train.py converts it on the fly).

Why this is exact: the ONNX graph is our own model traced by torch.onnx with `do_constant_folding`, so every
parameter is in the file, whole or folded: under its own name, reshaped (GroupNorm's affine as [C,1,1]),
transposed (a linear layer's weight as `onnx::MatMul_N`) or split into rows (an embedding table added as
constants). Tracing the same model with every parameter set to distinct random values (the probe) shows
where each one lands; the export's values are read from those places. The result must then reproduce the
export's own parity fixtures (parity.json) or nothing is written.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

from .dataset import Stats, normalize_images
from .model import INPUT_NAMES, ModelConfig, VLAPolicy, output_names
from .tokenizer import Tokenizer


def _initializers(proto) -> dict:
    from onnx import numpy_helper
    return {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}


def _trace(model: VLAPolicy, inputs: dict):
    import onnx
    buf = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, tuple(inputs[n] for n in INPUT_NAMES), buf, input_names=list(INPUT_NAMES),
                          output_names=list(output_names(model.cfg)), opset_version=17, do_constant_folding=True)
    return onnx.load_from_string(buf.getvalue())


def _parity_inputs(sample: dict, manifest: dict) -> dict:
    tok = Tokenizer.from_json(manifest["tokenizer"])
    cams = {c["name"]: c for c in manifest["cameras"]}
    out = {}
    for name, cam in cams.items():
        px = np.asarray(sample["pixels"][name], np.uint8).reshape(cam["height"], cam["width"], 3)
        out[cam["input"]] = torch.from_numpy(normalize_images(px[None], cam["normalization"]["mean"], cam["normalization"]["std"]))
    out["tokens"] = torch.from_numpy(np.asarray(tok.encode(sample["instruction"]), np.int32)[None])
    out["proprio"] = torch.tensor([sample["proprio"]], dtype=torch.float32)
    return out


def checkpoint_from_export(model_dir: Path) -> dict:
    """A checkpoint dict with the keys `vla.train --init` and `vla.export` read."""
    import onnx
    model_dir = Path(model_dir)
    try:
        manifest = json.loads((model_dir / "manifest.json").read_text())
        proto = onnx.load(str(model_dir / manifest["model"]))
        parity = json.loads((model_dir / manifest["parity"]["file"]).read_text())
    except (OSError, KeyError, ValueError) as e:
        sys.exit(f"{model_dir}: not a model export this can read ({e})")
    prov = manifest["provenance"]
    recipe = prov["recipe"]
    cams = {c["name"]: c for c in manifest["cameras"]}
    stats = Stats(proprio_mean=manifest["proprio"]["mean"], proprio_std=manifest["proprio"]["std"],
                  action_mean=manifest["action"]["mean"], action_std=manifest["action"]["std"],
                  image_mean={n: c["normalization"]["mean"] for n, c in cams.items()},
                  image_std={n: c["normalization"]["std"] for n, c in cams.items()})
    first = next(iter(cams.values()))
    data_meta = {
        "dataset": prov["dataset"]["path"], "card": prov["dataset"], "episodes": [], "train_episodes": [],
        "val_episodes": [], "train_frames": prov["dataset"].get("train_frames", 0),
        "image_hw": [first["height"], first["width"]], "max_plan": manifest["reasoning"]["max_plan"],
        "n_points": 1 + manifest["reasoning"]["future_points"], "vocab": manifest["vocab"],
        "tokenizer": manifest["tokenizer"], "stats": stats.to_json(),
        "proprio_layout": manifest["proprio"]["layout"], "action_layout": manifest["action"]["dims"],
        "control_hz": prov["dataset"].get("control_hz", 10),
    }
    from .train import build_model  # late: train imports this module for recipes that name an export
    model = build_model(data_meta, recipe["model"])
    model.eval()
    state = model.state_dict()
    inputs = _parity_inputs(parity["samples"][0], manifest)

    # Probe: give every parameter distinct random values, trace, and see where each one lands.
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for v in state.values():
            if v.is_floating_point():
                v.copy_(torch.randn(v.shape, generator=gen))
    probe = _initializers(_trace(model, inputs))
    shipped = _initializers(proto)
    loaded = {}
    for key, v in state.items():
        a = v.numpy()
        same = [n for n, p in probe.items() if p.size == a.size and np.array_equal(p.ravel(), a.ravel())]
        turned = [n for n, p in probe.items() if a.ndim == 2 and p.size == a.size and np.array_equal(p.ravel(), a.T.ravel())]
        rows = [next((n for n, p in probe.items() if p.size == r.size and np.array_equal(p.ravel(), r)), None)
                for r in a.reshape(len(a), -1)] if a.ndim >= 2 else [None]
        if same:  # the parameter itself, possibly reshaped (GroupNorm's affine becomes [C,1,1])
            loaded[key] = torch.from_numpy(shipped[same[0]].reshape(a.shape).copy())
        elif turned:  # a linear layer's weight, transposed for MatMul
            loaded[key] = torch.from_numpy(shipped[turned[0]].reshape(a.T.shape).T.copy())
        elif all(rows):  # an embedding table whose rows are each added as constants
            loaded[key] = torch.from_numpy(np.stack([shipped[n].ravel() for n in rows]).reshape(a.shape).copy())
        elif not v.is_floating_point():
            loaded[key] = v.clone()  # an integer buffer: not a weight
        else:
            sys.exit(f"{model_dir}: cannot place parameter {key} in the ONNX initializers")
    model = build_model(data_meta, recipe["model"])
    model.load_state_dict(loaded)
    model.eval()
    worst = 0.0
    with torch.no_grad():
        for s in parity["samples"]:
            x = _parity_inputs(s, manifest)
            for name, o in zip(model.output_names, model(*(x[n] for n in INPUT_NAMES))):
                worst = max(worst, float(np.abs(o.numpy().ravel() - np.asarray(s["outputs"][name]["data"], np.float32).ravel()).max()))
    if worst > manifest["parity"]["atol"]:
        sys.exit(f"{model_dir}: recovered weights miss the export's parity fixtures by {worst:.2e}")
    return {"step": prov.get("steps", 0), "model": model.state_dict(), "config": {**recipe, "seed": prov["seed"]},
            "model_config": model.cfg.to_json(), "data_meta": data_meta, "wall_s": float(prov.get("train_time_s", 0.0)),
            "params": sum(p.numel() for p in model.parameters()), "from_export": {"dir": str(model_dir),
            "sha256": manifest["model_sha256"], "parity_max_diff": worst}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--out", required=True, help="checkpoint path to write (e.g. runs/base/latest.pt)")
    a = ap.parse_args(argv)
    ck = checkpoint_from_export(Path(a.model_dir))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    torch.save(ck, a.out)
    print(f"{a.out}: {ck['params']} parameters from {a.model_dir} (parity max diff {ck['from_export']['parity_max_diff']:.2e})")


if __name__ == "__main__":
    main()
