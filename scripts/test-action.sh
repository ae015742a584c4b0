#!/usr/bin/env bash
# Tests the composite action's own logic (action.yml) off GitHub:
#   - its cache key for a source build (scripts/build-key.sh) changes with every input of the
#     build (src/, the vendored crates of [patch.crates-io], .cargo/config.toml, the toolchain
#     file, the lock file) and not with anything else (the README);
#   - its `changed-since` input is a revision, never a git option: the "Run kblint" step, taken
#     out of action.yml and run in a temporary repository, refuses a value that starts with `-`
#     (exit 2, nothing run), and passes a real commit to `kblint check --changed-since`.
# Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
fail() { echo "FAIL: $*" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 1. The cache key. Without rustc on PATH, so that the key depends on the files alone here.
tree="$WORK/tree"
mkdir -p "$tree/src" "$tree/vendor/saphyr-parser/src"
echo '[package]' >"$tree/Cargo.toml"
echo '# lock' >"$tree/Cargo.lock"
echo 'fn main() {}' >"$tree/build.rs"
echo 'fn main() {}' >"$tree/src/main.rs"
echo '// parser' >"$tree/vendor/saphyr-parser/src/lib.rs"
echo 'readme' >"$tree/README.md"
key() { env PATH=/usr/bin:/bin "$ROOT/scripts/build-key.sh" "$tree"; }
before=$(key)
[[ $before =~ ^[0-9a-f]{16}$ ]] || fail "the key is not 16 hex digits: $before"
echo 'more' >>"$tree/README.md"
[ "$(key)" = "$before" ] || fail "the key changed with the README"
changes() { # DESCRIPTION: the key must differ from the last one
  local now
  now=$(key)
  [ "$now" != "$before" ] || fail "the key did not change when $1"
  echo "ok: the key changes when $1"
  before=$now
}
echo '// patched' >>"$tree/vendor/saphyr-parser/src/lib.rs"
changes "a vendored crate changes"
mkdir -p "$tree/.cargo" && echo '[build]' >"$tree/.cargo/config.toml"
changes ".cargo/config.toml appears"
echo '[toolchain]' >"$tree/rust-toolchain.toml"
changes "rust-toolchain.toml appears"
echo '# lock 2' >"$tree/Cargo.lock"
changes "Cargo.lock changes"
mv "$tree/src/main.rs" "$tree/src/lib.rs"
changes "a source file is renamed"

# 2. The `changed-since` input.
VENV=.tools/venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import yaml' 2>/dev/null || "$VENV/bin/pip" install --quiet --disable-pip-version-check pyyaml
"$VENV/bin/python" - action.yml "$WORK/run-step.sh" <<'PY'
import pathlib, sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["runs"]["steps"]
(run,) = [s["run"] for s in steps if s.get("name") == "Run kblint"]
pathlib.Path(sys.argv[2]).write_text(run)
PY
repo="$WORK/repo"
mkdir -p "$repo" "$WORK/bin"
git -C "$repo" init --quiet
git -C "$repo" -c user.name=t -c user.email=t@example.com commit --quiet --allow-empty -m first
base=$(git -C "$repo" rev-parse HEAD)
# A kblint that records its arguments.
printf '#!/bin/sh\necho "$@" >"%s/kblint-args"\n' "$WORK" >"$WORK/bin/kblint"
chmod +x "$WORK/bin/kblint"
step() { # BASE: runs the step with that changed-since value; sets $status and $out
  status=0
  rm -f "$WORK/kblint-args"
  out=$(cd "$repo" && env HOME="$WORK" PATH="$WORK/bin:$PATH" KBLINT_ARGS="" KBLINT_BASE="$1" bash -e "$WORK/run-step.sh" 2>&1) || status=$?
}
# shellcheck disable=SC2016 # the last value must reach the step unexpanded
for evil in "--upload-pack=touch $WORK/pwned" "-c" "--output=$WORK/pwned" "HEAD;touch $WORK/pwned" 'HEAD $(touch pwned)'; do
  step "$evil"
  [ "$status" -eq 2 ] || { echo "$out"; fail "changed-since '$evil' exited $status, not 2"; }
  [ ! -e "$WORK/kblint-args" ] || fail "changed-since '$evil' ran kblint"
  [ ! -e "$WORK/pwned" ] && [ ! -e "$repo/pwned" ] || fail "changed-since '$evil' ran a command"
  grep -q "changed-since is not a revision" <<<"$out" || fail "changed-since '$evil': unclear refusal: $out"
  echo "ok: changed-since '$evil' refused"
done
step "$base"
[ "$status" -eq 0 ] || { echo "$out"; fail "a real commit exited $status"; }
grep -q -- "--changed-since $base" "$WORK/kblint-args" || fail "kblint was not given the commit: $(cat "$WORK/kblint-args")"
echo "ok: a real commit reaches kblint check --changed-since"
step "HEAD~0"
[ "$status" -eq 0 ] || { echo "$out"; fail "HEAD~0 exited $status"; }
echo "ok: a revision expression is accepted"
echo "action: all checks passed"
