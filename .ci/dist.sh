#!/usr/bin/env bash
# Checks the ways entralint is installed without a Rust toolchain, for real: the wheel built with
# maturin and installed into a clean virtual environment; both pre-commit hooks run by pre-commit
# from PyPI with pip pointed at that wheel; the release archive built by the script the release
# workflow runs, with its checksum; and the Action's install script against a local release.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

venv=${ENTRALINT_CI_VENV:-target/ci-venv}
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
venv=$(cd "$venv" && pwd)
"$venv/bin/pip" install --quiet --disable-pip-version-check maturin==1.16.0 pre-commit==4.7.0 pipx==1.18.4 uv==0.13.9

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# Exit code 1 means findings: examples/ holds a broken file on purpose.
cargo build --quiet --release
"${CARGO_TARGET_DIR:-$root/target}/release/entralint" check examples/ --format short > "$work/expected.txt" && fail "no findings in examples/"
[ -s "$work/expected.txt" ] || fail "cargo's build printed nothing for examples/"

echo "== wheel: maturin build, installed into a clean virtual environment"
wheels=$work/wheels
# `--profile release` reuses the release build above; published wheels use the `dist` profile.
"$venv/bin/maturin" build --profile release --locked --out "$wheels" > "$work/maturin.log" 2>&1 ||
  { cat "$work/maturin.log" >&2; fail "maturin build"; }
