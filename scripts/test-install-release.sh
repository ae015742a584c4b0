#!/usr/bin/env bash
# Tests the action's download step (scripts/install-release.sh) against fake releases served by
# python's http.server on 127.0.0.1, packed by the release workflow's own script
# (scripts/release-archive.sh) from this build's binary:
#   - a release whose SHA256SUMS is signed (by scripts/sign-release.sh, with a key made for the
#     test and pinned through KBLINT_RELEASE_SIGNERS) installs a kblint that runs (a .tar.gz, a
#     .zip, and the archive that the installer picks for this machine by itself);
#   - an archive that does not match the signed list, a list replaced together with the archive
#     (its signature no longer verifies), a list signed by another key, a list without signature,
#     and an archive whose `kblint` is a symbolic link all fail with a clear message, install
#     nothing, and are not mistaken for a missing release (exit 1, not 3, so the action does not
#     fall back to a source build);
#   - a missing release, a target the signed list does not name, and no pinned key exit 3, on
#     which the action builds from source.
# Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "FAIL: $*" >&2; exit 1; }

BINARY=target/release/kblint
[ -x "$BINARY" ] || cargo build --locked --release --quiet
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
expected=$("$BINARY" --version)

WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The release key, made for this test, and the allowed-signers file that pins it.
ssh-keygen -q -t ed25519 -N '' -C kblint-release -f "$WORK/release-key"
echo "kblint-release namespaces=\"kblint-release\" $(cat "$WORK/release-key.pub")" >"$WORK/signers"
ssh-keygen -q -t ed25519 -N '' -C other -f "$WORK/other-key"
export KBLINT_RELEASE_SIGNERS="$WORK/signers"
# sign DIR [KEY]: SHA256SUMS of the archives in DIR, signed as the release workflow signs it.
sign() {
  (cd "$1" && sha256sum -- *.tar.gz *.zip 2>/dev/null) >"$WORK/sums" || true
  mv "$WORK/sums" "$1/SHA256SUMS"
  if [ -n "${2:-}" ]; then
    rm -f "$1/SHA256SUMS.sig"
    ssh-keygen -q -Y sign -f "$2" -n kblint-release "$1/SHA256SUMS"
  else
    RELEASE_SIGNING_KEY=$(cat "$WORK/release-key") scripts/sign-release.sh "$1/SHA256SUMS" >/dev/null
  fi
}

# Fake releases, each a folder named like a GitHub release's download path.
good="$WORK/site/download/v$version"
bad="$WORK/site/download/v$version-bad"
case $(uname -m) in aarch64 | arm64) arch=aarch64 ;; *) arch=x86_64 ;; esac
for target in x86_64-unknown-linux-gnu x86_64-pc-windows-msvc "$arch-unknown-linux-musl"; do
  scripts/release-archive.sh "$version" "$target" "$BINARY" "$good" >/dev/null
