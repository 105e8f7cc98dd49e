#!/usr/bin/env bash
# Installs a released entralint binary for this machine, verifying its SHA-256 checksum:
#
#   dist/action-install.sh VERSION DEST
#
# puts the binary in DEST/bin. The GitHub Action runs it; it works on any machine with bash, curl
# and tar (unzip or 7z for Windows archives).
#
# Exit codes: 0 installed; 3 there is no release binary for this version and platform (the Action
# then builds from source); 1 anything else, a checksum mismatch among them (never worked around).
#
# Environment:
#   ENTRALINT_RELEASE_URL  where releases live; the archive is read from URL/vVERSION/. An https://
#                          or file:// address, or a local folder. Default: the GitHub releases.
#   ENTRALINT_TARGET       the target triple to install, instead of the one for this machine.
#   RUNNER_OS, RUNNER_ARCH the runner's platform, as GitHub sets them; `uname` when unset.
set -euo pipefail

NO_RELEASE=3
if [ $# -ne 2 ]; then
  echo "usage: $0 VERSION DEST" >&2
  exit 2
fi
version=${1#v}
dest=$2
base=${ENTRALINT_RELEASE_URL:-https://github.com/entralint/entralint/releases/download}

# A branch or commit (the Action used at `@main`) has no release: build it from source instead.
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "entralint: '$1' is not a release version" >&2
  exit $NO_RELEASE
fi

target_for() {
  local os=$1 arch=$2
  case "$os/$arch" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64 | Darwin/aarch64) echo aarch64-apple-darwin ;;
    Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

target=${ENTRALINT_TARGET:-}
if [ -z "$target" ]; then
  os=${RUNNER_OS:-$(uname -s)}
  arch=${RUNNER_ARCH:-$(uname -m)}
  target=$(target_for "$os" "$arch") || {
    echo "entralint: no release binary is built for $os $arch" >&2
    exit $NO_RELEASE
  }
fi

case "$target" in *windows*) ext=zip exe=.exe ;; *) ext=tar.gz exe="" ;; esac
name="entralint-$version-$target"
archive="$name.$ext"
url="$base/v$version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fetch FILE: copies URL/FILE into the work folder. Returns 3 when the release has no such file.
fetch() {
  local file=$1 rc=0
  case "$url" in
    http://* | https://* | file://*)
      curl --fail --silent --show-error --location --retry 3 --output "$work/$file" "$url/$file" || rc=$?
      # 22: the server answered 404 (or another error status); 37: a file:// address is missing.
      case $rc in
        0) return 0 ;;
        22 | 37) return $NO_RELEASE ;;
        *) echo "entralint: cannot download $url/$file (curl exit $rc)" >&2; return 1 ;;
      esac
      ;;
    *)
      [ -f "$url/$file" ] || return $NO_RELEASE
      cp "$url/$file" "$work/$file"
      ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

rc=0
fetch "$archive" || rc=$?
if [ $rc -eq $NO_RELEASE ]; then
  echo "entralint: release v$version has no $archive" >&2
  exit $NO_RELEASE
elif [ $rc -ne 0 ]; then
  exit 1
fi
# A release that has the archive but no checksum is broken, not missing: refuse it.
fetch "$archive.sha256" || { echo "entralint: cannot get $archive.sha256 from $url" >&2; exit 1; }

expected=$(cut -d ' ' -f 1 < "$work/$archive.sha256" | tr -d '\r' | tr 'A-F' 'a-f')
actual=$(sha256 "$work/$archive")
if ! [[ "$expected" =~ ^[0-9a-f]{64}$ ]]; then
  echo "entralint: $archive.sha256 holds no SHA-256 checksum" >&2
  exit 1
fi
if [ "$expected" != "$actual" ]; then
  echo "entralint: checksum mismatch for $archive: expected $expected, got $actual" >&2
  exit 1
fi
echo "entralint: $archive verified (sha256 $actual)" >&2

mkdir -p "$work/unpacked"
case "$ext" in
  tar.gz) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
  zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$work/$archive" -d "$work/unpacked"
    else
      7z x -bso0 "-o$work/unpacked" "$work/$archive"
    fi
    ;;
esac
bin="$work/unpacked/$name/entralint$exe"
[ -f "$bin" ] || { echo "entralint: $archive has no $name/entralint$exe" >&2; exit 1; }

mkdir -p "$dest/bin"
cp "$bin" "$dest/bin/entralint$exe"
chmod +x "$dest/bin/entralint$exe"
# The binary must run here and be the version asked for: a wrong platform fails now, not later.
reported=$("$dest/bin/entralint$exe" --version 2>&1) || {
  rm -f "$dest/bin/entralint$exe"
  echo "entralint: the installed binary does not run here: $reported" >&2
  exit 1
}
if [ "$reported" != "entralint $version" ]; then
  rm -f "$dest/bin/entralint$exe"
  echo "entralint: $archive holds '$reported', not entralint $version" >&2
  exit 1
fi
echo "entralint: installed $reported ($target) into $dest/bin" >&2
