#!/usr/bin/env bash
# Tests the action's download step (scripts/install-release.sh) against fake releases served by
# python's http.server on 127.0.0.1, packed by the release workflow's own script
# (scripts/release-archive.sh) from this build's binary:
#   - the right checksum installs a kblint that runs (a .tar.gz, a .zip, and the archive that
#     the installer picks for this machine by itself);
#   - a wrong checksum fails with a clear message, installs nothing, and is not mistaken for a
#     missing release (exit 1, not 3, so the action does not fall back to a source build);
#   - a missing release exits 3, on which the action builds from source.
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

# Three fake releases, each a folder named like a GitHub release's download path.
good="$WORK/site/download/v$version"
bad="$WORK/site/download/v$version-bad"
case $(uname -m) in aarch64 | arm64) arch=aarch64 ;; *) arch=x86_64 ;; esac
for target in x86_64-unknown-linux-gnu x86_64-pc-windows-msvc "$arch-unknown-linux-musl"; do
  scripts/release-archive.sh "$version" "$target" "$BINARY" "$good" >/dev/null
done
scripts/release-archive.sh "$version" x86_64-unknown-linux-gnu "$BINARY" "$bad" >/dev/null
# The wrong checksum: the digest of something else, under the archive's name.
sum=$(printf 'not the archive' | sha256sum | cut -d' ' -f1)
echo "$sum  kblint-$version-x86_64-unknown-linux-gnu.tar.gz" >"$bad/kblint-$version-x86_64-unknown-linux-gnu.tar.gz.sha256"

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

# 2. A wrong checksum fails, clearly, installs nothing, and is not a "no release" (3).
install bad "$BASE/v$version-bad" "$version" "$WORK/bad" x86_64-unknown-linux-gnu
[ "$status" -eq 1 ] || { cat "$WORK/bad.log"; fail "a wrong checksum exited $status, not 1"; }
grep -q "checksum mismatch for kblint-$version-x86_64-unknown-linux-gnu.tar.gz: expected $sum, got " "$WORK/bad.log" \
  || { cat "$WORK/bad.log"; fail "the message does not say which checksum failed"; }
[ ! -e "$WORK/bad/kblint" ] || fail "a kblint was installed despite the wrong checksum"
echo "ok: wrong checksum refused: $(cat "$WORK/bad.log")"

# 3. No such release: exit 3, the action's cue to build from source.
install none "$BASE/v0.0.0" 0.0.0 "$WORK/none" x86_64-unknown-linux-gnu
[ "$status" -eq 3 ] || { cat "$WORK/none.log"; fail "a missing release exited $status, not 3"; }
echo "ok: no release: exit 3: $(cat "$WORK/none.log")"
install target "$BASE/v$version" "$version" "$WORK/target" riscv64gc-unknown-linux-gnu
[ "$status" -eq 3 ] || { cat "$WORK/target.log"; fail "a target without an archive exited $status, not 3"; }
echo "ok: no archive for the target: exit 3"

# 4. The same commit packs to the same bytes.
scripts/release-archive.sh "$version" x86_64-unknown-linux-gnu "$BINARY" "$WORK/again" >/dev/null
cmp -s "$good/kblint-$version-x86_64-unknown-linux-gnu.tar.gz" "$WORK/again/kblint-$version-x86_64-unknown-linux-gnu.tar.gz" \
  || fail "packing twice gave different archives"
echo "ok: archives are reproducible"
echo "install-release: all checks passed"
