#!/usr/bin/env bash
# Fuzzes load, check and fix, for every input format: `bash fuzz/run.sh [SECONDS]` (default 1800). Seeds the corpus with the
# examples and test fixtures; crashes land in fuzz/artifacts/check/. cargo-fuzz needs nightly
# features, which RUSTC_BOOTSTRAP=1 enables on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
mkdir -p fuzz/corpus/check
# Seeds: the examples and fixtures, each behind the byte that picks its loader (the target's NAMES).
seed_as() {
  local pick=$1
  shift
  for f in "$@"; do
    if [ -f "$f" ]; then
      { printf "\\x$pick"; cat "$f"; } > "fuzz/corpus/check/$pick-$(basename "$f")"
    fi
  done
}
seed_as 00 examples/*.yaml tests/fixtures/load/* tests/fixtures/hostile/*.yaml
seed_as 01 tests/fixtures/graph/*.json
seed_as 02 tests/fixtures/dsc/*.ps1
seed_as 03 tests/fixtures/dsc/*.psd1
seed_as 04 tests/fixtures/dsc/*.yml
RUSTC_BOOTSTRAP=1 cargo fuzz run check fuzz/corpus/check -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
