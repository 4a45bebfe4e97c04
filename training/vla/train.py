"""Train the VLA policy.

    PYTHONPATH=training /usr/bin/python3 -m vla.train --config training/configs/shipped.json \
        --data data/demos --out runs/NAME [--seed S] [--steps N] [--batch B] [--lr LR] [--resume]

Determinism: the model is initialised from `seed`, and every step draws its batch and augmentation from
`np.random.default_rng([seed, step])` (`[seed, step, rank]` per process with `--processes` > 1), so no RNG state
has to be checkpointed and `--resume` continues bit-for-bit (model + AdamW state are restored; the LR is a pure
function of the step).
`--stop-at K` ends the session after step K (saving latest.pt) without changing the schedule, which is how a
long run is split across sessions and how the resume test interrupts a run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from .dataset import (Augment, IGNORE, TextAugment, card_summary, compute_stats, load_dataset, make_batch,
                      split_episodes, Stats)
from .model import INPUT_NAMES, ModelConfig, VLAPolicy, count_params
from .tokenizer import Tokenizer, MAX_LENGTH
from .vocab import MAX_PLAN, FUTURE_POINTS

DEFAULTS = {
    "data": "data/demos",
    # Checkpoint (or exported model directory) whose weights start this run (fine-tuning); its tokenizer and
    # normalisation are kept too.
    "init": None,
    "seed": 0,
    "steps": 16000,
    "batch": 64,
    "lr": 1e-3,
    "weight_decay": 0.05,
    "warmup": 500,
    "min_lr_ratio": 0.05,
    "grad_clip": 1.0,
    "val_fraction": 0.05,
    "val_samples": 2048,
    "include_failures": False,
    "max_episodes": None,
    "threads": 2,
    "processes": 1,
    "log_every": 50,
    "eval_every": 1000,
    "ckpt_every": 1000,
    "keep_ckpts": 3,
    "loss_weights": {"action": 1.0, "plan_verb": 0.1, "plan_object": 0.1, "subtask": 0.1, "move": 0.1,
                     "points": 1.0, "box_presence": 0.1, "boxes": 0.5},
    "augment": {"shift": 4, "brightness": 0.08, "contrast": 0.1, "channel_gain": 0.05, "unk_insert": 0.1,
                "proprio_noise": 0.0},
    "model": {"d_model": 64, "heads": 4, "layers": 2, "text_layers": 1, "stem_channels": [32, 48, 64, 64],
              "mlp_ratio": 2, "keypoints": 16},
}


def lr_at(step: int, cfg: dict) -> float:
    """Linear warmup then cosine decay to min_lr_ratio * lr, as a pure function of the step."""
    base, warm, total = cfg["lr"], cfg["warmup"], cfg["steps"]
    if step < warm:
        return base * (step + 1) / warm
    p = min(1.0, (step - warm) / max(1, total - warm))
    lo = base * cfg["min_lr_ratio"]
    return lo + 0.5 * (base - lo) * (1 + math.cos(math.pi * p))


def to_torch(batch: dict) -> dict:
    return {k: torch.from_numpy(v) for k, v in batch.items()}


def compute_losses(out: dict, b: dict, w: dict) -> tuple:
    """Total weighted loss and a dict of float metrics. Actions use L1 on normalised units (robust to the
    occasional large correction, and what ACT-style chunking policies train well with)."""
    m = {}
    am = b["action_mask"].unsqueeze(-1)
    l_action = ((out["actions"] - b["actions"]).abs() * am).sum() / (am.sum() * out["actions"].shape[-1]).clamp(min=1)
    V = out["plan_verb_logits"].shape[-1]
    l_verb = F.cross_entropy(out["plan_verb_logits"].reshape(-1, V), b["plan_verb"].reshape(-1))
    O = out["plan_object_logits"].shape[-1]
    obj_t = b["plan_obj"].reshape(-1)
    l_obj = (F.cross_entropy(out["plan_object_logits"].reshape(-1, O), obj_t, ignore_index=IGNORE)
             if (obj_t != IGNORE).any() else out["plan_object_logits"].sum() * 0)
    sub_t = b["subtask"]
    l_sub = (F.cross_entropy(out["subtask_logits"], sub_t, ignore_index=IGNORE)
             if (sub_t != IGNORE).any() else out["subtask_logits"].sum() * 0)
    l_move = F.cross_entropy(out["move_logits"], b["move"])
    gv = b["gripper_vis"].unsqueeze(-1)
    l_pts = ((out["gripper_points"] - b["gripper_points"]).abs() * gv).sum() / (gv.sum() * 2).clamp(min=1)
    l_pres = F.binary_cross_entropy_with_logits(out["box_logits"], b["box_vis"])
    bv = b["box_vis"].unsqueeze(-1)
    l_box = ((out["boxes"] - b["boxes"]).abs() * bv).sum() / (bv.sum() * 4).clamp(min=1)
    parts = {"action": l_action, "plan_verb": l_verb, "plan_object": l_obj, "subtask": l_sub, "move": l_move,
             "points": l_pts, "box_presence": l_pres, "boxes": l_box}
    total = sum(w[k] * v for k, v in parts.items())
    for k, v in parts.items():
        m[f"loss_{k}"] = float(v.detach())
    with torch.no_grad():
        m["acc_move"] = float((out["move_logits"].argmax(-1) == b["move"]).float().mean())
        m["acc_plan_verb"] = float((out["plan_verb_logits"].argmax(-1) == b["plan_verb"]).float().mean())
        valid = sub_t != IGNORE
        m["acc_subtask"] = float((out["subtask_logits"].argmax(-1)[valid] == sub_t[valid]).float().mean()) \
            if valid.any() else float("nan")
        # Gripper decision agreement (sign of the grip command) on valid chunk steps.
        g_ok = (torch.sign(out["actions"][..., 6]) == torch.sign(b["actions"][..., 6])).float()
        m["acc_grip"] = float((g_ok * b["action_mask"]).sum() / b["action_mask"].sum().clamp(min=1))
    m["loss"] = float(total.detach())
    return total, m


def param_groups(model: torch.nn.Module, wd: float):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        # Norm gains, biases, embeddings and learned positions/queries are not weights to shrink.
        (no_decay if p.ndim < 2 or "emb" in name or "pos" in name or name == "query" else decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def build_model(data_meta: dict, mcfg: dict) -> VLAPolicy:
    v = data_meta["vocab"]
    cfg = ModelConfig(vocab_size=len(data_meta["tokenizer"]["vocab"]) + 2, n_verbs=len(v["verbs"]),
                      n_objects=len(v["objects"]), n_moves=len(v["moves"]),
                      image_hw=tuple(data_meta["image_hw"]), max_tokens=data_meta["tokenizer"]["max_length"],
                      max_plan=data_meta.get("max_plan", MAX_PLAN),
                      n_points=data_meta.get("n_points", 1 + FUTURE_POINTS),
                      **{k: tuple(x) if isinstance(x, list) else x for k, x in mcfg.items()})
    return VLAPolicy(cfg)


def evaluate(model, data, frames, tokens, stats, weights, batch) -> dict:
    model.eval()
    sums, n = {}, 0
    with torch.no_grad():
        for i in range(0, len(frames), batch):
            idx = frames[i:i + batch]
            b = to_torch(make_batch(data, idx, tokens, stats))
            _, m = compute_losses(model.forward_dict(b), b, weights)
            for k, v in m.items():
                sums[k] = sums.get(k, 0.0) + v * len(idx)
            n += len(idx)
    model.train()
    return {k: v / n for k, v in sums.items()}


def save_atomic(obj, path: Path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def plot_curves(run: Path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [json.loads(l) for l in (run / "log.jsonl").read_text().splitlines() if l.strip()]
    tr = [r for r in rows if r.get("split") == "train"]
    va = [r for r in rows if r.get("split") == "val"]
    if not tr:
        return
    keys = ["loss", "loss_action", "loss_points", "loss_boxes", "loss_move", "loss_plan_verb", "loss_subtask",
            "acc_grip"]
    fig, axes = plt.subplots(2, 4, figsize=(16, 7))
    for ax, k in zip(axes.flat, keys):
        ax.plot([r["step"] for r in tr], [r[k] for r in tr], label="train", lw=1)
        if va:
            ax.plot([r["step"] for r in va], [r[k] for r in va], "o-", label="val", ms=3)
        ax.set_title(k)
        if k.startswith("loss"):
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.set_xlabel("step")
    axes.flat[0].legend()
    fig.suptitle(f"{run.name}: training curves")
    fig.tight_layout()
    fig.savefig(run / "loss_curves.png", dpi=80)
    plt.close(fig)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="JSON recipe (keys as in DEFAULTS); CLI flags override it")
    ap.add_argument("--data", nargs="+",
                    help="dataset directory (contains card.json and episodes/), or several trained on as one")
    ap.add_argument("--init", help="start from this checkpoint (or exported model directory): its weights, tokenizer and normalisation (fine-tune)")
    ap.add_argument("--out", required=True, help="run directory")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--steps", type=int, help="total optimiser steps (defines the LR schedule)")
    ap.add_argument("--batch", type=int)
    ap.add_argument("--lr", type=float)
    ap.add_argument("--threads", type=int, help="torch threads in all (split across --processes)")
    ap.add_argument("--processes", type=int,
                    help="data-parallel training processes (gradients averaged each step; batch split across them)")
    ap.add_argument("--max-episodes", type=int, dest="max_episodes")
    ap.add_argument("--log-every", type=int, dest="log_every")
    ap.add_argument("--eval-every", type=int, dest="eval_every")
    ap.add_argument("--ckpt-every", type=int, dest="ckpt_every")
    ap.add_argument("--resume", action="store_true", help="continue from OUT/latest.pt")
    ap.add_argument("--stop-at", type=int, dest="stop_at", help="end this session after this step")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args(argv)
    if args.data is not None and len(args.data) == 1:
        args.data = args.data[0]  # one dataset stays a path, as recipes and checkpoints write it
    return args


def load_init(path: str) -> dict:
    """A fine-tune's starting point: a run's checkpoint, or an exported model directory (model.onnx +
    manifest.json), whose weights vla/from_export.py reads back exactly."""
    if Path(path).is_dir():
        from .from_export import checkpoint_from_export
        return checkpoint_from_export(Path(path))
    return torch.load(path, map_location="cpu")


def merge_config(args) -> dict:
    cfg = json.loads(json.dumps(DEFAULTS))
    if args.config:
        cfg["config_file"] = args.config  # provenance: which recipe file this run followed
        user = json.loads(Path(args.config).read_text())
        for k, v in user.items():
            if k.startswith("_"):
                continue  # comments / measurements recorded alongside the recipe
            if isinstance(v, dict) and isinstance(cfg.get(k), dict):
                cfg[k].update(v)
            else:
                cfg[k] = v
    for k in ("data", "init", "seed", "steps", "batch", "lr", "threads", "processes", "max_episodes", "log_every", "eval_every",
              "ckpt_every"):
        v = getattr(args, k)
        if v is not None:
            cfg[k] = v
    return cfg


def train_first_stage(init: dict, out: Path, args) -> str:
    """`init: {"recipe": CONFIG}` in a recipe: train CONFIG into OUT/stage1 first (resuming it if it was
    interrupted, skipping it once finished) and start from its last checkpoint, so one command reproduces a
    fine-tuned model from scratch. Thread and process counts carry over; the rest is the stage-1 recipe's."""
    stage = out / "stage1"
    summary = stage / "summary.json"
    if summary.exists() and json.loads(summary.read_text()).get("finished"):
        print(f"stage 1 ({init['recipe']}): finished in {stage}, reusing it")
    else:
        argv = ["--config", init["recipe"], "--out", str(stage)]
        argv += ["--resume"] if (stage / "latest.pt").exists() else []
        for k in ("threads", "processes"):
            if getattr(args, k) is not None:
                argv += [f"--{k}", str(getattr(args, k))]
        if args.no_plot:
            argv.append("--no-plot")
        print(f"stage 1 ({init['recipe']}) -> {stage}", flush=True)
        main(argv)
    return str(stage / "latest.pt")


