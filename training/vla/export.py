"""Export a training run to a browser model directory.

    PYTHONPATH=training /usr/bin/python3 -m vla.export --run runs/NAME --out public/models/vla-small

Writes model.onnx (opset 17, batch 1, int32 tokens), manifest.json (everything the TypeScript runtime needs
to feed and decode the model, plus provenance), MODEL_CARD.md, parity.json (raw fixture inputs and PyTorch
outputs that onnxruntime-web must reproduce within `atol`) and loss_curves.png. Unless --no-verify, the
export is then run through onnxruntime-web's WASM backend in Node (training/ort_check.mjs) and refused if parity fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import torch

from . import contract as C
from .dataset import Stats, dataset_roots, load_dataset, normalize_images
from .model import INPUT_NAMES, ModelConfig, VLAPolicy, input_specs, output_names, output_specs
from .tokenizer import Tokenizer
from .vocab import FUTURE_STRIDE

REPO_ROOT = Path(__file__).resolve().parents[2]
ORT_CHECK = REPO_ROOT / "training" / "ort_check.mjs"
FORMAT = "vla-playground-model"
PARITY_ATOL = 1e-4
EVAL_BEGIN, EVAL_END = "<!-- EVALUATION:BEGIN -->", "<!-- EVALUATION:END -->"


def load_run(run: Path, ckpt_name: str = "latest.pt"):
    ckpt = torch.load(run / ckpt_name, map_location="cpu")
    model = VLAPolicy(ModelConfig.from_json(ckpt["model_config"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, ckpt


def _f32(x) -> list:
    """Flat list of float32 values printed with 9 significant digits (round-trips float32 exactly)."""
    return [float(f"{v:.9g}") for v in np.asarray(x, np.float32).ravel()]


def _raw_samples(ckpt: dict, n: int = 2) -> list:
    """Raw (pre-normalisation) inputs for the parity fixtures: real frames when the run's dataset is on this
    machine, otherwise deterministic synthetic ones. The second instruction is the first one shouted, with
    punctuation and a word outside the vocabulary, so the fixtures also pin the tokenizer rule."""
    meta = ckpt["data_meta"]
    rng = np.random.default_rng(1234)
    H, W = meta["image_hw"]
    samples = []
    roots = [r if r.is_absolute() else REPO_ROOT / r for r in dataset_roots(meta["dataset"])]
    try:
        data = load_dataset(roots, include_failures=True, log=lambda *_: None)
        names = meta["val_episodes"] or meta["train_episodes"]
        eps = [data.names.index(x) for x in names[:n]] if len(names) >= n else [data.names.index(names[0])] * n
        for j, e in enumerate(eps):
            i = int(data.ep_start[e] + data.ep_len[e] * (j + 1) // (n + 1))
            samples.append({"source": f"{roots[0].name if len(roots) == 1 else 'data'}/{data.names[e]} step {int(data.t_of[i])}",
                            "instruction": data.instructions[e],
                            **{cam: data.arrays[cam][i] for cam in C.CAMERAS},
                            "proprio": data.arrays["proprio"][i]})
    except (FileNotFoundError, ValueError, KeyError):
        vocab = meta["tokenizer"]["vocab"]
        for j in range(n):
            samples.append({"source": "synthetic (dataset not available at export)",
                            "instruction": " ".join(rng.choice(vocab, 6)) if vocab else "",
                            **{cam: rng.integers(0, 256, (H, W, 3), dtype=np.uint8) for cam in C.CAMERAS},
                            "proprio": (np.asarray(meta["stats"]["proprio_mean"])
                                        + rng.normal(0, 1, C.PROPRIO_DIM) * np.asarray(meta["stats"]["proprio_std"])
                                        ).astype(np.float32)})
    if len(samples) > 1:
        samples[1]["instruction"] = "Please, " + samples[0]["instruction"].upper() + "  -- now!!"
    return samples


def model_inputs(sample: dict, tok: Tokenizer, stats: Stats) -> dict:
    """Exactly the browser-side preprocessing documented in the manifest."""
    return {
        **{C.camera_input(cam): torch.from_numpy(normalize_images(sample[cam][None], stats.image_mean[cam], stats.image_std[cam]))
           for cam in C.CAMERAS},
        "tokens": torch.from_numpy(tok.encode(sample["instruction"])[None]),
        "proprio": torch.from_numpy(((np.asarray(sample["proprio"], np.float32) - np.asarray(stats.proprio_mean, np.float32))
                                     / np.asarray(stats.proprio_std, np.float32))[None].astype(np.float32)),
    }


def decode(outputs: dict, stats: Stats, vocab: dict) -> dict:
    """Reference decoding of one sample's outputs (what the TypeScript postprocessing must produce)."""
    a = outputs["actions"][0] * np.asarray(stats.action_std, np.float32) + np.asarray(stats.action_mean, np.float32)
    verbs, objects, moves = vocab["verbs"], vocab["objects"], vocab["moves"]
    plan = []
    for v_logits, o_logits in zip(outputs["plan_verb_logits"][0], outputs["plan_object_logits"][0]):
        v = int(np.argmax(v_logits))
        if v == len(verbs):
            break
        plan.append([verbs[v], objects[int(np.argmax(o_logits))]])
    visible = {cam: [objects[o] for o in range(len(objects)) if outputs["box_logits"][0, c, o] > 0]
               for c, cam in enumerate(C.CAMERAS)}
    return {"actions": [_f32(row) for row in a], "gripper": ["close" if g > 0 else "open" for g in a[:, C.GRIPPER_DIM]],
            # The current subtask is one of the plan's slots (src/policy/decode.ts reads it the same way).
            "plan": plan, "subtask": int(np.argmax(outputs["subtask_logits"][0][: max(1, len(plan))])),
            "move": moves[int(np.argmax(outputs["move_logits"][0]))], "visible_objects": visible}


