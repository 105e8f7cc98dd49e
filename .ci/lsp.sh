#!/usr/bin/env bash
# The language server end to end: pytest-lsp, a real LSP client, drives the built binary over
# stdio (tests/lsp/test_server.py).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== entralint server, end to end with pytest-lsp"
venv=${ENTRALINT_CI_VENV:-target/ci-venv}
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c 'import importlib.metadata as m; assert m.version("pytest-lsp") == "1.0.1"' 2>/dev/null; then
  "$venv/bin/pip" install --quiet pytest-lsp==1.0.1
fi
cargo build --quiet --release
set +e
ENTRALINT_BIN="$PWD/target/release/entralint" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider -c tests/lsp/pytest.ini tests/lsp
rc=$?
set -e
# pytest exits 1 when a test fails and 5 when none ran: either is a failure here.
if [ "$rc" -ne 0 ]; then
  echo "the language server tests failed (pytest exit code $rc)" >&2
  exit 1
fi
