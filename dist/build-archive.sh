#!/usr/bin/env bash
# Builds the release archive of entralint for one target, and its SHA-256 checksum file:
#
#   dist/build-archive.sh [--target TRIPLE] [--profile PROFILE] [--out DIR]
#
# writes DIR/entralint-VERSION-TRIPLE.tar.gz (.zip for Windows) holding the binary, the README,
# shell completions and manual pages, and DIR/entralint-VERSION-TRIPLE.tar.gz.sha256 in the format
# `sha256sum -c` reads. Defaults: the host's triple, the `dist` profile, `target/dist-archives`.
# The release workflow runs it on each platform; CI runs it for Linux x86_64.
set -euo pipefail
cd "$(dirname "$0")/.."

target=""
profile=dist
out=target/dist-archives
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--target TRIPLE] [--profile PROFILE] [--out DIR]" >&2; exit 2 ;;
  esac
done

host=$(rustc -vV | sed -n 's/^host: //p')
target=${target:-$host}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || { echo "no version in Cargo.toml" >&2; exit 1; }

# cargo names the folder of the dev profile `debug`; every other profile after itself.
case "$profile" in dev) profile_dir=debug ;; *) profile_dir=$profile ;; esac
target_root=${CARGO_TARGET_DIR:-target}
exe=""
case "$target" in *windows*) exe=.exe ;; esac
# For the host, build where a plain `cargo build` does, so an existing build is reused.
if [ "$target" = "$host" ]; then
  cargo build --locked --profile "$profile" --bin entralint
  bin="$target_root/$profile_dir/entralint$exe"
else
  cargo build --locked --profile "$profile" --target "$target" --bin entralint
  bin="$target_root/$target/$profile_dir/entralint$exe"
fi

name="entralint-$version-$target"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name"
cp "$bin" README.md "$stage/$name/"
# Completions and manual pages come from the binary itself; a cross-compiled binary that cannot
# run on this machine ships without them rather than with ones from another build.
if "$bin" --version >/dev/null 2>&1; then
  mkdir -p "$stage/$name/completions"
  "$bin" completions bash > "$stage/$name/completions/entralint.bash"
  "$bin" completions zsh > "$stage/$name/completions/_entralint"
  "$bin" completions fish > "$stage/$name/completions/entralint.fish"
  "$bin" completions powershell > "$stage/$name/completions/_entralint.ps1"
  "$bin" man --dir "$stage/$name/man/man1" 2>/dev/null
fi

out_abs=$(cd "$out" && pwd)
case "$target" in
  *windows*)
    archive="$name.zip"
    rm -f "$out_abs/$archive"
    # 7-Zip is on GitHub's Windows runners; zip elsewhere.
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 "$out_abs/$archive" "$name")
    else
      (cd "$stage" && zip -qr "$out_abs/$archive" "$name")
    fi
    ;;
  *)
    archive="$name.tar.gz"
    tar -C "$stage" -czf "$out_abs/$archive" "$name"
    ;;
esac

if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out_abs" && sha256sum "$archive" > "$archive.sha256")
else
  (cd "$out_abs" && shasum -a 256 "$archive" > "$archive.sha256")
fi
echo "$out/$archive"
