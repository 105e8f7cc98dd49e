#!/usr/bin/env bash
# The performance benchmark: generates a corpus of N tenant files (default 10,000) and prints the
# floor, load and check times with their ratios to the floor, the command line's wall time and peak
# memory, and one file's latency. Run from the repository root: bash bench/corpus.sh [N]
set -euo pipefail
n=${1:-10000}
dir=${ENTRALINT_CORPUS:-target/corpus-$n}
if [ ! -d "$dir" ]; then
  cargo run --quiet --release --example gen_corpus -- "$n" "$dir"
fi
ENTRALINT_CORPUS=$dir cargo bench --quiet --bench corpus
