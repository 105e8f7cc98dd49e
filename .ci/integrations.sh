#!/usr/bin/env bash
# Checks the integrations for real: SARIF against Microsoft's validator from every spelling of a
# path, the GitHub problem matcher with JavaScript's RegExp, the step summary's size, the GitLab
# and rdjson reports against their schemas, Azure's escaping, empty runs and all-Absent DSC
# exports, and the pre-commit hook in a throwaway git repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# ENTRALINT_BIN runs the checks with another build (a debug one while developing them).
bin=${ENTRALINT_BIN:-$root/target/release/entralint}
[ -n "${ENTRALINT_BIN:-}" ] || cargo build --quiet --release
venv=${ENTRALINT_CI_VENV:-target/ci-venv}
venv=$(cd "$(dirname "$venv")" && pwd)/$(basename "$venv")
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/check-jsonschema" ] || "$venv/bin/pip" install --quiet check-jsonschema==0.33.0
[ -x "$venv/bin/pre-commit" ] || "$venv/bin/pip" install --quiet pre-commit==4.7.0

# Runs entralint expecting exit code $1; the output goes to stdout.
expect() {
  local want=$1
  shift
  set +e
  "$@"
  local rc=$?
  set -e
  if [ "$rc" -ne "$want" ]; then
    echo "expected exit code $want, got $rc: $*" >&2
    exit 1
  fi
}

echo "== SARIF: @microsoft/sarif-multitool on relative, ./, absolute, subfolder and outside paths"
(cd "$work" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool@5.7.0 >/dev/null)
chmod u+x "$work"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true
validate() {
  local validation
  validation=$(cd "$work" && npx --no-install sarif-multitool validate "$1" 2>&1)
  if echo "$validation" | grep -Eq ': (error|warning) [A-Z]+[0-9]+:'; then
    echo "$validation" >&2
    echo "SARIF validation of $1 reported problems" >&2
    exit 1
  fi
}
tenant=examples/defaults-workforce.yaml
expect 1 "$bin" check examples/ --format sarif --output "$work/examples.sarif"
expect 1 "$bin" check "$tenant" --format sarif --output "$work/relative.sarif"
expect 1 "$bin" check "./$tenant" --format sarif --output "$work/dot.sarif"
expect 1 "$bin" check "$root/$tenant" --format sarif --output "$work/absolute.sarif"
(cd examples && expect 1 "$bin" check defaults-workforce.yaml --format sarif --output "$work/subfolder.sarif")
mkdir "$work/outside"
cp "$tenant" "$work/outside/tenant.yaml"
expect 1 "$bin" check "$work/outside/tenant.yaml" --format sarif --output "$work/outside.sarif"
for run in examples relative dot absolute subfolder outside; do
  validate "$work/$run.sarif"
done
node - "$work" <<'JS'
// The same findings from every spelling of the path: equal fingerprints and locations.
const fs = require("fs");
const dir = process.argv[2];
const read = (run) => {
  const sarif = JSON.parse(fs.readFileSync(`${dir}/${run}.sarif`, "utf8"));
  return sarif.runs[0].results.map((r) => ({
    print: r.partialFingerprints["entralint/v1"],
    location: r.locations[0].physicalLocation.artifactLocation,
  }));
};
const [first, ...others] = ["relative", "dot", "absolute", "subfolder"].map(read);
if (first.length === 0) throw new Error("no results to compare");
for (const other of others) {
  if (JSON.stringify(other) !== JSON.stringify(first)) {
    throw new Error(`fingerprints or locations differ:\n${JSON.stringify(first)}\n${JSON.stringify(other)}`);
  }
}
if (first[0].location.uriBaseId !== "%SRCROOT%" || first[0].location.uri !== "examples/defaults-workforce.yaml") {
  throw new Error(`unexpected location ${JSON.stringify(first[0].location)}`);
}
const outside = read("outside")[0].location;
if (!outside.uri.startsWith("file:///") || outside.uriBaseId !== undefined) {
  throw new Error(`a file outside the repository needs a file:// URI: ${JSON.stringify(outside)}`);
}
console.log(`SARIF: ${first.length} results, same fingerprints from four spellings; outside: ${outside.uri}`);
JS

echo "== GitHub problem matcher against --format short"
expect 1 "$bin" check examples/ --format short > "$work/short.txt"
node .ci/problem-matcher.js < "$work/short.txt"

echo "== GitHub step summary of 1,000 tenant files stays under 1 MiB"
mkdir "$work/many"
for i in $(seq 1000); do cp "$tenant" "$work/many/t$i.yaml"; done
: > "$work/summary.md"
GITHUB_STEP_SUMMARY="$work/summary.md" expect 1 "$bin" check "$work/many" --format github > "$work/github.txt"
size=$(wc -c < "$work/summary.md")
[ "$size" -lt 1048576 ] || { echo "step summary is $size bytes" >&2; exit 1; }
grep -Eq '^[0-9]+ more findings not shown; see the SARIF or JSON report\.$' "$work/summary.md" ||
  { tail -3 "$work/summary.md" >&2; echo "the summary does not count what it leaves out" >&2; exit 1; }
