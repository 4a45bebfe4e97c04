import json

import numpy as np
import onnx
import pytest
import torch

from conftest import TINY, ort
from vla.export import load_run
from vla.model import INPUT_NAMES, OUTPUT_NAMES, KEYPOINTS_OUTPUT


def test_run_outputs(trained_run):
    for f in ("latest.pt", "ckpt_0000003.pt", "ckpt_0000006.pt", "log.jsonl", "loss_curves.png", "summary.json",
              "config.json"):
        assert (trained_run / f).exists(), f
    rows = [json.loads(l) for l in (trained_run / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [2, 4, 6]
    s = json.loads((trained_run / "summary.json").read_text())
    assert s["finished"] and s["params"] > 100_000 and s["train_time_s"] > 0


def test_two_process_training_is_deterministic(dataset_dir, tmp_path):
    """Data-parallel training (2 processes, gradients averaged over gloo) checkpoints from rank 0 and gives
    the same weights twice from the same seed."""
    from vla.train import main
    args = ["--data", str(dataset_dir), "--seed", "5", "--processes", "2"] + TINY
    args = [a if a != "6" else "4" for a in args]  # 4 steps
    sa = main(args + ["--out", str(tmp_path / "a")])
    main(args + ["--out", str(tmp_path / "b")])
    assert sa["processes"] == 2 and sa["finished"]
    a = torch.load(tmp_path / "a" / "latest.pt")
    b = torch.load(tmp_path / "b" / "latest.pt")
    assert a["step"] == 4 and a["config"]["processes"] == 2
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    one = torch.load(tmp_path / "a" / "ckpt_0000003.pt")["model"]
    assert any(not torch.equal(one[k], a["model"][k]) for k in one)  # it trained


def test_resume_is_exact(dataset_dir, tmp_path):
    from vla.train import main
    args = ["--data", str(dataset_dir), "--seed", "7"] + TINY
    args = [a if a != "6" else "4" for a in args]  # 4 steps
    main(args + ["--out", str(tmp_path / "a")])
    main(args + ["--out", str(tmp_path / "b"), "--stop-at", "2"])
    assert torch.load(tmp_path / "b" / "latest.pt")["step"] == 2
    main(args + ["--out", str(tmp_path / "b"), "--resume"])
    a = torch.load(tmp_path / "a" / "latest.pt")
    b = torch.load(tmp_path / "b" / "latest.pt")
    assert a["step"] == b["step"] == 4
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    for sa, sb in zip(a["optimizer"]["state"].values(), b["optimizer"]["state"].values()):
        assert torch.equal(sa["exp_avg_sq"], sb["exp_avg_sq"])
    steps = [json.loads(l)["step"] for l in (tmp_path / "b" / "log.jsonl").read_text().splitlines()]
    assert steps == [2, 4]


def test_manifest(exported):
    m = json.loads((exported / "manifest.json").read_text())
    assert m["format"] == "vla-playground-model" and m["opset"] == 17 and m["model"] == "model.onnx"
    assert [c["name"] for c in m["cameras"]] == ["front", "wrist"]
    for c in m["cameras"]:
        assert c["width"] == c["height"] == 64 and len(c["normalization"]["mean"]) == 3
    t = m["tokenizer"]
    assert (t["type"], t["lowercase"], t["split"], t["pad_id"], t["unk_id"], t["max_length"]) == \
        ("word", True, "[^a-z0-9]+", 0, 1, 24)
    assert t["vocab"] == sorted(t["vocab"]) and "cube" in t["vocab"]
    assert len(m["proprio"]["layout"]) == len(m["proprio"]["mean"]) == len(m["proprio"]["std"]) == 13
    a = m["action"]
    assert a["chunk_length"] == 8 and a["control_hz"] == 10 and len(a["dims"]) == 7
    assert a["mean"][6] == 0 and a["std"][6] == 1 and a["gripper"] == "-1 open, +1 close"
    assert [o["name"] for o in m["outputs"]] == list(OUTPUT_NAMES) + [KEYPOINTS_OUTPUT]
    att = m["attention"]
    assert [s["name"] for s in att["segments"]] == ["front", "wrist", "text", "proprio", "front_keypoints",
                                                    "wrist_keypoints"]
    assert att["segments"][0]["grid"] == [8, 8] and att["context_length"] == 153 + 2 * 16
    assert len(att["queries"]) == next(o for o in m["outputs"] if o["name"] == "attention")["shape"][3]
    assert set(m["vocab"]) == {"verbs", "objects", "moves"}
    p = m["provenance"]
    assert p["evaluation"] is None and p["seed"] == 3 and p["steps"] == 6 and p["params"] > 0
    assert p["train_time_s"] > 0 and p["dataset"]["episodes"] == 3
    assert (exported / "MODEL_CARD.md").read_text().count("EVALUATION:BEGIN") == 1
    assert (exported / "parity.json").stat().st_size < 1_000_000


def test_onnx_graph(exported):
    g = onnx.load(str(exported / "model.onnx")).graph
    dtypes = {i.name: i.type.tensor_type.elem_type for i in g.input}
    assert list(dtypes) == list(INPUT_NAMES)
    assert dtypes["tokens"] == onnx.TensorProto.INT32 and dtypes["image_front"] == onnx.TensorProto.FLOAT
    assert [o.name for o in g.output] == list(OUTPUT_NAMES) + [KEYPOINTS_OUTPUT]
    m = json.loads((exported / "manifest.json").read_text())
    onnx_shapes = [[d.dim_value for d in o.type.tensor_type.shape.dim] for o in g.output]
    assert onnx_shapes == [o["shape"] for o in m["outputs"]]  # static, and as the manifest says


def test_onnxruntime_parity_fixtures(exported):
    """JS re-implementation of the manifest preprocessing + onnxruntime-web WASM must reproduce PyTorch."""
    report = ort("parity", exported)
    assert report["ok"], report
    assert len(report["samples"]) == 2 and all(s["tokens_match"] for s in report["samples"])
    worst = max(v for s in report["samples"] for v in s["max_abs_diff"].values())
    assert worst <= 1e-4
    fx = json.loads((exported / "parity.json").read_text())
    assert 1 in fx["samples"][1]["tokens"]  # the shouted instruction has an unknown word ("please")


def test_onnxruntime_matches_torch_on_padded_inputs(exported, trained_run, tmp_path):
    model, _ = load_run(trained_run)
    g = torch.Generator().manual_seed(1)
    tokens = torch.zeros(1, 24, dtype=torch.int32)
    tokens[0, :3] = torch.tensor([2, 1, 3])  # short instruction: 21 padded slots
    x = {"image_front": torch.randn(1, 3, 64, 64, generator=g), "image_wrist": torch.randn(1, 3, 64, 64, generator=g),
         "tokens": tokens, "proprio": torch.randn(1, 13, generator=g)}
    with torch.no_grad():
        ref = dict(zip(model.output_names, model(*(x[n] for n in INPUT_NAMES))))
    spec = {k: {"dims": list(v.shape), "dtype": "int32" if v.dtype == torch.int32 else "float32",
                "data": v.ravel().tolist()} for k, v in x.items()}
    (tmp_path / "in.json").write_text(json.dumps(spec))
    out = ort("run", exported / "model.onnx", tmp_path / "in.json")
    assert KEYPOINTS_OUTPUT in ref
    for k in ref:
        got = np.asarray(out[k]["data"], np.float32).reshape(out[k]["dims"])
        assert got.shape == tuple(ref[k].shape), k
        assert np.abs(got - ref[k].numpy()).max() <= 1e-4, k
    att = np.asarray(out["attention"]["data"]).reshape(out["attention"]["dims"])
    assert np.allclose(att.sum(-1), 1, atol=1e-5)
    assert (att[..., 128 + 3: 128 + 24] == 0).all()  # padded text slots get no attention in ORT either


def test_fine_tune_on_two_datasets(dataset_dir, trained_run, tmp_path):
    """`--init` starts from a run's weights, tokenizer and normalisation; `--data A B` trains on both
    datasets as one, with episode names kept apart; the export records both stages."""
    from synth import make_dataset
    from vla.dataset import load_dataset
    from vla.export import export
    from vla.train import main
    second = make_dataset(tmp_path / "second", episodes=2, steps=15, seed=1)
    both = load_dataset([dataset_dir, second], log=lambda *_: None)
    assert len(both.names) == 5 and both.names[0] == f"{dataset_dir.name}/ep_000000"
    assert both.names[-1] == "second/ep_000001" and both.card["episodes"] == 5 and len(both.card["parts"]) == 2
    one = load_dataset(second, log=lambda *_: None)
    assert np.array_equal(both.arrays["front"][-one.n_frames:], one.arrays["front"])

    base = torch.load(trained_run / "latest.pt")
    args = ["--data", str(dataset_dir), str(second), "--init", str(trained_run / "latest.pt"), "--seed", "2",
            "--out", str(tmp_path / "ft")] + TINY
    main(args)
    ft = torch.load(tmp_path / "ft" / "latest.pt")
    assert ft["data_meta"]["tokenizer"] == base["data_meta"]["tokenizer"]
    assert ft["data_meta"]["stats"] == base["data_meta"]["stats"]
    assert ft["data_meta"]["init"]["step"] == base["step"] and len(ft["data_meta"]["episodes"]) == 5
    # It started from the base weights: 3 AdamW steps at lr 1e-3 move no weight by more than ~3e-3, while a
    # fresh initialisation would differ everywhere by the init scale.
    after3 = torch.load(tmp_path / "ft" / "ckpt_0000003.pt")["model"]
    for k in ("head_action.1.2.weight", "stems.front.blocks.0.conv.weight"):
        assert (after3[k] - base["model"][k]).abs().max() < 0.01, k
    export(tmp_path / "ft", tmp_path / "m", verify=False)
    p = json.loads((tmp_path / "m" / "manifest.json").read_text())["provenance"]
    assert p["init"]["step"] == base["step"] and p["train_time_s"] > base["wall_s"]
    assert "then fine-tuned" in (tmp_path / "m" / "MODEL_CARD.md").read_text()


def test_two_stage_recipe(dataset_dir, tmp_path):
    """A recipe whose `init` names another recipe trains that one first into OUT/stage1, then fine-tunes
    from it; run again, the finished stage 1 is reused rather than retrained."""
    from vla.train import main
    stage1 = tmp_path / "stage1.json"
    stage1.write_text(json.dumps({"data": str(dataset_dir), "seed": 4, "steps": 3, "batch": 8, "threads": 2}))
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps({"data": [str(dataset_dir)], "init": {"recipe": str(stage1)}, "seed": 5,
                                  "steps": 2, "batch": 8, "lr": 1e-4, "threads": 2}))
    out = tmp_path / "run"
    s = main(["--config", str(recipe), "--out", str(out), "--no-plot", "--log-every", "1"])
    assert s["finished"] and s["step"] == 2
    first = torch.load(out / "stage1" / "latest.pt")
    ft = torch.load(out / "latest.pt")
    assert first["step"] == 3 and first["config"]["seed"] == 4
    assert ft["config"]["init"] == str(out / "stage1" / "latest.pt") and ft["data_meta"]["init"]["step"] == 3
    assert ft["config"]["config_file"] == str(recipe)
    mtime = (out / "stage1" / "latest.pt").stat().st_mtime_ns
    main(["--config", str(recipe), "--out", str(tmp_path / "again"), "--no-plot"])  # fresh OUT: stage 1 again
    assert torch.equal(torch.load(tmp_path / "again" / "stage1" / "latest.pt")["model"]["query"], first["model"]["query"])
    (out / "latest.pt").unlink()
    main(["--config", str(recipe), "--out", str(out), "--no-plot", "--resume"])  # stage 1 done: reused
    assert (out / "stage1" / "latest.pt").stat().st_mtime_ns == mtime
    assert torch.equal(torch.load(out / "latest.pt")["model"]["query"], ft["model"]["query"])


def test_fine_tune_from_an_exported_model(dataset_dir, trained_run, exported, tmp_path):
    """An exported model directory gives back its run's weights exactly (every parameter, whether the ONNX
    file holds it whole, reshaped, transposed or split into rows), and `--init DIR` fine-tunes from it."""
    from vla.from_export import checkpoint_from_export
    from vla.train import main
    base = torch.load(trained_run / "latest.pt")
    back = checkpoint_from_export(exported)
    assert back["model"].keys() == base["model"].keys()
    for k, v in base["model"].items():
        assert torch.equal(back["model"][k], v), k
    assert back["data_meta"]["tokenizer"] == base["data_meta"]["tokenizer"]
    assert back["data_meta"]["stats"] == json.loads(json.dumps(base["data_meta"]["stats"]))
    main(["--data", str(dataset_dir), "--init", str(exported), "--seed", "2", "--out", str(tmp_path / "ft")] + TINY)
    ft = torch.load(tmp_path / "ft" / "latest.pt")
    assert ft["data_meta"]["init"]["checkpoint"] == str(exported) and ft["step"] == 6
    # A damaged export is refused with its reason, not half-loaded.
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in exported.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    p = json.loads((broken / "parity.json").read_text())
    p["samples"][0]["outputs"]["actions"]["data"][0] += 1.0
    (broken / "parity.json").write_text(json.dumps(p))
    with pytest.raises(SystemExit, match="parity"):
        checkpoint_from_export(broken)
