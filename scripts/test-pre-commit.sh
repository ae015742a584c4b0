#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with the real pre-commit framework (PyPI `pre-commit`): in a
# temporary git repository with a small KB, a commit that adds a fabricated quote must be
# rejected with the finding shown, and a good commit must pass. Exits non-zero on failure.
#
#   scripts/test-pre-commit.sh [kblint|kblint-source]
#
# The hook is installed the way users install it: `repo:` names a git repository holding this
# project and `rev:` a commit of it. This project's work tree is not committed yet when the script
# runs during development, so the script commits a copy of it (tracked and untracked files, less
# what git ignores) into a temporary repository and points `repo:` there.
#
# - `kblint` (the default, what CI runs): the `language: python` hook. pre-commit pip-installs the
#   repository's pyproject.toml, whose one dependency is the kblint wheel; the wheel is built here
#   (scripts/build-wheel.sh) and handed to pip from a local folder through PIP_FIND_LINKS, and
#   cargo, rustc and rustup are taken off PATH, so the install cannot compile anything. Its time
#   is printed: seconds.
# - `kblint-source`: the `language: rust` hook; pre-commit builds kblint with `cargo install`, a
#   release build of a few minutes on 2 cores (set KBLINT_PRE_COMMIT_TARGET to a folder to keep
#   its target dir between runs). Not run by CI, for its time; run it by hand to compare.
#
# pre-commit is installed into a virtualenv under .tools/ (git-ignored) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=$PWD
HOOK=${1:-kblint}
case $HOOK in kblint | kblint-source) ;; *) echo "usage: $0 [kblint|kblint-source]" >&2; exit 1 ;; esac
if [ "$HOOK" = kblint ]; then
  WHEEL=$(scripts/build-wheel.sh)
  WHEELS=$(dirname "$WHEEL")
fi

PRE_COMMIT_VERSION=4.7.0
VENV=.tools/venv
if ! "$VENV/bin/pre-commit" --version 2>/dev/null | grep -qx "pre-commit $PRE_COMMIT_VERSION"; then
  echo "installing pre-commit $PRE_COMMIT_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION"
fi
PRE_COMMIT="$PROJECT/$VENV/bin/pre-commit"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# git as on a fresh machine: no user or system config, a fixed identity.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="kblint test" GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME="kblint test" GIT_COMMITTER_EMAIL=test@example.com
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
# pre-commit's cache of hook environments, private to this run.
export PRE_COMMIT_HOME="$WORK/pre-commit-cache"
export CARGO_TARGET_DIR="${KBLINT_PRE_COMMIT_TARGET:-$WORK/cargo-target}"
if [ "$HOOK" = kblint ]; then
  # The wheel from the local folder; no Rust tool anywhere on PATH.
  export PIP_FIND_LINKS="$WHEELS"
  PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '\.cargo' -e 'rustup' | paste -sd: -)
  export PATH
  unset CARGO_HOME RUSTUP_HOME
  for tool in cargo rustc rustup; do
    if command -v "$tool" >/dev/null; then echo "FAIL: $tool is still on PATH: $(command -v "$tool")" >&2; exit 1; fi
  done
fi

# 1. This project, committed into a scratch repository that `repo:` can name.
SRC="$WORK/kblint-src"
mkdir "$SRC"
git -C "$PROJECT" ls-files -z --cached --others --exclude-standard \
  | (cd "$PROJECT" && xargs -0 cp --parents --no-dereference -t "$SRC" 2>/dev/null || true)
test -f "$SRC/.pre-commit-hooks.yaml" && test -f "$SRC/Cargo.toml"
git -C "$SRC" init --quiet --initial-branch=main
git -C "$SRC" add --all
git -C "$SRC" commit --quiet -m "kblint under test"
REV=$(git -C "$SRC" rev-parse HEAD)

