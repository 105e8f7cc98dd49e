#!/usr/bin/env bash
# The HTML report of the fleet example (many tenants sharing a baseline) in a real browser: headless Chromium renders it without
# console messages, screenshots on a desktop and a phone width are not blank, it prints to PDF, and
# HTML Tidy finds no error or warning in it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v tidy >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium tidy >/dev/null
fi
venv=${ENTRALINT_CI_VENV:-target/ci-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import PIL' 2>/dev/null || "$venv/bin/pip" install --quiet pillow==11.3.0

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
report="$out/fleet.html"
set +e
cargo run --quiet --release -- check examples/fleet --format html --output "$report"
rc=$?
set -e
# The fleet example has findings on purpose.
[ "$rc" -eq 1 ] || { echo "expected exit code 1 from the fleet example, got $rc" >&2; exit 1; }

echo "== the report is self-contained"
size=$(wc -c <"$report")
echo "report: $size bytes"
if grep -E -i -n '<(script|link|img|iframe|object)\b|src=|url\(|@import|href="(https?:)?//' "$report"; then
  echo "the report loads something from outside itself (above)" >&2
  exit 1
fi

echo "== HTML Tidy"
tidy -q -e "$report"

echo "== headless Chromium"
browse() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$out")" --enable-logging=stderr --v=0 "$@" "file://$report" \
    2>>"$out/chromium.log" >/dev/null
}
browse --window-size=1280,1600 --screenshot="$out/desktop.png"
browse --window-size=390,844 --screenshot="$out/phone.png"
browse --print-to-pdf="$out/print.pdf" --no-pdf-header-footer
if grep -F ':CONSOLE' "$out/chromium.log"; then
  echo "the report writes to the browser console (above)" >&2
  exit 1
fi
[ -s "$out/print.pdf" ] || { echo "printing to PDF gave nothing" >&2; exit 1; }
"$venv/bin/python" - "$out/desktop.png" "$out/phone.png" <<'PY'
import sys
from PIL import Image
for path in sys.argv[1:]:
    image = Image.open(path).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    # A blank page is one colour; text, table borders and status colours give hundreds.
    white = sum(n for n, c in colours if c == (255, 255, 255)) / (image.width * image.height)
    print(f"{path.rsplit('/', 1)[-1]}: {image.width}x{image.height}, {len(colours)} colours, {white:.0%} white")
    if len(colours) < 50 or white > 0.98:
        sys.exit(f"{path}: the screenshot is blank")
PY
if [ -n "${ENTRALINT_KEEP_SCREENSHOTS:-}" ]; then
  cp "$out"/desktop.png "$out"/phone.png "$ENTRALINT_KEEP_SCREENSHOTS"/
fi
