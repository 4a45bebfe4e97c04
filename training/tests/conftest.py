import json
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
TRAINING = TESTS.parent
REPO = TRAINING.parent
sys.path[:0] = [str(TRAINING), str(TESTS)]

from synth import make_dataset  # noqa: E402

TINY = ["--steps", "6", "--batch", "8", "--log-every", "2", "--ckpt-every", "3", "--threads", "2", "--no-plot"]


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("demos"), episodes=3, steps=20)


@pytest.fixture(scope="session")
def trained_run(dataset_dir, tmp_path_factory):
    from vla.train import main
    run = tmp_path_factory.mktemp("run") / "r"
    main(["--data", str(dataset_dir), "--out", str(run), "--seed", "3"] + TINY[:-1])  # with the plot
    return run


@pytest.fixture(scope="session")
def exported(trained_run, tmp_path_factory):
    from vla.export import export
    out = tmp_path_factory.mktemp("models") / "vla-test"
    export(trained_run, out, verify=False)
    return out


def ort(*args) -> dict:
    """Run training/ort_check.mjs (onnxruntime-web WASM in Node) and parse its JSON output."""
    r = subprocess.run(["node", str(TRAINING / "ort_check.mjs"), *map(str, args)], cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    assert r.stdout.strip(), r.stderr
    return json.loads(r.stdout)