def main(argv=None) -> dict:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    latest = out / "latest.pt"
    cfg = None
    if args.resume and not latest.exists():
        cfg = merge_config(args)
        if not isinstance(cfg.get("init"), dict):
            sys.exit(f"--resume: {latest} does not exist")
        args.resume = False  # a two-stage recipe stopped in (or right after) stage 1: starting stage 2 resumes that
    if args.resume:
        cfg = torch.load(latest, map_location="cpu")["config"]
        # The recipe is the checkpoint's. Only where the data lives, the thread count and the length of the run
        # may change (a new --steps changes the LR schedule from here on, so it is no longer bit-exact).
        if args.steps is not None and args.steps != cfg["steps"]:
            print(f"resume: steps {cfg['steps']} -> {args.steps} (LR schedule changes from here)")
            cfg["steps"] = args.steps
        for k in ("data", "threads", "processes"):
            if getattr(args, k) is not None:
                cfg[k] = getattr(args, k)
    else:
        if latest.exists():
            sys.exit(f"{latest} exists: pass --resume to continue it or choose another --out")
        cfg = cfg or merge_config(args)
        if isinstance(cfg.get("init"), dict):
            cfg["init"] = train_first_stage(cfg["init"], out, args)

    world = int(cfg.get("processes", 1))
    if world <= 1:
        return _train(0, 1, args, cfg, out, latest, None)
    if cfg["batch"] % world:
        sys.exit(f"batch {cfg['batch']} does not split evenly across {world} processes")
    with socket.socket() as sock:  # a free local port for the processes' rendezvous
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mp.spawn(_train, args=(world, args, cfg, out, latest, port), nprocs=world, join=True)
    return json.loads((out / "summary.json").read_text())


