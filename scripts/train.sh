#!/usr/bin/env bash
# `npm run train [-- extra args]`: train the shipped recipe (training/configs/shipped.json): stage 1 fine-tunes the
# kept base model on data/v5-ft into OUT/stage1, then stage 2 continues on data/v5-ft + data/v6-init into OUT
# (training/README.md).
# Extra args go to vla.train and override the recipe (stage 2's keys), e.g. `npm run train -- --steps 500`,
# `npm run train -- --config training/configs/shipped-stage1.json` (one stage) or `npm run train -- --out runs/NAME
# --resume`. Without --out a new runs/<UTC timestamp> is created.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=training/configs/shipped.json
OUT=""
prev=""
for a in "$@"; do
  [ "$prev" = "--out" ] && OUT="$a"
  case "$a" in --out=*) OUT="${a#--out=}";; --config|--config=*) CONFIG="";; esac
  prev="$a"
done
args=()
[ -n "$CONFIG" ] && args+=(--config "$CONFIG")
[ -z "$OUT" ] && args+=(--out "runs/$(date -u +%Y%m%d-%H%M%S)")
export PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH}
# See docs/architecture.md (Facts) and training/vla/__init__.py: one OpenBLAS thread under torch's own 2 OpenMP threads,
# and threads that sleep instead of spinning when the 2 cores are shared with other work.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec /usr/bin/python3 -m vla.train "${args[@]}" "$@"
