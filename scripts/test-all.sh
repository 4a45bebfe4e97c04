#!/usr/bin/env bash
# The one test command: `npm test` (and .ci/run, which the CI runs as root on a clean clone: 2 cores, no
# GPU, CI=true, no stdin). Installs what a fresh Debian machine lacks, then runs every check in order,
# stopping at the first failure:
#   lint (eslint) -> types (tsc) -> unit (vitest, all of tests/) -> e2e (Playwright + Chromium, if e2e/run.ts
#   exists) -> py (training pipeline, if scripts/pytest.sh exists)
# TEST_SKIP=e2e,py skips sections by name (local use; the CI runs them all).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium python3-torch python3-pytest python3-numpy python3-onnx python3-matplotlib libopenblas0-pthread libmujoco-samples ffmpeg)
SKIP=",${TEST_SKIP:-},"
T_START=$(date +%s)
SUMMARY=()

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }

# run_section NAME COMMAND...: header, timing, and a clear FAILED line before stopping.
run_section() {
  local name=$1
  shift
  if [[ "$SKIP" == *",$name,"* ]]; then
    bold "=== $name: skipped (TEST_SKIP)"
    SUMMARY+=("$(printf '%-8s skipped' "$name")")
    return 0
  fi
  bold "=== $name: $*"
  local t0=$SECONDS rc=0
  "$@" </dev/null || rc=$?
  local dt=$((SECONDS - t0))
  if [ "$rc" -ne 0 ]; then
    SUMMARY+=("$(printf '%-8s FAILED  %4ds' "$name" "$dt")")
    bold "=== $name FAILED (exit $rc) after ${dt}s"
    print_summary
    exit "$rc"
  fi
  SUMMARY+=("$(printf '%-8s ok      %4ds' "$name" "$dt")")
  bold "=== $name ok (${dt}s)"
}

print_summary() {
  bold "=== summary (total $(($(date +%s) - T_START))s)"
  printf '  %s\n' "${SUMMARY[@]}"
}

install_system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages present"
    return 0
  fi
  echo "installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "missing Debian packages (${missing[*]}) and no root/sudo to install them" >&2
      return 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_node_modules() {
  # Only a missing node_modules triggers `npm ci`: it deletes node_modules first, which must never happen
  # under someone's running dev server or tests.
  if [ -d node_modules ]; then
    echo "node_modules present"
    return 0
  fi
  npm ci --no-audit --no-fund
}

# Lint what git would commit (tracked and untracked-but-not-ignored files): scratch files under ignored
# folders such as tmp/ are nobody's product. Outside a git checkout, lint everything.
lint() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z -co --exclude-standard -- '*.ts' '*.tsx' '*.js' '*.mjs' '*.cjs' | xargs -0 npx eslint --no-warn-ignored
  else
    npx eslint .
  fi
}

run_section setup-apt install_system_packages
run_section setup-npm install_node_modules
run_section lint lint
run_section types npx tsc -p tsconfig.json --noEmit
run_section unit npx vitest run
if [ -f e2e/run.ts ]; then run_section e2e npm run --silent test:e2e; fi
if [ -f scripts/pytest.sh ]; then run_section py npm run --silent test:py; fi
print_summary
