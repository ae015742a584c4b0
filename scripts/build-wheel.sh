#!/usr/bin/env bash
# Builds the kblint wheel for this machine with maturin (python/pyproject.toml) into
# target/wheels/ and prints its path. maturin drives `cargo build --release` on the same target/
# as the rest of CI, so after a release build only kblint itself is compiled again, if anything.
#
# maturin comes from PyPI into .tools/venv (git-ignored) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

MATURIN_VERSION=1.16.0
VENV=.tools/venv
if ! "$VENV/bin/maturin" --version 2>/dev/null | grep -qx "maturin $MATURIN_VERSION"; then
  echo "installing maturin $MATURIN_VERSION into $VENV" >&2
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION" >&2
fi

OUT=target/wheels
rm -rf "$OUT"
(cd python && "../$VENV/bin/maturin" build --release --locked --out "../$OUT") >&2
wheels=("$OUT"/kblint-*.whl)
[ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ] || { echo "expected one wheel in $OUT" >&2; exit 1; }
echo "$PWD/${wheels[0]}"
