#!/usr/bin/env bash
# Two or more entralint binaries on one corpus, side by side in one run: each round runs every
# binary once (`check DIR --format $FORMAT`, default short, output discarded) in turn, so a noisy machine slows
# them alike; prints each one's median wall time, its ratio to the first, and its finding count.
#   bash bench/compare.sh RUNS DIR NAME=BINARY NAME=BINARY...
# e.g. bash bench/compare.sh 5 target/corpus-10000 before=/tmp/old/entralint after=target/release/entralint
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,6p "$0" >&2; exit 2; }
runs=$1 dir=$2 format=${FORMAT:-short}
shift 2
names=() bins=()
for pair in "$@"; do
  names+=("${pair%%=*}")
  bins+=("${pair#*=}")
done
times=$(mktemp)
trap 'rm -f "$times"' EXIT
for i in "${!bins[@]}"; do
  # One unmeasured run each: the page cache holds the corpus for all of them.
  "${bins[$i]}" check "$dir" --no-config --format "$format" >/dev/null 2>&1 || true
done
for ((round = 1; round <= runs; round++)); do
  for i in "${!bins[@]}"; do
    start=$(date +%s%N)
    "${bins[$i]}" check "$dir" --no-config --format "$format" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo "$i $(((end - start) / 1000000))" >>"$times"
  done
done
printf '%-12s %10s %8s %10s\n' binary 'median ms' ratio findings
first=
for i in "${!bins[@]}"; do
  median=$(awk -v i="$i" '$1 == i { print $2 }' "$times" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  [ -n "$first" ] || first=$median
  findings=$({ "${bins[$i]}" check "$dir" --no-config --format json 2>/dev/null || true; } |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["findings"])' 2>/dev/null || echo '?')
  printf '%-12s %10s %8s %10s\n' "${names[$i]}" "$median" "$(awk -v m="$median" -v f="$first" 'BEGIN { printf "%.2fx", m / f }')" "$findings"
done
