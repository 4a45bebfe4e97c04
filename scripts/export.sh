#!/usr/bin/env bash
# `npm run export [-- extra args]`: export the most recent training run (newest runs/*/latest.pt) to
# public/models/vla-small. Override with `--run runs/NAME`, `--out public/models/NAME`, `--ckpt ckpt_0010000.pt`.
set -euo pipefail
cd "$(dirname "$0")/.."
has() { for a in "${@:2}"; do [ "$a" = "$1" ] || [[ "$a" == "$1="* ]] && return 0; done; return 1; }
args=()
if ! has --run "$@"; then
  latest=$(ls -1t runs/*/latest.pt 2>/dev/null | head -n 1 || true)
  [ -n "$latest" ] || { echo "no runs/*/latest.pt found: run \`npm run train\` first or pass --run" >&2; exit 1; }
  args+=(--run "$(dirname "$latest")")
fi
has --out "$@" || args+=(--out public/models/vla-small)
export PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
exec /usr/bin/python3 -m vla.export "${args[@]}" "$@"
