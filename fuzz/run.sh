#!/usr/bin/env bash
# Fuzzes load and check: `bash fuzz/run.sh [SECONDS]` (default 1800). Seeds the corpus with the
# examples and test fixtures; crashes land in fuzz/artifacts/check/. cargo-fuzz needs nightly
# features, which RUSTC_BOOTSTRAP=1 enables on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
mkdir -p fuzz/corpus/check
cp examples/*.yaml tests/fixtures/load/* tests/fixtures/hostile/*.yaml fuzz/corpus/check/ 2>/dev/null || true
RUSTC_BOOTSTRAP=1 cargo fuzz run check fuzz/corpus/check -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
