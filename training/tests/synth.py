"""Synthetic dataset in the docs/dataset.md format: a FIXTURE for exercising the pipeline end to end
(random pixels, random-walk labels). It teaches a model nothing about the real tasks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from vla.contract import ACTION_LAYOUT, PROPRIO_LAYOUT
from vla.vocab import vocab_from_contract, FUTURE_POINTS

EPISODES = [
    ("object/red_to_bowl", "put the red cube in the blue bowl", [["pick", "red_cube"], ["place_in", "blue_bowl"]]),
    ("goal/stack", "Stack the green cube on the yellow cube.", [["pick", "green_cube"], ["stack_on", "yellow_cube"]]),
    ("goal/press", "press the button", [["press", "button"]]),
]


def make_dataset(root: Path, episodes: int = 3, steps: int = 20, size: int = 64, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    v = vocab_from_contract()
    O, K = len(v.objects), 1 + FUTURE_POINTS
    root = Path(root)
    frames, tasks = 0, {}
    for e in range(episodes):
        task, instr, plan = EPISODES[e % len(EPISODES)]
        T = steps + e  # unequal lengths exercise the chunk padding
        d = root / "episodes" / f"ep_{e:06d}"
        d.mkdir(parents=True)
        np.save(d / "front.npy", rng.integers(0, 256, (T, size, size, 3), dtype=np.uint8))
        np.save(d / "wrist.npy", rng.integers(0, 256, (T, size, size, 3), dtype=np.uint8))
        proprio = np.cumsum(rng.normal(0, 0.01, (T, len(PROPRIO_LAYOUT))), 0).astype(np.float32)
        np.save(d / "proprio.npy", proprio)
        action = np.concatenate([rng.uniform(-0.02, 0.02, (T, 3)), rng.uniform(-0.15, 0.15, (T, 3)),
                                 np.where(np.arange(T) > T // 2, 1.0, -1.0)[:, None]], 1).astype(np.float32)
        np.save(d / "action.npy", action)
        np.save(d / "gripper_px.npy", rng.uniform(0.1, 0.9, (T, 2, K, 2)).astype(np.float32))
        np.save(d / "gripper_vis.npy", (rng.random((T, 2, K)) > 0.2).astype(np.uint8))
        lo = rng.uniform(0, 0.6, (T, 2, O, 2))
        np.save(d / "boxes.npy", np.concatenate([lo, lo + rng.uniform(0.05, 0.3, (T, 2, O, 2))], -1).astype(np.float32))
        np.save(d / "box_vis.npy", (rng.random((T, 2, O)) > 0.5).astype(np.uint8))
        np.save(d / "subtask.npy", np.minimum(np.arange(T) * len(plan) // T, len(plan) - 1).astype(np.int32))
        np.save(d / "move.npy", rng.integers(0, len(v.moves), T).astype(np.int32))
        (d / "meta.json").write_text(json.dumps({
            "task": task, "suite": task.split("/")[0], "seed": e, "instruction": instr, "plan": plan,
            "success": True, "steps": T, "reason": None, "randomization": {}}))
        frames += T
        tasks[task] = tasks.get(task, 0) + 1
    (root / "card.json").write_text(json.dumps({
        "format": "vla-playground-demos", "version": 1, "created": "fixture", "generator": "training/tests/synth.py",
        "suites": sorted({t.split("/")[0] for t in tasks}), "episodes": episodes, "frames": frames, "tasks": tasks,
        "seeds": [0, episodes - 1], "cameras": [{"name": "front", "width": size, "height": size},
                                                {"name": "wrist", "width": size, "height": size}],
        "proprio_layout": list(PROPRIO_LAYOUT),
        "action_layout": list(ACTION_LAYOUT),
        "control_hz": 10, "vocab": v.to_json(), "randomization": {}}))
    return root
