#!/usr/bin/env bash
# Checks the integrations for real: SARIF against Microsoft's validator, the GitHub problem matcher
# with JavaScript's RegExp, and the pre-commit hook in a throwaway git repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$root/target/release/entralint"
cargo build --quiet --release

echo "== SARIF: validate with @microsoft/sarif-multitool"
(cd "$work" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool@5.7.0 >/dev/null)
chmod u+x "$work"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true
"$bin" check examples/ --format sarif --output "$work/examples.sarif" || [ $? -eq 1 ]
validation=$(cd "$work" && npx --no-install sarif-multitool validate "$work/examples.sarif" 2>&1)
echo "$validation" | grep -v '^npm warn' | tail -3
if echo "$validation" | grep -Eq ': (error|warning) [A-Z]+[0-9]+:'; then
  echo "$validation" >&2
  echo "SARIF validation reported problems" >&2
  exit 1
fi

echo "== GitHub problem matcher against --format short"
set +e
"$bin" check examples/ --format short > "$work/short.txt"
set -e
node .ci/problem-matcher.js < "$work/short.txt"

echo "== pre-commit hook on a temporary repository"
python3 -m pip install --quiet --disable-pip-version-check pre-commit
rev=$(git rev-parse HEAD)
repo="$work/tenants"
git init --quiet "$repo"
cd "$repo"
git config user.email ci@entralint.invalid
git config user.name "entralint CI"
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: entralint
YAML
python3 -m pre_commit install >/dev/null
git add .pre-commit-config.yaml
git commit --quiet --no-verify -m "pre-commit configuration"
cp "$root/examples/broken.yaml" bad.yaml
git add bad.yaml
if git commit --quiet -m "a broken tenant file" > "$work/bad.log" 2>&1; then
  cat "$work/bad.log" >&2
  echo "the hook let a broken tenant file through" >&2
  exit 1
fi
grep -q 'bad.yaml:8:3: error: unknown key `alowInvitesFrom`' "$work/bad.log" || { cat "$work/bad.log" >&2; exit 1; }
git reset --quiet HEAD bad.yaml
rm bad.yaml
cp "$root/examples/secure-workforce.yaml" good.yaml
git add good.yaml
git commit --quiet -m "a secure tenant file" > "$work/good.log" 2>&1 || { cat "$work/good.log" >&2; echo "the hook rejected a secure tenant file" >&2; exit 1; }
echo "pre-commit: a broken tenant file is refused, a secure one is committed"