def _train(rank: int, world: int, args, cfg: dict, out: Path, latest: Path, port: int | None) -> dict:
    """One training process. With world > 1 (data parallel on one machine) every process draws its own
    batch / world samples from `default_rng([seed, step, rank])`, DDP averages the gradients, and rank 0
    alone evaluates, logs and checkpoints. Measured on the 2-core machine: torch's intra-op threads barely
    help this model's many small ops (one process, 2 threads: 120-174 ms per batch of 64; 1 thread: 181 ms),
    while two single-thread processes each run at the 1-thread speed."""
    if world > 1:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    lead = rank == 0
    ckpt = torch.load(latest, map_location="cpu") if args.resume else None
    torch.set_num_threads(max(1, int(cfg["threads"]) // world))
    init = load_init(cfg["init"]) if ckpt is None and cfg.get("init") else None
    plan_slots = (ckpt or init or {}).get("data_meta", {}).get("max_plan", MAX_PLAN)
    data = load_dataset(cfg["data"], include_failures=cfg["include_failures"], max_episodes=cfg["max_episodes"],
                        min_plan=plan_slots)
    if ckpt is None:
        train_eps, val_eps = split_episodes(len(data.names), cfg["val_fraction"], cfg["seed"])
        train_frames = data.frames_of(train_eps)
        if init is None:
            tok = Tokenizer.build([data.instructions[e] for e in train_eps], MAX_LENGTH)
            stats = compute_stats(data, train_frames)
        else:
            # The fine-tuned model keeps its starting point's input contract: same token ids, same scaling.
            if init["data_meta"]["vocab"] != data.vocab.to_json():
                sys.exit(f"--init {cfg['init']}: its vocabulary differs from the dataset's")
            tok = Tokenizer.from_json(init["data_meta"]["tokenizer"])
            stats = Stats.from_json(init["data_meta"]["stats"])
        data_meta = {
            "dataset": str(cfg["data"]),
            "card": card_summary(data),
            "episodes": data.names,
            "train_episodes": [data.names[e] for e in train_eps],
            "val_episodes": [data.names[e] for e in val_eps],
            "train_frames": int(len(train_frames)),
            "image_hw": list(data.arrays["front"].shape[1:3]),
            "max_plan": data.max_plan,
            "n_points": int(data.arrays["gripper_px"].shape[2]),
            "vocab": data.vocab.to_json(),
            "tokenizer": tok.to_json(),
            "stats": stats.to_json(),
            "proprio_layout": data.card.get("proprio_layout"),
            "action_layout": data.card.get("action_layout"),
            "control_hz": data.card.get("control_hz", 10),
        }
        if init is not None:
            im = init["data_meta"]
            data_meta["init"] = {"checkpoint": str(cfg["init"]), "step": init["step"], "seed": init["config"]["seed"],
                                 "train_time_s": float(init["wall_s"]), "dataset": im["dataset"],
                                 "card": im.get("card"), "recipe": init["config"],
                                 **({"from_export": init["from_export"]} if "from_export" in init else {})}
    else:
        data_meta = ckpt["data_meta"]
        if data.names != data_meta["episodes"] or data.max_plan != data_meta.get("max_plan", MAX_PLAN):
            sys.exit("--resume: the dataset's episodes differ from the ones this run started with")
        tok = Tokenizer.from_json(data_meta["tokenizer"])
        stats = Stats.from_json(data_meta["stats"])
    name_to_ep = {n: i for i, n in enumerate(data.names)}
    train_frames = data.frames_of([name_to_ep[n] for n in data_meta["train_episodes"]])
    val_frames = data.frames_of([name_to_ep[n] for n in data_meta["val_episodes"]])
    if len(val_frames) > cfg["val_samples"]:
        val_frames = np.sort(np.random.default_rng(cfg["seed"]).choice(val_frames, cfg["val_samples"], replace=False))
    tokens = np.stack([tok.encode(s) for s in data.instructions])

    torch.manual_seed(cfg["seed"])
    model = build_model(data_meta, cfg["model"])
    if init is not None:
        model.load_state_dict(init["model"])  # strict: the recipe's model must be the checkpoint's
    opt = torch.optim.AdamW(param_groups(model, cfg["weight_decay"]), lr=cfg["lr"], betas=(0.9, 0.95))
    step, wall_prev = 0, 0.0
    log_path = out / "log.jsonl"
    if ckpt is not None:
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        step, wall_prev = ckpt["step"], ckpt["wall_s"]
        # Drop log lines written after the checkpoint so the curves have no duplicate steps.
        if lead and log_path.exists():
            kept = [l for l in log_path.read_text().splitlines() if l.strip() and json.loads(l)["step"] <= step]
            log_path.write_text("".join(l + "\n" for l in kept))
        if lead:
            print(f"resumed {latest} at step {step}")
    elif lead:
        (out / "config.json").write_text(json.dumps(cfg, indent=1))
        if log_path.exists():
            log_path.unlink()
    # Same seed, same initial weights in every process; DDP also broadcasts rank 0's at construction.
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    if world > 1:
        dist.barrier()  # rank 0 has rewritten the log before anyone trains
    n_params = count_params(model)
    say = print if lead else (lambda *a, **k: None)
    say(f"model: {n_params} parameters; train frames {len(train_frames)}, val frames {len(val_frames)}; "
        f"batch {cfg['batch']}, steps {cfg['steps']}, {world} process(es) x {torch.get_num_threads()} thread(s)")

    aug = Augment(**cfg["augment"])
    text_aug = (TextAugment.bind(tok.ids, aug.word_dropout, aug.synonym_swap, aug.frame)
                if (aug.word_dropout or aug.synonym_swap or aug.frame) else None)
    weights = cfg["loss_weights"]
    stop = min(cfg["steps"], args.stop_at) if args.stop_at is not None else cfg["steps"]
    t0 = time.time()
    cpu0 = time.process_time()
    t_window, n_window = time.time(), 0
    acc: dict = {}
    logf = open(log_path, "a") if lead else None

    def checkpoint(path_step: int | None):
        if not lead:
            return
        state = {"step": step, "model": model.state_dict(), "optimizer": opt.state_dict(), "config": cfg,
                 "model_config": model.cfg.to_json(), "data_meta": data_meta, "wall_s": wall_prev + time.time() - t0,
                 "params": n_params}
        save_atomic(state, latest)
        if path_step is not None:
            save_atomic(state, out / f"ckpt_{path_step:07d}.pt")
            old = sorted(out.glob("ckpt_*.pt"))[:-cfg["keep_ckpts"]] if cfg["keep_ckpts"] > 0 else []
            for p in old:
                p.unlink()

    model.train()
    n_session = max(0, stop - step)
    while step < stop:
        rng = np.random.default_rng([cfg["seed"], step] if world == 1 else [cfg["seed"], step, rank])
        idx = train_frames[rng.integers(0, len(train_frames), cfg["batch"] // world)]
        b = to_torch(make_batch(data, idx, tokens, stats, rng, aug, text_aug))
        lr = lr_at(step, cfg)
        for g in opt.param_groups:
            g["lr"] = lr
        loss, m = compute_losses(dict(zip(model.output_names, net(*(b[n] for n in INPUT_NAMES)))), b, weights)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
        opt.step()
        step += 1
        n_window += len(idx) * world
        m["grad_norm"] = float(gn)
        for k, v in m.items():
            acc[k] = acc.get(k, 0.0) + v
        acc["_n"] = acc.get("_n", 0) + 1
        if lead and (step % cfg["log_every"] == 0 or step == stop):
            now = time.time()
            row = {"split": "train", "step": step, "lr": lr, "samples_per_s": n_window / (now - t_window),
                   "wall_s": wall_prev + now - t0}
            row.update({k: v / acc["_n"] for k, v in acc.items() if k != "_n"})
            logf.write(json.dumps(row) + "\n")
            logf.flush()
            print(f"step {step:6d}/{cfg['steps']} loss {row['loss']:.4f} act {row['loss_action']:.4f} "
                  f"pts {row['loss_points']:.4f} move {row['acc_move']:.2f} lr {lr:.2e} "
                  f"{row['samples_per_s']:.0f} samples/s", flush=True)
            acc, t_window, n_window = {}, time.time(), 0
        if lead and len(val_frames) and (step % cfg["eval_every"] == 0 or step == cfg["steps"]):
            te = time.time()
            row = {"split": "val", "step": step, "wall_s": wall_prev + te - t0}
            row.update(evaluate(model, data, val_frames, tokens, stats, weights, 256))
            logf.write(json.dumps(row) + "\n")
            logf.flush()
            print(f"  val loss {row['loss']:.4f} act {row['loss_action']:.4f} grip {row['acc_grip']:.3f} "
                  f"move {row['acc_move']:.3f}", flush=True)
            t_window += time.time() - te  # evaluation time is not training throughput
        if step % cfg["ckpt_every"] == 0:
            checkpoint(step)
    checkpoint(step if step == cfg["steps"] else None)
    if not lead:
        dist.destroy_process_group()
        return {}
    logf.close()
    wall = wall_prev + time.time() - t0
    rows = [json.loads(l) for l in log_path.read_text().splitlines() if l.strip()]
    sps = [r["samples_per_s"] for r in rows if r.get("split") == "train"]
    loop_cpu = time.process_time() - cpu0
    loop_wall = time.time() - t0
    summary = {"step": step, "steps": cfg["steps"], "finished": step >= cfg["steps"], "train_time_s": wall,
               # With other jobs on the cores, wall time overstates the cost. CPU seconds of this session's
               # training loop give samples / (cpu_s / threads), the throughput of an idle machine.
               "session_wall_s": loop_wall, "session_cpu_s": loop_cpu,
               "session_samples": n_session * cfg["batch"],
               "idle_samples_per_s_estimate": n_session * cfg["batch"] / max(1e-9, loop_cpu / torch.get_num_threads()),
               "params": n_params, "batch": cfg["batch"], "seed": cfg["seed"],
               "median_samples_per_s": float(np.median(sps)) if sps else None,
               "threads": torch.get_num_threads(), "processes": world}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    if not args.no_plot:
        plot_curves(out)
    print(json.dumps(summary))
    if world > 1:
        dist.destroy_process_group()
    return summary


if __name__ == "__main__":
    main()