# 2. A KB in a repository that uses the hook.
KB="$WORK/kb-repo"
mkdir -p "$KB/kb/entries" "$KB/kb/sources"
cd "$KB"
git init --quiet --initial-branch=main
cat >kblint.toml <<'TOML'
[collections.entries]
include = ["kb/entries/**/*.md"]

[collections.sources]
include = ["kb/sources/**/*.md"]
sources = true
TOML
body='The product owner maximises the value of the product.'
digest=$(printf '%s\n' "$body" | sha256sum | cut -d' ' -f1)
printf -- '---\nid: guide\nsha256: %s\n---\n%s\n' "$digest" "$body" >kb/sources/guide.md
entry() { # entry ID QUOTE
  printf -- '---\nid: %s\nclaims:\n  - id: value\n    text: The product owner is accountable for value.\n    cites:\n      - source: guide\n        quote: "%s"\n---\n' "$1" "$2"
}
entry po "The product owner maximises the value" >kb/entries/po.md
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $SRC
    rev: $REV
    hooks:
      - id: $HOOK
YAML
"$PRE_COMMIT" install
if [ "$HOOK" = kblint ]; then
  echo "installing the hook's environment (pip: the kblint wheel, no compiler)"
else
  echo "building the hook's environment (cargo install of kblint)"
fi
start=$(date +%s.%N)
"$PRE_COMMIT" install-hooks
echo "$HOOK hook: first install in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"
if [ "$HOOK" = kblint ]; then
  # The kblint in the hook's environment is the wheel built here, not another from an index.
  installed=$(find "$PRE_COMMIT_HOME" -path '*/py_env-*/bin/kblint' | head -1)
  [ -n "$installed" ] || { echo "FAIL: no kblint in the hook's environment" >&2; exit 1; }
  cmp -s "$installed" <(unzip -p "$WHEEL" "kblint-*.data/scripts/kblint") \
    || { echo "FAIL: the hook's kblint is not the wheel's" >&2; exit 1; }
  echo "ok: the hook runs $("$installed" --version), from $(basename "$WHEEL")"
fi

fail() { echo "FAIL: $*" >&2; exit 1; }

# 3. A good commit passes.
git add --all
git commit --quiet -m "a clean KB" >"$WORK/good.log" 2>&1 || { cat "$WORK/good.log"; fail "a good commit was rejected"; }
grep -q "kblint" "$WORK/good.log" || { cat "$WORK/good.log"; fail "the hook did not run"; }
echo "ok: a good commit passes"

# 4. A fabricated quote is rejected, with the finding shown.
entry pm "The product owner writes every story alone" >kb/entries/pm.md
git add kb/entries/pm.md
if git commit --quiet -m "a fabricated quote" >"$WORK/bad.log" 2>&1; then
  cat "$WORK/bad.log"
  fail "a commit with a fabricated quote went through"
fi
if ! grep -q "quote-not-found" "$WORK/bad.log" || ! grep -q "kb/entries/pm.md" "$WORK/bad.log"; then
  cat "$WORK/bad.log"
  fail "the rejection does not show the finding"
fi
[ "$(git rev-list --count HEAD)" -eq 1 ] || fail "something was committed"
echo "ok: a fabricated quote is rejected:"
sed 's/^/    /' "$WORK/bad.log"

# 5. Staged content is what counts: fixing the quote only in the work tree is not enough...
entry pm "The product owner maximises the value of the product" >kb/entries/pm.md
git commit --quiet -m "fixed, but not staged" >"$WORK/unstaged.log" 2>&1 \
  && fail "a commit whose staged quote is fabricated went through"
# ... and staging the fix lets the commit through.
git add kb/entries/pm.md
git commit --quiet -m "a real quote" >"$WORK/fixed.log" 2>&1 || { cat "$WORK/fixed.log"; fail "the fixed commit was rejected"; }
[ "$(git rev-list --count HEAD)" -eq 2 ] || fail "the fixed commit is missing"
echo "ok: once the real quote is staged, the commit passes"
echo "pre-commit: all checks passed"
