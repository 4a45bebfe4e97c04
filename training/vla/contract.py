"""The model interface contract, shared with the TypeScript app.

`src/policy/contract.json` is the one description of what a model takes and returns: tensor names, shapes
and dtypes, the action and proprioception layouts, the cameras and their pixel rule, the tokenizer rule and
the label vocabularies. The app reads it through `src/policy/contract.ts`; everything here derives its
constants from the same file, so the two sides cannot drift apart silently.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Overridable for a training/ folder copied out of the repository.
CONTRACT_PATH = Path(os.environ.get("VLA_CONTRACT", REPO_ROOT / "src" / "policy" / "contract.json"))


def contract_problem(c: dict) -> str | None:
    """The first relation among the contract's numbers that does not hold (same list as contract.ts)."""
    d = c["dims"]
    expect = [
        ("dims.tokens = tokenizer.max_length", d.get("tokens"), c["tokenizer"]["max_length"]),
        ("dims.proprio = len(proprio.layout)", d.get("proprio"), len(c["proprio"]["layout"])),
        ("dims.action = len(action.layout)", d.get("action"), len(c["action"]["layout"])),
        ("len(action.clip) = dims.action", len(c["action"]["clip"]), len(c["action"]["layout"])),
        ("dims.chunk = action.chunk_length", d.get("chunk"), c["action"]["chunk_length"]),
        ("dims.cameras = len(cameras)", d.get("cameras"), len(c["cameras"])),
        ("dims.objects = len(labels.objects)", d.get("objects"), len(c["labels"]["objects"])),
        ("dims.verbs_and_empty = len(labels.verbs) + 1", d.get("verbs_and_empty"), len(c["labels"]["verbs"]) + 1),
        ("dims.moves = len(labels.moves)", d.get("moves"), len(c["labels"]["moves"])),
        ("dims.points = 1 + reasoning.future_points", d.get("points"), 1 + c["reasoning"]["future_points"]),
        ("dims.channels = 3 (RGB)", d.get("channels"), 3),
    ]
    for cam in c["cameras"]:
        expect += [(f"dims.height = cameras[{cam['name']}].height", d.get("height"), cam["height"]),
                   (f"dims.width = cameras[{cam['name']}].width", d.get("width"), cam["width"])]
    for what, got, want in expect:
        if got != want:
            return f"{what} ({got} != {want})"
    if c["action"]["gripper_dim"] >= len(c["action"]["layout"]):
        return "action.gripper_dim is outside action.layout"
    for t in c["inputs"] + c["outputs"]:
        unknown = [s for s in t["shape"] if s not in d]
        if unknown:
            return f'{t["name"]}.shape names dim "{unknown[0]}" that dims does not define'
    cam_inputs = [cam["input"] for cam in c["cameras"]]
    want = cam_inputs + ["tokens", c["proprio"]["input"]]
    got = [t["name"] for t in c["inputs"]]
    if got != want:
        return f"inputs {got} should be the camera inputs, tokens and proprio {want}"
    if any(t.get("camera") != cam["name"] for t, cam in zip(c["inputs"], c["cameras"])):
        return "image inputs must name their camera, in cameras order"
    if c["outputs"][0]["name"] != c["action"]["output"]:
        return f'the first output must be action.output "{c["action"]["output"]}"'
    return None


def load_contract(path: Path = CONTRACT_PATH) -> dict:
    if not Path(path).exists():
        raise FileNotFoundError(f"model contract {path} not found (set VLA_CONTRACT to its path)")
    c = json.loads(Path(path).read_text())
    if c.get("format") != "vla-playground-contract" or c.get("version") != 1:
        raise ValueError(f"{path}: not a version-1 vla-playground-contract")
    problem = contract_problem(c)
    if problem:
        raise ValueError(f"{path}: {problem}")
    return c


CONTRACT = load_contract()

DIMS: dict = CONTRACT["dims"]
CAMERAS: tuple = tuple(cam["name"] for cam in CONTRACT["cameras"])
IMAGE_HW: tuple = (DIMS["height"], DIMS["width"])
INPUT_NAMES: tuple = tuple(t["name"] for t in CONTRACT["inputs"])
OUTPUT_NAMES: tuple = tuple(t["name"] for t in CONTRACT["outputs"] if not t.get("optional"))
OPTIONAL_OUTPUT_NAMES: tuple = tuple(t["name"] for t in CONTRACT["outputs"] if t.get("optional"))
PROPRIO_LAYOUT: tuple = tuple(CONTRACT["proprio"]["layout"])
ACTION_LAYOUT: tuple = tuple(CONTRACT["action"]["layout"])
PROPRIO_DIM, ACTION_DIM = len(PROPRIO_LAYOUT), len(ACTION_LAYOUT)
CHUNK: int = CONTRACT["action"]["chunk_length"]
GRIPPER_DIM: int = CONTRACT["action"]["gripper_dim"]
TOKENIZER: dict = CONTRACT["tokenizer"]
LABELS: dict = CONTRACT["labels"]
REASONING: dict = CONTRACT["reasoning"]


def camera_input(camera: str) -> str:
    return next(cam["input"] for cam in CONTRACT["cameras"] if cam["name"] == camera)


def tensor_spec(name: str) -> dict:
    return next(t for t in CONTRACT["inputs"] + CONTRACT["outputs"] if t["name"] == name)


def resolve_shape(name: str, sizes: dict) -> list:
    """The concrete shape of a contract tensor: the contract's fixed dims, overridden by `sizes` (the
    model's own values, which must be given for every dim the contract leaves to the model)."""
    out = []
    for dim in tensor_spec(name)["shape"]:
        size = sizes.get(dim, DIMS[dim])
        if size is None:
            raise ValueError(f"{name}: dim {dim!r} is model-defined and was not given")
        out.append(int(size))
    return out
