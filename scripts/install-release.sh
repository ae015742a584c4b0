#!/usr/bin/env bash
# Installs a released kblint binary: downloads the archive for this platform from a release,
# checks it against its published SHA-256, and unpacks `kblint` into a folder. This is what the
# GitHub Action (action.yml) runs before it considers building from source.
#
#   scripts/install-release.sh BASE_URL VERSION DEST [TARGET]
#
# BASE_URL is the folder of the release's assets (for a GitHub release,
# https://github.com/OWNER/kblint/releases/download/vVERSION), VERSION the version without `v`,
# DEST the folder that receives `kblint` (or `kblint.exe`), TARGET a Rust target triple (by
# default, this machine's). The archive is kblint-VERSION-TARGET.tar.gz (.zip on Windows) and its
# checksum kblint-VERSION-TARGET.tar.gz.sha256, as the release workflow names them.
#
# Exit status: 0 installed; 3 no such release asset (the caller may build from source instead);
# 1 anything else, a checksum that does not match above all: never fall back on that.
set -euo pipefail

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
  echo "usage: $0 BASE_URL VERSION DEST [TARGET]" >&2
  exit 1
fi
BASE_URL=${1%/}
VERSION=$2
DEST=$3

host_target() {
  local os arch
  os=$(uname -s)
  arch=$(uname -m)
  case $arch in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) return 1 ;;
  esac
  case $os in
    # The musl build is static: it runs on any Linux, glibc or not.
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) [ "$arch" = x86_64 ] && echo "x86_64-pc-windows-msvc" ;;
    *) return 1 ;;
  esac
}

if [ $# -eq 4 ]; then
  TARGET=$4
elif ! TARGET=$(host_target); then
  echo "kblint: no release build for $(uname -s) $(uname -m)" >&2
  exit 3
fi
case $TARGET in
  *-windows-*) ext=zip exe=kblint.exe ;;
  *) ext=tar.gz exe=kblint ;;
esac
NAME="kblint-$VERSION-$TARGET"
ARCHIVE="$NAME.$ext"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# fetch URL FILE: 0 on success, 3 when the server says there is no such file, 1 otherwise.
fetch() {
  local code
  code=$(curl --silent --show-error --location --retry 3 --output "$2" --write-out '%{http_code}' "$1") || {
    echo "kblint: could not download $1" >&2
    return 1
  }
  case $code in
    200) return 0 ;;
    404) return 3 ;;
    *) echo "kblint: downloading $1 answered HTTP $code" >&2; return 1 ;;
  esac
}

status=0
fetch "$BASE_URL/$ARCHIVE.sha256" "$WORK/$ARCHIVE.sha256" || status=$?
if [ "$status" -eq 3 ]; then
  echo "kblint: the release has no $ARCHIVE.sha256 at $BASE_URL" >&2
  exit 3
elif [ "$status" -ne 0 ]; then
  exit 1
fi
status=0
fetch "$BASE_URL/$ARCHIVE" "$WORK/$ARCHIVE" || status=$?
if [ "$status" -eq 3 ]; then
  echo "kblint: the release has a checksum but no $ARCHIVE at $BASE_URL" >&2
  exit 1
elif [ "$status" -ne 0 ]; then
  exit 1
fi

# The checksum file is `sha256sum` output: the digest, two spaces, the file name.
expected=$(awk 'NR == 1 { print tolower($1) }' "$WORK/$ARCHIVE.sha256")
if ! [[ $expected =~ ^[0-9a-f]{64}$ ]]; then
  echo "kblint: $ARCHIVE.sha256 holds no SHA-256 digest" >&2
  exit 1
fi
if command -v sha256sum >/dev/null; then
  actual=$(sha256sum "$WORK/$ARCHIVE" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$WORK/$ARCHIVE" | cut -d' ' -f1)
fi
if [ "$actual" != "$expected" ]; then
  echo "kblint: checksum mismatch for $ARCHIVE: expected $expected, got $actual; not installing it" >&2
  exit 1
fi

mkdir -p "$WORK/unpacked" "$DEST"
if [ "$ext" = zip ] && command -v unzip >/dev/null; then
  unzip -q "$WORK/$ARCHIVE" -d "$WORK/unpacked"
elif [ "$ext" = zip ]; then
  # Windows' own tar (bsdtar) reads zip archives; Git Bash may lack unzip.
  tar -xf "$WORK/$ARCHIVE" -C "$WORK/unpacked"
else
  tar -xzf "$WORK/$ARCHIVE" -C "$WORK/unpacked"
fi
if [ ! -f "$WORK/unpacked/$NAME/$exe" ]; then
  echo "kblint: $ARCHIVE has no $NAME/$exe" >&2
  exit 1
fi
install -m 755 "$WORK/unpacked/$NAME/$exe" "$DEST/$exe"
echo "kblint: installed $ARCHIVE (sha256 $actual) to $DEST/$exe"
