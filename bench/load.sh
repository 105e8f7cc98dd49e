#!/usr/bin/env bash
# Times entralint on the examples and on each hostile fixture, plus two generated files: one of
# 50 MB (670,000 users), which is under the 256 MB tenant cap and so is read and checked in full,
# and one over the cap, which is refused without being read. Prints wall time and peak memory for
# each. Run from the repository root: bash bench/load.sh
set -euo pipefail
cargo build --quiet --release
bin=target/release/entralint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/huge.yaml" <<'PY'
import sys
line = "  - id: someone.with.a.long.name@contoso.onmicrosoft.com\n    userType: Member\n"
with open(sys.argv[1], "w") as f:
    f.write("tenant:\n  name: huge\nusers:\n")
    f.write(line * (50 * 1024 * 1024 // len(line) + 1))
PY
# Sparse: over the cap without taking the disk space.
printf 'tenant:\n  name: over\n' > "$tmp/over.yaml"
truncate -s 257M "$tmp/over.yaml"
printf "%-48s %10s %12s %6s\n" input "wall (ms)" "peak (MB)" exit
measure() {
  local label=$1; shift
  local start end rc
  start=$(date +%s%N)
  set +e
  /usr/bin/time -f '%M' -o "$tmp/mem" "$bin" check --format short "$@" >/dev/null 2>&1
  rc=$?
  set -e
  end=$(date +%s%N)
  printf "%-48s %10.1f %12.1f %6s\n" "$label" "$(( (end - start) / 1000 ))e-3" "$(tail -n 1 "$tmp/mem")e-3" "$rc"
}
measure "examples/" examples/
for f in tests/fixtures/hostile/*; do
  case "$f" in *.md) continue ;; esac
  measure "$f" "$f"
done
measure "generated 50 MB file (read)" "$tmp/huge.yaml"
measure "generated 257 MB file (refused)" "$tmp/over.yaml"
