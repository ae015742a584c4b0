#!/usr/bin/env bash
# Installs a released kblint binary: downloads the release's signed checksum list and the archive
# for this platform, checks the signature against the release key pinned in this repository, then
# the archive against the signed list, and unpacks `kblint` into a folder. This is what the GitHub
# Action (action.yml) runs before it considers building from source.
#
#   scripts/install-release.sh BASE_URL VERSION DEST [TARGET]
#
# BASE_URL is the folder of the release's assets (for a GitHub release,
# https://github.com/OWNER/kblint/releases/download/vVERSION), VERSION the version without `v`,
# DEST the folder that receives `kblint` (or `kblint.exe`), TARGET a Rust target triple (by
# default, this machine's). The archive is kblint-VERSION-TARGET.tar.gz (.zip on Windows), as the
# release workflow names them.
#
# What is trusted, and why: the release's SHA256SUMS is signed (SHA256SUMS.sig, `ssh-keygen -Y
# sign`, namespace `kblint-release`) by the release workflow with a key kept in the repository's
# secrets. The public half is `.github/release-signers` in this repository, so the action checks a
# release against the key committed at the action's own tag: whoever can replace the release's
# assets (the archives, their .sha256 files, SHA256SUMS) but not that file cannot make a binary
# that installs. The .sha256 file beside each archive is for people; it is not trusted here.
# KBLINT_RELEASE_SIGNERS names another allowed-signers file (the tests use their own key).
#
# Exit status: 0 installed; 3 no such release or no archive for this target, or no release key
# pinned yet (the caller may build from source instead); 1 anything else, a bad signature or a
# checksum that does not match above all: never fall back on that.
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

SIGNERS=${KBLINT_RELEASE_SIGNERS:-$(cd "$(dirname "$0")/.." && pwd)/.github/release-signers}
if [ ! -f "$SIGNERS" ]; then
  echo "kblint: no release key is pinned ($SIGNERS is missing), so no download can be verified" >&2
  exit 3
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# fetch URL FILE: 0 on success, 3 when the server says there is no such file, 1 otherwise.
# A redirect may only lead to https (GitHub sends release downloads to its storage host).
fetch() {
  local code
  code=$(curl --silent --show-error --location --proto '=https,http' --proto-redir '=https' \
    --retry 3 --output "$2" --write-out '%{http_code}' "$1") || {
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
fetch "$BASE_URL/SHA256SUMS" "$WORK/SHA256SUMS" || status=$?
if [ "$status" -eq 3 ]; then
  echo "kblint: the release has no SHA256SUMS at $BASE_URL" >&2
  exit 3
elif [ "$status" -ne 0 ]; then
  exit 1
fi
status=0
fetch "$BASE_URL/SHA256SUMS.sig" "$WORK/SHA256SUMS.sig" || status=$?
if [ "$status" -ne 0 ]; then
  echo "kblint: the release has no signature of its SHA256SUMS (SHA256SUMS.sig); not installing from it" >&2
  exit 1
fi
if ! ssh-keygen -Y verify -f "$SIGNERS" -I kblint-release -n kblint-release \
  -s "$WORK/SHA256SUMS.sig" <"$WORK/SHA256SUMS" >"$WORK/verify.log" 2>&1; then
  echo "kblint: the signature of SHA256SUMS does not verify against the pinned release key ($SIGNERS): $(tr '\n' ' ' <"$WORK/verify.log")" >&2
  exit 1
fi

# The signed list is `sha256sum` output: the digest, two spaces (or a space and `*`), the name.
expected=$(awk -v name="$ARCHIVE" '{ file = $2; sub(/^\*/, "", file) } file == name { print tolower($1); exit }' "$WORK/SHA256SUMS")
if [ -z "$expected" ]; then
  echo "kblint: the signed SHA256SUMS lists no $ARCHIVE: no release build for $TARGET" >&2
  exit 3
fi
if ! [[ $expected =~ ^[0-9a-f]{64}$ ]]; then
  echo "kblint: the signed SHA256SUMS holds no SHA-256 digest for $ARCHIVE" >&2
  exit 1
fi
status=0
fetch "$BASE_URL/$ARCHIVE" "$WORK/$ARCHIVE" || status=$?
if [ "$status" -ne 0 ]; then
  echo "kblint: the signed SHA256SUMS lists $ARCHIVE, but it could not be downloaded from $BASE_URL" >&2
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
# `install` and `[ -f ]` follow a symbolic link: refuse one rather than copy what it names.
if [ -L "$WORK/unpacked/$NAME/$exe" ] || [ ! -f "$WORK/unpacked/$NAME/$exe" ]; then
  echo "kblint: $ARCHIVE has no regular file $NAME/$exe" >&2
  exit 1
fi
install -m 755 "$WORK/unpacked/$NAME/$exe" "$DEST/$exe"
echo "kblint: installed $ARCHIVE (sha256 $actual, signed SHA256SUMS) to $DEST/$exe"
