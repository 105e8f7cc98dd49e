#!/usr/bin/env bash
# Fuzzes every target for a given time each: `bash fuzz/run.sh [SECONDS] [TARGET...]` (default
# 1800 seconds, every target). `check` loads, checks and fixes every input format; `report`
# renders the findings of any file, under any file name, in every report format. Seeds the
# corpora with the examples and test fixtures; crashes land in fuzz/artifacts/TARGET/. cargo-fuzz
# needs nightly features, which RUSTC_BOOTSTRAP=1 enables on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check report)
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
# Seeds: the examples and fixtures, each behind the bytes that pick its loader (the targets'
# NAMES) and, for `report`, an empty name prefix.
seed_as() {
  local target=$1 pick=$2
  shift 2
  local header="\\x$pick"
  [ "$target" = report ] && header="$header\\x00"
  mkdir -p "fuzz/corpus/$target"
  for f in "$@"; do
    if [ -f "$f" ]; then
      { printf "$header"; cat "$f"; } > "fuzz/corpus/$target/$pick-$(basename "$f")"
    fi
  done
}
for target in "${targets[@]}"; do
  seed_as "$target" 00 examples/*.yaml tests/fixtures/load/* tests/fixtures/hostile/*.yaml
  seed_as "$target" 01 tests/fixtures/graph/*.json
  seed_as "$target" 02 tests/fixtures/dsc/*.ps1
  seed_as "$target" 03 tests/fixtures/dsc/*.psd1
  seed_as "$target" 04 tests/fixtures/dsc/*.yml
  echo "fuzzing $target for $seconds s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