if grep -Eq '^::(info|debug) ' "$work/github.txt"; then
  echo "--format github printed a command the runner drops" >&2
  exit 1
fi
echo "step summary: $size bytes, $(grep -c '^::notice ' "$work/github.txt") notices"

echo "== GitLab Code Quality and rdjson reports against their schemas"
expect 1 "$bin" check examples/ --format gitlab --output "$work/gitlab.json" --format rdjson --output "$work/rdjson.json"
"$venv/bin/check-jsonschema" --schemafile .ci/schemas/gitlab-code-quality.schema.json "$work/gitlab.json"
"$venv/bin/check-jsonschema" --schemafile .ci/schemas/rdjson.schema.json "$work/rdjson.json"

echo "== Azure Pipelines logging commands escape ; ] CR LF"
printf 'tenant:\n  name: contoso\nauthorizationPolicy:\n  allowInvitesFrom: "a;b]c\\r\\n##vso[task.complete result=Succeeded]"\n' > "$work/azure.yaml"
expect 1 "$bin" check "$work/azure.yaml" --format azure --select guest-invites-by-everyone > "$work/azure.txt"
# One line a finding: nothing in the data may end the command early or start another.
if grep -v '^##vso\[task\.logissue type=\(error\|warning\);sourcepath=[^];]*;linenumber=[0-9]*;columnnumber=[0-9]*;code=[a-z0-9-]*\][^]]*$' "$work/azure.txt" |
  grep -v ': info: '; then
  echo "an Azure logging command is not escaped" >&2
  exit 1
fi
grep -q '%3B' "$work/azure.txt" && grep -q '%5D' "$work/azure.txt" ||
  { cat "$work/azure.txt" >&2; echo "; and ] are not escaped" >&2; exit 1; }
echo "azure: $(wc -l < "$work/azure.txt") lines, escaped"

echo "== Empty runs fail; an all-Absent Microsoft365DSC export is checked"
mkdir "$work/empty"
expect 2 "$bin" check "$work/empty" 2> "$work/empty.log"
grep -q 'no tenant document' "$work/empty.log" || { cat "$work/empty.log" >&2; exit 1; }
expect 0 "$bin" check "$work/empty" --allow-empty
expect 1 "$bin" check tests/fixtures/dsc/all-absent.ps1 --format short > "$work/dsc.txt"
grep -q '\[guest-invites-by-everyone\]' "$work/dsc.txt" ||
  { cat "$work/dsc.txt" >&2; echo "the all-Absent export gave no default findings" >&2; exit 1; }
echo "empty folder: exit 2; all-Absent DSC export: $(wc -l < "$work/dsc.txt") findings, exit 1"

echo "== pre-commit hook on a temporary repository"
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
"$venv/bin/pre-commit" install >/dev/null
# pre-commit builds the hook with `cargo install`; without link-time optimisation, and in a target
# folder kept between runs, that takes a fraction of the release build's time.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_TARGET_DIR="$root/target/pre-commit"
git add .pre-commit-config.yaml
git commit --quiet --no-verify -m "pre-commit configuration"
# Files a tenant repository also holds, none of them tenant documents.
mkdir -p chart/templates .github/workflows
cat > chart/templates/configmap.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
  labels:
    {{- include "chart.labels" . | nindent 4 }}
YAML
cat > .github/workflows/lint.yml <<'YAML'
on: pull_request
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
YAML
echo '{"name": "tenants", "version": "1.0.0", "private": true}' > package.json
cp "$root/examples/secure-workforce.yaml" secure.yaml
cp "$root/examples/broken.yaml" broken.yaml
git add -A
if git commit --quiet -m "tenants and friends" > "$work/bad.log" 2>&1; then
  cat "$work/bad.log" >&2
  echo "the hook let a broken tenant file through" >&2
  exit 1
fi
grep -q 'broken.yaml:8:3: error: unknown key `alowInvitesFrom`' "$work/bad.log" || { cat "$work/bad.log" >&2; exit 1; }
if grep -E 'configmap|lint\.yml|package\.json|^warning: |secure\.yaml:[0-9]+:[0-9]+: (error|warning)' "$work/bad.log"; then
  echo "the hook reported a file other than the broken tenant" >&2
  exit 1
fi
cp "$root/examples/secure-workforce.yaml" broken.yaml
git add -A
git commit --quiet -m "tenants and friends" > "$work/good.log" 2>&1 ||
  { cat "$work/good.log" >&2; echo "the hook rejected the fixed tenant" >&2; exit 1; }
echo "pre-commit: refused only for the broken tenant, committed once it was fixed"