def build_manifest(name: str, model: VLAPolicy, ckpt: dict, onnx_path: Path, run: Path) -> dict:
    cfg: ModelConfig = model.cfg
    meta, conf = ckpt["data_meta"], ckpt["config"]
    stats = Stats.from_json(meta["stats"])
    H, W = cfg.image_hw
    summary = json.loads((run / "summary.json").read_text()) if (run / "summary.json").exists() else {}
    rows = [json.loads(l) for l in (run / "log.jsonl").read_text().splitlines() if l.strip()] \
        if (run / "log.jsonl").exists() else []
    last = {s: next((r for r in reversed(rows) if r.get("split") == s), None) for s in ("train", "val")}
    final = {s: {k: r[k] for k in ("step", "loss", "loss_action", "acc_grip", "acc_move") if k in r}
             for s, r in last.items() if r}
    proprio_layout = meta.get("proprio_layout") or list(C.PROPRIO_LAYOUT)
    action_layout = meta.get("action_layout") or list(C.ACTION_LAYOUT)
    # The app refuses a manifest whose layouts differ from the contract: refuse it here, at export, instead.
    for what, got, want in (("proprio_layout", proprio_layout, C.PROPRIO_LAYOUT), ("action_layout", action_layout, C.ACTION_LAYOUT)):
        if tuple(got) != tuple(want):
            raise ValueError(f"the run's dataset {what} {list(got)} differs from the contract's {list(want)}")
    act, pix = C.CONTRACT["action"], C.CONTRACT["pixels"]
    return {
        "format": FORMAT,
        "version": 1,
        "name": name,
        "model": "model.onnx",
        "model_bytes": onnx_path.stat().st_size,
        "model_sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
        "opset": 17,
        "batch": 1,
        "inputs": input_specs(cfg, 1),
        "cameras": [{"name": cam["name"], "input": cam["input"], "width": W, "height": H,
                     "channels": cam["channels"], "layout": cam["layout"], "row0": cam["row0"],
                     "normalization": {"mean": stats.image_mean[cam["name"]], "std": stats.image_std[cam["name"]],
                                       "formula": pix["formula"]}}
                    for cam in C.CONTRACT["cameras"]],
        "tokenizer": meta["tokenizer"],
        "proprio": {"input": C.CONTRACT["proprio"]["input"], "layout": proprio_layout, "mean": stats.proprio_mean,
                    "std": stats.proprio_std, "formula": C.CONTRACT["proprio"]["formula"]},
        "action": {"output": act["output"], "dims": action_layout, "names": action_layout, "mean": stats.action_mean, "std": stats.action_std,
                   "formula": act["formula"], "chunk_length": cfg.chunk, "control_hz": meta.get("control_hz") or act["control_hz"],
                   **{k: act[k] for k in ("gripper", "gripper_dim", "gripper_decode", "clip", "frames")}},
        "outputs": output_specs(cfg, 1),
        "attention": {"output": "attention", "layers": cfg.layers, "heads": cfg.heads, "queries": list(cfg.queries),
                      "context_length": cfg.context_len, "segments": cfg.segments(),
                      "grid_order": "row-major: token start + row * grid[1] + col; row 0 = top"},
        "vocab": meta["vocab"],
        "reasoning": {"max_plan": cfg.max_plan, "empty_verb_index": len(meta["vocab"]["verbs"]),
                      "future_points": cfg.n_points - 1, "future_stride": FUTURE_STRIDE,
                      "cameras": list(C.CAMERAS), "point_coords": C.REASONING["point_coords"]},
        "parity": {"file": "parity.json", "atol": PARITY_ATOL},
        "provenance": {
            "dataset": {"path": meta["dataset"], **meta.get("card", {}),
                        "train_episodes": len(meta["train_episodes"]), "val_episodes": len(meta["val_episodes"]),
                        "train_frames": meta.get("train_frames")},
            "seed": conf["seed"], "steps": ckpt["step"], "batch": conf["batch"], "lr": conf["lr"],
            # A fine-tune's time includes the run it started from: that is what reproducing the model costs.
            "train_time_s": round(float(ckpt["wall_s"]) + float((meta.get("init") or {}).get("train_time_s", 0.0)), 1),
            "params": int(ckpt["params"]),
            "init": meta.get("init"),
            "samples_per_s": summary.get("median_samples_per_s"),
            "hardware": (f"CPU, torch {torch.__version__}, " + (
                f"{conf['processes']} data-parallel processes x {max(1, conf['threads'] // conf['processes'])} thread"
                if conf.get("processes", 1) > 1 else f"{conf['threads']} threads")),
            "final": final, "recipe": conf,
            "exported": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "evaluation": None,
        },
    }