wheel=$(ls "$wheels"/entralint-"$version"-*.whl)
echo "built $(basename "$wheel")"
python3 -m venv "$work/clean"
"$work/clean/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" entralint
[ "$("$work/clean/bin/entralint" --version)" = "entralint $version" ] || fail "the wheel's entralint --version"
set +e
"$work/clean/bin/entralint" check examples/ --format short > "$work/wheel.txt"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "the wheel's entralint exited $rc on examples/, not 1"
diff -u "$work/expected.txt" "$work/wheel.txt" || fail "the wheel's entralint reports differently from cargo's build"
echo "the wheel's entralint reports the same $(wc -l < "$work/wheel.txt") lines on examples/ as cargo's build"
# The same wheel through pipx and uv, offline.
pipx_out=$(PIPX_HOME="$work/pipx" PIPX_BIN_DIR="$work/pipx/bin" PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels" \
  "$venv/bin/pipx" run --spec "$wheel" entralint --version)
[ "$pipx_out" = "entralint $version" ] || fail "pipx run: $pipx_out"
uv_out=$(UV_CACHE_DIR="$work/uv" UV_TOOL_DIR="$work/uv-tools" "$venv/bin/uvx" --offline --no-index \
  --find-links "$wheels" entralint --version)
[ "$uv_out" = "entralint $version" ] || fail "uvx: $uv_out"
echo "pipx run and uvx run the wheel's entralint"

echo "== pre-commit: the wheel-based hook repository and entralint-system, on a scratch repository"
hook_pins=$(grep -c "\"entralint==$version\"\|^version = \"$version\"" dist/pre-commit-hook/pyproject.toml || true)
[ "$hook_pins" -eq 2 ] || fail "dist/pre-commit-hook/pyproject.toml must pin entralint $version"
# pip builds the hook repository with setuptools; with no index it must find it beside the wheel.
"$venv/bin/pip" download --quiet --disable-pip-version-check --dest "$wheels" setuptools==80.9.0
git_commit_all() {
  git add -A
  git -c user.email=ci@entralint.invalid -c user.name="entralint CI" commit --quiet --no-verify -m "$1"
}
cp -r dist/pre-commit-hook "$work/hook"
(cd "$work/hook" && git init --quiet && git_commit_all "hook repository")
hook_rev=$(git -C "$work/hook" rev-parse HEAD)
self_rev=$(git rev-parse HEAD)
repo=$work/tenants
git init --quiet "$repo"
cat > "$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $work/hook
    rev: $hook_rev
    hooks:
      - id: entralint
  - repo: $root
    rev: $self_rev
    hooks:
      - id: entralint-system
YAML
cp examples/broken.yaml "$repo/bad.yaml"
cp examples/secure-workforce.yaml "$repo/good.yaml"
(cd "$repo" && git_commit_all "tenant files")
run_hooks() {
  (cd "$repo" && PATH="$work/clean/bin:$PATH" PRE_COMMIT_HOME="$work/pre-commit-home" \
    PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels" "$venv/bin/pre-commit" run --color never --files "$@")
}
set +e
run_hooks bad.yaml > "$work/bad.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$work/bad.log" >&2; fail "pre-commit exited $rc on a broken tenant file, not 1"; }
for hook in 'entralint\.\.\.' 'entralint (from PATH)\.\.\.'; do
  grep -q "^$hook*Failed" "$work/bad.log" || { cat "$work/bad.log" >&2; fail "hook $hook did not fail"; }
done
hits=$(grep -c 'bad.yaml:8:3: error: unknown key `alowInvitesFrom`' "$work/bad.log" || true)
[ "$hits" -eq 2 ] || { cat "$work/bad.log" >&2; fail "expected the unknown-key error from both hooks"; }
run_hooks good.yaml > "$work/good.log" 2>&1 || { cat "$work/good.log" >&2; fail "the hooks refused a secure tenant file"; }
# The Python hook's environment holds the wheel's binary: nothing was compiled.
ls "$work"/pre-commit-home/repo*/py_env-*/bin/entralint >/dev/null 2>&1 || fail "the hook's environment has no entralint"
grep -E '^entralint' "$work/bad.log" "$work/good.log" | sed 's/^[^:]*://'
echo "pre-commit: both hooks refuse a broken tenant file and pass a secure one"

echo "== release archive for Linux x86_64, by dist/build-archive.sh"
# The release is static (musl); where that target cannot be added, the host's (glibc) stands in.
target=x86_64-unknown-linux-musl
if ! rustup target list --installed 2>/dev/null | grep -qx "$target" &&
  ! rustup target add "$target" >/dev/null 2>&1; then
  target=$(rustc -vV | sed -n 's/^host: //p')
  echo "cannot add the musl target; building the archive for $target"
fi
if [ "$target" = x86_64-unknown-linux-musl ] && ! command -v musl-gcc >/dev/null 2>&1; then
  # mimalloc's C code is compiled for musl with musl-gcc.
  apt-get update -qq && apt-get install -y -qq musl-tools >/dev/null
fi
release=$work/release/v$version
# The `release` profile keeps CI short; the workflow builds with `dist`, the same script otherwise.
archive=$(bash dist/build-archive.sh --target "$target" --profile release --out "$release" 2> "$work/archive.log") ||
  { cat "$work/archive.log" >&2; fail "dist/build-archive.sh"; }
(cd "$release" && sha256sum -c "$(basename "$archive").sha256") || fail "the archive's checksum"
tar -tzf "$archive" | sort > "$work/archive-files.txt"
for member in entralint README.md completions/entralint.bash completions/_entralint \
  completions/entralint.fish completions/_entralint.ps1 man/man1/entralint.1 man/man1/entralint-check.1; do
  grep -qx "entralint-$version-$target/$member" "$work/archive-files.txt" || fail "the archive has no $member"
done
if [ "$target" = x86_64-unknown-linux-musl ]; then
  tar -xzf "$archive" -C "$work" "entralint-$version-$target/entralint"
  # A dynamically linked binary names its loader (the ELF interpreter); a static one has none.
  if readelf -l "$work/entralint-$version-$target/entralint" | grep -q 'program interpreter'; then
    fail "the musl binary is dynamically linked"
  fi
fi
echo "built $(basename "$archive") ($(wc -c < "$archive") bytes), checksum verified"

echo "== the Action's install script against a local release"
try_install() { # VERSION DEST [VAR=VALUE...]: runs dist/action-install.sh, prints its exit code
  local v=$1 d=$2 rc=0
  shift 2
  env "$@" bash dist/action-install.sh "$v" "$d" > "$work/install.log" 2>&1 || rc=$?
  echo "$rc"
}
# The archive built above, from a file:// address and from a plain folder.
rc=$(try_install "v$version" "$work/inst-url" ENTRALINT_RELEASE_URL="file://$work/release" ENTRALINT_TARGET="$target")
[ "$rc" -eq 0 ] || { cat "$work/install.log" >&2; fail "installing from file:// exited $rc"; }
grep -q "verified" "$work/install.log" || fail "no checksum verification reported"
"$work/inst-url/bin/entralint" check examples/ --format short > "$work/installed.txt" || true
diff -u "$work/expected.txt" "$work/installed.txt" || fail "the installed binary reports differently"
rc=$(try_install "$version" "$work/inst-dir" ENTRALINT_RELEASE_URL="$work/release" ENTRALINT_TARGET="$target")
[ "$rc" -eq 0 ] || { cat "$work/install.log" >&2; fail "installing from a folder exited $rc"; }
echo "installed and verified from file:// and from a folder"

# Picking: a release with an archive per platform, each binary saying which one it is.
picks=$work/picks/v$version
mkdir -p "$picks"
for t in x86_64-unknown-linux-musl aarch64-unknown-linux-musl x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc; do
  n=entralint-$version-$t
  exe=""
  case "$t" in *windows*) exe=.exe ;; esac
  mkdir -p "$work/fake/$n"
  printf '#!/bin/sh\n# %s\necho "entralint %s"\n' "$t" "$version" > "$work/fake/$n/entralint$exe"
  chmod +x "$work/fake/$n/entralint$exe"
  case "$t" in
    *windows*) (cd "$work/fake" && zip -qr "$picks/$n.zip" "$n") && a=$n.zip ;;
    *) tar -C "$work/fake" -czf "$picks/$n.tar.gz" "$n" && a=$n.tar.gz ;;
  esac
  (cd "$picks" && sha256sum "$a" > "$a.sha256")
