#!/usr/bin/env bash
# `npm run test:py`: the training pipeline's tests (tiny synthetic dataset -> train -> export -> onnxruntime-web WASM in Node).
# Uses Debian's Python on purpose: a pyenv `python3` may come first on PATH and has no torch.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3

if ! "$PY" -c 'import torch, pytest, numpy, onnx, matplotlib' 2>/dev/null; then
  echo "installing Debian Python packages for training (python3-torch etc.)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq python3-torch python3-pytest python3-numpy python3-onnx python3-matplotlib \
    libopenblas0-pthread
fi

# The parity tests run the exported model in onnxruntime-web (WASM) from node_modules.
[ -d node_modules/onnxruntime-web ] || { echo "node_modules/onnxruntime-web missing: run npm install" >&2; exit 1; }

exec "$PY" -m pytest training/tests -q -p no:cacheprovider "$@"
