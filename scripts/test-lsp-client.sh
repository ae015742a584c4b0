#!/usr/bin/env bash
# Drives `kblint lsp` with pytest-lsp (PyPI), a language client written outside the project:
# open an entry with a misquote, read the diagnostic and its UTF-16 range, ask for code actions
# and a hover, correct the quote, and go to the cited source. Installs pytest-lsp into a venv
# under .tools/ (git-ignored) on first use; the session itself is bounded to two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTEST_LSP_VERSION=1.0.1
VENV=.tools/lsp-client
installed=$("$VENV/bin/pip" show pytest-lsp 2>/dev/null || true)
if [ ! -x "$VENV/bin/pytest" ] || ! grep -qx "Version: $PYTEST_LSP_VERSION" <<<"$installed"; then
  echo "installing pytest-lsp $PYTEST_LSP_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "pytest-lsp==$PYTEST_LSP_VERSION"
fi

cargo build --locked --release --quiet
export KBLINT="$PWD/${CARGO_TARGET_DIR:-target}/release/kblint"

KB_ROOT=$(mktemp -d)
trap 'rm -rf "$KB_ROOT"' EXIT
export KB_ROOT
mkdir -p "$KB_ROOT/kb/entries" "$KB_ROOT/kb/sources"
cat >"$KB_ROOT/kblint.toml" <<'TOML'
[collections.entries]
include = ["kb/entries/**/*.md"]

[collections.sources]
include = ["kb/sources/**/*.md"]
sources = true
TOML
cat >"$KB_ROOT/kb/sources/guide.md" <<'MD'
---
id: guide
---
Product owners are more tactical 😀 than product managers, who own the vision.
MD
cat >"$KB_ROOT/kb/entries/po.md" <<'MD'
---
id: po
claims:
  - id: tactical
    text: The role is tactical.
    cites:
      - {source: guide, quote: "Product owners are more tactical 😀 than product managerz"}
---
MD

timeout 120 "$VENV/bin/pytest" -q -p no:cacheprovider -o asyncio_mode=auto -o asyncio_default_fixture_loop_scope=function scripts/lsp-client/test_kblint_lsp.py