done
for platform in Linux/X64/x86_64-unknown-linux-musl Linux/ARM64/aarch64-unknown-linux-musl \
  macOS/X64/x86_64-apple-darwin macOS/ARM64/aarch64-apple-darwin Windows/X64/x86_64-pc-windows-msvc; do
  IFS=/ read -r os arch t <<< "$platform"
  d=$work/inst-$os-$arch
  rc=$(try_install "$version" "$d" ENTRALINT_RELEASE_URL="file://$work/picks" RUNNER_OS="$os" RUNNER_ARCH="$arch")
  [ "$rc" -eq 0 ] || { cat "$work/install.log" >&2; fail "$os $arch: exit $rc"; }
  grep -q "# $t\$" "$d"/bin/entralint* || fail "$os $arch did not get $t"
done
echo "picked the right archive for Linux x64/arm64, macOS x64/arm64 and Windows x64"

# No binary to pick: exit 3, on which the Action builds from source.
rc=$(try_install "$version" "$work/none" ENTRALINT_RELEASE_URL="file://$work/picks" RUNNER_OS=Linux RUNNER_ARCH=ARM)
[ "$rc" -eq 3 ] || fail "an unsupported platform gave $rc, not 3"
rc=$(try_install 9.9.9 "$work/none" ENTRALINT_RELEASE_URL="file://$work/picks" RUNNER_OS=Linux RUNNER_ARCH=X64)
[ "$rc" -eq 3 ] || fail "a version without a release gave $rc, not 3"
rc=$(try_install main "$work/none" ENTRALINT_RELEASE_URL="file://$work/picks")
[ "$rc" -eq 3 ] || fail "a branch gave $rc, not 3"
[ ! -e "$work/none" ] || fail "something was installed without a release"
echo "no release binary for the platform or version: exit 3 (build from source)"

# Rejecting: an archive changed after its checksum was taken, and an archive without a checksum.
cp -r "$work/release" "$work/tampered"
tampered=$work/tampered/v$version/$(basename "$archive")
printf 'x' >> "$tampered"
rc=$(try_install "$version" "$work/inst-bad" ENTRALINT_RELEASE_URL="file://$work/tampered" ENTRALINT_TARGET="$target")
[ "$rc" -eq 1 ] || { cat "$work/install.log" >&2; fail "a tampered archive gave $rc, not 1"; }
grep -q "checksum mismatch" "$work/install.log" || { cat "$work/install.log" >&2; fail "no checksum mismatch reported"; }
[ ! -e "$work/inst-bad/bin/entralint" ] || fail "a tampered archive was installed"
rm "$tampered.sha256"
rc=$(try_install "$version" "$work/inst-bad" ENTRALINT_RELEASE_URL="file://$work/tampered" ENTRALINT_TARGET="$target")
[ "$rc" -eq 1 ] || fail "an archive without a checksum gave $rc, not 1"
[ ! -e "$work/inst-bad/bin/entralint" ] || fail "an archive without a checksum was installed"
echo "rejected: a checksum mismatch and a missing checksum (exit 1, nothing installed)"

echo "== the Action's outputs"
"$work/inst-url/bin/entralint" check examples/ --format sarif --output "$work/out.sarif" \
  --format json --output "$work/report.json" > /dev/null || true
bash dist/action-outputs.sh "$work/report.json" --format sarif --output "$work/out.sarif" --output="$work/b.xml" > "$work/outputs.txt"
want=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$work/report.json")
grep -qx "findings=$want" "$work/outputs.txt" || { cat "$work/outputs.txt" >&2; fail "findings output, expected $want"; }
grep -qx "report=$work/report.json" "$work/outputs.txt" || fail "report output"
sed -n '/^reports<</,$p' "$work/outputs.txt" | sed '1d;$d' > "$work/reports.txt"
printf '%s\n' "$work/report.json" "$work/out.sarif" "$work/b.xml" | diff -u - "$work/reports.txt" || fail "reports output"
echo "outputs: findings=$want, the JSON report and the --output files"