def augmentation_text(aug: dict) -> str:
    """The recipe's augmentation in words (training/vla/dataset.py applies it), so the card says what was used."""
    out = [f"random shifts of up to {aug.get('shift', 4)} px (labels shifted with the pixels)",
           "brightness/contrast/colour jitter"]
    if aug.get("pixel_noise"):
        out.append(f"Gaussian pixel noise (sigma up to {aug['pixel_noise']})")
    if aug.get("blur"):
        out.append(f"a 3x3 box blur mixed in with probability {aug['blur']}")
    if aug.get("unk_insert", 0.1):
        out.append("random insertion of an unknown word")
    if aug.get("word_dropout"):
        out.append(f"dropout of function words ({aug['word_dropout']} per word)")
    if aug.get("synonym_swap"):
        out.append(f"swaps among the training wordings' synonyms ({aug['synonym_swap']} per word)")
    if aug.get("frame"):
        out.append(f"sentence frames and fillers around the instruction ({aug['frame']} per sample)")
    return ", ".join(out)


def model_card(m: dict) -> str:
    p = m["provenance"]
    d = p["dataset"]
    tasks = ", ".join(f"{k} ({v})" for k, v in (d.get("tasks") or {}).items()) or "n/a"
    fin = p["final"]
    f = lambda s, k: f"{fin[s][k]:.4f}" if s in fin and k in fin[s] else "n/a"  # noqa: E731
    q = m["attention"]["queries"]
    init = p.get("init")
    if init and init.get("from_export"):  # fine-tuned from an earlier export kept in the repo
        stages = (f"the earlier model `{init['checkpoint']}` (its MODEL_CARD.md says how it was trained), "
                  f"fine-tuned for ")
    elif init:
        # Stage 1 itself may have started from an export (a recipe whose init names a folder).
        base = init["recipe"].get("init")
        start = f"the earlier model `{base}` fine-tuned" if isinstance(base, str) and base else "from scratch"
        stages = (f"{start} {init['step']} steps on `{init['dataset']}` ({init['recipe'].get('lr')} lr, seed {init['seed']}), "
                  f"then fine-tuned from that checkpoint for ")
    else:
        stages = ""
    parts = d.get("parts") or [{"path": d.get("path"), "generator": d.get("generator")}]
    data_paths = " + ".join(f"`{pt['path']}`" for pt in parts)
    datagen = "\n".join(f"{pt.get('generator') or 'npm run datagen -- ...'} --out {pt['path']}" for pt in parts)
    config = p["recipe"].get("config_file") or "training/configs/shipped.json"
    train_cmd = "npm run train" + ("" if config == "training/configs/shipped.json" else f" -- --config {config}")
    first = (init["recipe"].get("config_file") if init else None) or "training/configs/shipped-stage1.json"
    if init and init.get("from_export"):  # the recipe names the export as its init: one command
        train = train_cmd
    elif init and Path(init["checkpoint"]).parent.name == "stage1":  # a two-stage recipe: one command runs both
        train = f"{train_cmd}   # stage 1 ({first}), then this fine-tune"
    elif init:
        train = (f"npm run train -- --config {first} --out {Path(init['checkpoint']).parent}\n"
                 f"npm run train -- --config {config} --init {init['checkpoint']}")
    else:
        train = train_cmd
    kp = next((g["length"] for g in m["attention"]["segments"] if g["name"] == "front_keypoints"), 0)
    kp_text = (f" The stem's 16x16 feature map (after the second block) also feeds {kp} spatial-softmax keypoints "
               "per camera: each channel's expected image position (u, v) is embedded as one token, so object "
               "positions reach the decoder as coordinates rather than as appearance within an 8x8-px cell.") if kp else ""
    return f"""# {m['name']}

A small vision-language-action policy trained from scratch for the VLA Playground: it reads two 64x64 camera
images (front and wrist), a typed instruction and the arm's proprioception, and predicts a chunk of
{m['action']['chunk_length']} end-effector actions ({m['action']['control_hz']} Hz) together with its reasoning
(plan, current subtask, movement primitive, gripper points, object boxes) and its attention maps.
Everything it knows it learned from this project's simulated demonstrations; no pretrained weights.

| | |
|---|---|
| parameters | {p['params']:,} |
| ONNX file | `model.onnx`, {m['model_bytes'] / 1e6:.2f} MB, opset {m['opset']}, batch 1 |
| inputs | `image_front`, `image_wrist` float32 [1,3,64,64]; `tokens` int32 [1,{m['tokenizer']['max_length']}]; `proprio` float32 [1,13] |
| training data | {data_paths}: {d.get('episodes', 'n/a')} episodes, {d.get('frames', 'n/a')} frames; {d['train_episodes']} train / {d['val_episodes']} val episodes |
| suites / tasks | {', '.join(d.get('suites') or []) or 'n/a'} / {tasks} |
| seeds | {d.get('seeds')} (training seeds; evaluation seeds are >= 1,000,000) |
| training | {stages}{p['steps']} steps x batch {p['batch']}, seed {p['seed']}, lr {p['lr']}, {p['train_time_s'] / 60:.1f} min in all on {p['hardware']} |
| final train loss | {f('train', 'loss')} (action L1 {f('train', 'loss_action')}, normalised units) |
| final val loss | {f('val', 'loss')} (action L1 {f('val', 'loss_action')}, gripper sign agreement {f('val', 'acc_grip')}) |

## Architecture

Per camera, a 4-block conv stem (3x3 convs, strides 2-2-2-1, GroupNorm, FiLM-conditioned on the instruction)
turns the image into an 8x8 grid of tokens.{kp_text} The instruction is embedded and passed
through one masked self-attention block; its masked mean is the FiLM vector. With a proprioception token the
context is {m['attention']['context_length']} tokens. {len(q)} learned query tokens ({', '.join(q)}) go through
{m['attention']['layers']} decoder layers (cross-attention to the context with {m['attention']['heads']} heads,
self-attention among queries, MLP); each output family is read from its own query. The `attention` output is the
cross-attention of every layer/head/query over the context (layout in `manifest.json`).

Losses: L1 on normalised action chunks (masked past the episode end), cross-entropy for plan/subtask/move,
BCE for box visibility, L1 for gripper points and boxes where visible. Augmentation: {augmentation_text(p["recipe"].get("augment") or {})}.

## Evaluation

{EVAL_BEGIN}
Not evaluated yet. `npm run eval -- --policy model --model public/models/{m['name']}` fills this section and
`provenance.evaluation` in `manifest.json`.
{EVAL_END}

## Reproduce

```
{datagen}
{train}
npm run export{"" if m['name'] == "vla-small" else f" -- --out public/models/{m['name']}"}   # the newest run
```

Recipe: `{config}`{(" (a fine-tune of `provenance.init.checkpoint`)" if init.get("from_export") else " (stage 2; stage 1 is `provenance.init.recipe`)") if init else ""}; the full recipe as trained
is `provenance.recipe` in `manifest.json`.

## Limitations

Trained only on scripted-expert demonstrations in this simulator at 64x64 pixels; instructions outside the
training templates map unknown words to `<unk>`. Reasoning outputs are predictions, not guarantees: the UI shows
them next to the ground truth where it has one.
"""