done
sign "$good"
# An archive that is not the one the signed list names.
scripts/release-archive.sh "$version" x86_64-unknown-linux-gnu "$BINARY" "$bad" >/dev/null
sign "$bad"
printf 'not the archive' | gzip >"$bad/kblint-$version-x86_64-unknown-linux-gnu.tar.gz"
sum=$(sha256sum "$good/kblint-$version-x86_64-unknown-linux-gnu.tar.gz" | cut -d' ' -f1)
# Whoever can replace assets replaces the archive, its .sha256 and SHA256SUMS together.
swapped="$WORK/site/download/v$version-swapped"
mkdir -p "$swapped"
cp "$good"/* "$swapped/"
printf 'not the archive' | gzip >"$swapped/kblint-$version-x86_64-unknown-linux-gnu.tar.gz"
(cd "$swapped" && sha256sum -- *.tar.gz *.zip >SHA256SUMS && sha256sum kblint-"$version"-x86_64-unknown-linux-gnu.tar.gz >kblint-"$version"-x86_64-unknown-linux-gnu.tar.gz.sha256)
# Signed with a key that is not the pinned one; and not signed at all.
other="$WORK/site/download/v$version-other"
mkdir -p "$other"
cp "$good"/*.tar.gz "$good"/*.zip "$other/"
sign "$other" "$WORK/other-key"
unsigned="$WORK/site/download/v$version-unsigned"
mkdir -p "$unsigned"
cp "$good"/*.tar.gz "$good"/*.zip "$good/SHA256SUMS" "$unsigned/"
# A correctly signed archive whose `kblint` is a symbolic link to a file outside it.
linked="$WORK/site/download/v$version-link"
mkdir -p "$linked" "$WORK/link/kblint-$version-x86_64-unknown-linux-gnu"
ln -s /bin/sh "$WORK/link/kblint-$version-x86_64-unknown-linux-gnu/kblint"
tar -czf "$linked/kblint-$version-x86_64-unknown-linux-gnu.tar.gz" -C "$WORK/link" "kblint-$version-x86_64-unknown-linux-gnu"
sign "$linked"

# The server: loopback only, on a free port, stopped on exit.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$WORK/site" "$port" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do
  curl --silent --output /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done
BASE="http://127.0.0.1:$port/download"

# install NAME [ARGS...]: runs the installer into $WORK/NAME, keeping its exit status and output.
install() {
  local name=$1
  shift
  status=0
  scripts/install-release.sh "$@" >"$WORK/$name.log" 2>&1 || status=$?
}

# 1. The right checksum installs, for a .tar.gz and a .zip.
install tgz "$BASE/v$version" "$version" "$WORK/tgz" x86_64-unknown-linux-gnu
[ "$status" -eq 0 ] || { cat "$WORK/tgz.log"; fail "the right checksum did not install (exit $status)"; }
[ "$("$WORK/tgz/kblint" --version)" = "$expected" ] || fail "the installed kblint does not run as built"
echo "ok: right checksum, .tar.gz: $(cat "$WORK/tgz.log")"
install zip "$BASE/v$version" "$version" "$WORK/zip" x86_64-pc-windows-msvc
[ "$status" -eq 0 ] || { cat "$WORK/zip.log"; fail "the .zip did not install (exit $status)"; }
cmp -s "$WORK/zip/kblint.exe" "$BINARY" || fail "the .zip did not install the binary packed"
echo "ok: right checksum, .zip: $(cat "$WORK/zip.log")"
# This machine's archive, picked by the installer itself.
if [ "$(uname -s)" = Linux ]; then
  install host "$BASE/v$version/" "$version" "$WORK/host"
  [ "$status" -eq 0 ] || { cat "$WORK/host.log"; fail "the installer did not pick $arch-unknown-linux-musl (exit $status)"; }
  grep -q "kblint-$version-$arch-unknown-linux-musl.tar.gz" "$WORK/host.log" || fail "picked: $(cat "$WORK/host.log")"
  echo "ok: this machine's archive is the musl one: $(cat "$WORK/host.log")"
fi

# 2. What an attacker of the release's assets can do fails, clearly, installs nothing, and is
# not a "no release" (3).
refused() { # NAME RELEASE MESSAGE
  install "$1" "$BASE/$2" "$version" "$WORK/$1" x86_64-unknown-linux-gnu
  [ "$status" -eq 1 ] || { cat "$WORK/$1.log"; fail "$1: exited $status, not 1"; }
  grep -q -- "$3" "$WORK/$1.log" || { cat "$WORK/$1.log"; fail "$1: the message does not say: $3"; }
  [ ! -e "$WORK/$1/kblint" ] || fail "$1: a kblint was installed"
  echo "ok: $1 refused: $(tail -1 "$WORK/$1.log")"
}
refused bad "v$version-bad" "checksum mismatch for kblint-$version-x86_64-unknown-linux-gnu.tar.gz: expected $sum, got "
refused swapped "v$version-swapped" "the signature of SHA256SUMS does not verify against the pinned release key"
refused other "v$version-other" "the signature of SHA256SUMS does not verify against the pinned release key"
refused unsigned "v$version-unsigned" "the release has no signature of its SHA256SUMS"
refused link "v$version-link" "has no regular file kblint-$version-x86_64-unknown-linux-gnu/kblint"

# 3. No such release, or no archive for the target, or no pinned key: exit 3, the action's cue
# to build from source.
install none "$BASE/v0.0.0" 0.0.0 "$WORK/none" x86_64-unknown-linux-gnu
[ "$status" -eq 3 ] || { cat "$WORK/none.log"; fail "a missing release exited $status, not 3"; }
echo "ok: no release: exit 3: $(cat "$WORK/none.log")"
install target "$BASE/v$version" "$version" "$WORK/target" riscv64gc-unknown-linux-gnu
[ "$status" -eq 3 ] || { cat "$WORK/target.log"; fail "a target without an archive exited $status, not 3"; }
echo "ok: no archive for the target: exit 3: $(cat "$WORK/target.log")"
KBLINT_RELEASE_SIGNERS="$WORK/no-such-file" install nokey "$BASE/v$version" "$version" "$WORK/nokey" x86_64-unknown-linux-gnu
[ "$status" -eq 3 ] || { cat "$WORK/nokey.log"; fail "no pinned key exited $status, not 3"; }
[ ! -e "$WORK/nokey/kblint" ] || fail "a kblint was installed with no pinned key"
echo "ok: no pinned key: exit 3: $(cat "$WORK/nokey.log")"

# 4. The same commit packs to the same bytes.
scripts/release-archive.sh "$version" x86_64-unknown-linux-gnu "$BINARY" "$WORK/again" >/dev/null
cmp -s "$good/kblint-$version-x86_64-unknown-linux-gnu.tar.gz" "$WORK/again/kblint-$version-x86_64-unknown-linux-gnu.tar.gz" \
  || fail "packing twice gave different archives"
echo "ok: archives are reproducible"
echo "install-release: all checks passed"
