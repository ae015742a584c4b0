#!/usr/bin/env bash
# Tests the Python wheel as a user without Rust gets it: builds it with maturin, installs it with
# pip into a fresh virtual environment whose PATH has no cargo, rustc or rustup, and runs
# `kblint --version` and `kblint check` on the bundled kb/ from there. Also checks that the
# versions that must agree do: the crate's, the wheel's, and the pre-commit package's
# (pyproject.toml at the top, whose one dependency pins the wheel). Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=$PWD
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The versions agree.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
hook_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -1)
[ "$hook_version" = "$version" ] || fail "pyproject.toml says $hook_version, Cargo.toml $version"
grep -qx "dependencies = \[\"kblint==$version\"\]" pyproject.toml \
  || fail "pyproject.toml must depend on kblint==$version"
echo "ok: Cargo.toml, pyproject.toml and its pin say $version"

# 2. The wheel.
start=$SECONDS
wheel=$(scripts/build-wheel.sh)
echo "built $(basename "$wheel") in $((SECONDS - start)) s"
case $(basename "$wheel") in
  "kblint-$version-py3-none-"*.whl) ;;
  *) fail "the wheel's name does not carry version $version: $wheel" ;;
esac

# 3. A fresh virtual environment, and a PATH on which no Rust tool is found.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 -m venv "$WORK/venv"
PATH="$WORK/venv/bin:/usr/local/bin:/usr/bin:/bin"
export PATH
unset CARGO_HOME RUSTUP_HOME
for tool in cargo rustc rustup; do
  if command -v "$tool" >/dev/null; then fail "$tool is still on PATH: $(command -v "$tool")"; fi
done
start=$SECONDS
pip install --quiet --disable-pip-version-check --no-index --find-links "$(dirname "$wheel")" kblint
echo "ok: pip installed the wheel in $((SECONDS - start)) s, with no Rust on PATH"
[ "$(command -v kblint)" = "$WORK/venv/bin/kblint" ] || fail "kblint on PATH is $(command -v kblint)"

# 4. It runs: the version names the commit built when there is one, and kb/ is linted.
expected="kblint $version"
if commit=$(git -C "$PROJECT" log -1 --format='%h %cs' --abbrev=9 2>/dev/null); then
  expected="$expected ($commit)"
fi
got=$(kblint --version)
[ "$got" = "$expected" ] || fail "kblint --version printed '$got', expected '$expected'"
echo "ok: $got"
kblint check --format short >"$WORK/check.txt" || { cat "$WORK/check.txt"; fail "kblint check on kb/ failed"; }
summary=$(kblint check --format json | python3 -c '
import json, sys
s = json.load(sys.stdin)["summary"]
assert s["entries"] > 0 and s["citations"] > 0, s
print("%d entries, %d citations verified, %d errors" % (s["entries"], s["citations"], s["errors"]))
') || fail "kblint check --format json did not lint kb/"
echo "ok: kblint check on kb/ from the wheel: $summary"
echo "wheel: all checks passed"