def export(run: Path, out: Path, name: str | None = None, verify: bool = True, ckpt_name: str = "latest.pt") -> dict:
    run, out = Path(run), Path(out)
    name = name or out.name
    model, ckpt = load_run(run, ckpt_name)
    meta = ckpt["data_meta"]
    tok = Tokenizer.from_json(meta["tokenizer"])
    stats = Stats.from_json(meta["stats"])
    out.mkdir(parents=True, exist_ok=True)
    raw = _raw_samples(ckpt)
    inputs = [model_inputs(s, tok, stats) for s in raw]

    onnx_path = out / "model.onnx"
    with torch.no_grad(), warnings.catch_warnings():
        # torch 1.13's exporter warns about constants' shape inference and GroupNorm's batch-size check
        # (batch is fixed at 1); both are harmless, and parity with PyTorch is verified below.
        warnings.simplefilter("ignore")
        torch.onnx.export(model, tuple(inputs[0][n] for n in INPUT_NAMES), str(onnx_path),
                          input_names=list(INPUT_NAMES), output_names=list(output_names(model.cfg)),
                          opset_version=17, do_constant_folding=True)
    import onnx
    proto = onnx.load(str(onnx_path))
    # The tracer loses static shapes through the attention reshapes (attention shows as [0,2,0,0,0]);
    # write the true output shapes so runtimes and `checkModelSignature` see exactly what the manifest says.
    with torch.no_grad():
        shapes = [tuple(o.shape) for o in model(*(inputs[0][n] for n in INPUT_NAMES))]
    for out_info, shape in zip(proto.graph.output, shapes):
        dims = out_info.type.tensor_type.shape.dim
        del dims[:]
        for n in shape:
            dims.add().dim_value = n
    onnx.checker.check_model(proto)
    onnx.save(proto, str(onnx_path))
    tok_type = next(i for i in proto.graph.input if i.name == "tokens").type.tensor_type.elem_type
    assert tok_type == onnx.TensorProto.INT32, "tokens input must be int32"

    samples = []
    with torch.no_grad():
        for s, x in zip(raw, inputs):
            o = {k: v.numpy() for k, v in zip(model.output_names, model(*(x[n] for n in INPUT_NAMES)))}
            samples.append({
                "source": s["source"],
                "instruction": s["instruction"],
                "tokens": x["tokens"][0].tolist(),
                "pixels": {"front": s["front"].ravel().tolist(), "wrist": s["wrist"].ravel().tolist()},
                "pixels_layout": "uint8 HWC RGB, row 0 = top",
                "proprio_raw": _f32(s["proprio"]),
                "proprio": _f32(x["proprio"]),
                "outputs": {k: {"dims": list(v.shape), "data": _f32(v)} for k, v in o.items()},
                "decoded": decode(o, stats, meta["vocab"]),
            })
    (out / "parity.json").write_text(json.dumps({
        "atol": PARITY_ATOL,
        "note": "Feed pixels/instruction/proprio_raw through the manifest's preprocessing, run model.onnx, "
                "compare every output with `outputs` (max abs diff <= atol); `tokens` and `proprio` are the "
                "expected preprocessed values, `decoded` the expected postprocessing.",
        "samples": samples}, separators=(",", ":")))

    manifest = build_manifest(name, model, ckpt, onnx_path, run)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    (out / "MODEL_CARD.md").write_text(model_card(manifest))
    if (run / "loss_curves.png").exists():
        shutil.copyfile(run / "loss_curves.png", out / "loss_curves.png")
    report = None
    if verify:
        report = verify_with_ort(out)
        if not report["ok"]:
            raise SystemExit(f"onnxruntime parity failed: {json.dumps(report)}")
    print(f"exported {run} -> {out}: {manifest['model_bytes'] / 1e6:.2f} MB, {ckpt['params']} params"
          + (f", ort parity max diff {max_diff(report):.2e}" if report else ""))
    return manifest


def verify_with_ort(model_dir: Path) -> dict:
    r = subprocess.run(["node", str(ORT_CHECK), "parity", str(Path(model_dir).resolve())], cwd=REPO_ROOT,
                       capture_output=True, text=True)
    if not r.stdout.strip():
        raise SystemExit(f"ort_check failed to run: {r.stderr}")
    return json.loads(r.stdout)


def max_diff(report: dict) -> float:
    return max(v for s in report["samples"] for v in s["max_abs_diff"].values() if v is not None)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="training run directory (contains latest.pt)")
    ap.add_argument("--out", required=True, help="model directory, e.g. public/models/vla-small")
    ap.add_argument("--name", help="model name (default: the --out folder name)")
    ap.add_argument("--ckpt", default="latest.pt", help="checkpoint file inside --run")
    ap.add_argument("--no-verify", action="store_true", help="skip the onnxruntime-web parity check")
    a = ap.parse_args(argv)
    torch.set_num_threads(2)
    export(Path(a.run), Path(a.out), a.name, verify=not a.no_verify, ckpt_name=a.ckpt)


if __name__ == "__main__":
    main()
