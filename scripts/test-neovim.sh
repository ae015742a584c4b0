#!/usr/bin/env bash
# Runs the Neovim 0.7 set-up of docs/editors.md in the real editor: Debian's `neovim` package
# (0.7 on Debian 12), headless, opens an entry with a misquote in a small KB, and waits for
# `kblint lsp` to publish the `quote-not-found` diagnostic. The Lua is taken from the docs, so
# the docs cannot drift from what works. The session is bounded to a minute.
#
# Neovim is installed with apt-get when it is missing. Without Neovim and without a way to
# install it, the script skips with a message, except in CI (`CI` set), where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  if [ -n "${CI:-}" ]; then
    echo "test-neovim: $1 (CI is set: failing rather than skipping)" >&2
    exit 1
  fi
  echo "test-neovim: skipped: $1"
  exit 0
}

if ! command -v nvim >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    skip "nvim is not installed and apt-get is not available to install it"
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || skip "nvim is not installed, and installing it needs root or sudo"
    sudo="sudo -n"
  fi
  echo "installing Debian's neovim package"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends neovim; } >/dev/null; then
    skip "apt-get could not install neovim"
  fi
fi
nvim --version | head -1

cargo build --locked --release --quiet
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR="$PWD/$TARGET_DIR" ;; esac
BIN_DIR="$TARGET_DIR/release"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
KB="$WORK/kb-root"
mkdir -p "$KB/kb/entries" "$KB/kb/sources"
cat >"$KB/kblint.toml" <<'TOML'
[collections.entries]
include = ["kb/entries/**/*.md"]

[collections.sources]
include = ["kb/sources/**/*.md"]
sources = true
TOML
cat >"$KB/kb/sources/guide.md" <<'MD'
---
id: guide
---
Product owners are more tactical than product managers, who own the vision.
MD
cat >"$KB/kb/entries/po.md" <<'MD'
---
id: po
claims:
  - id: tactical
    text: The role is tactical.
    cites:
      - {source: guide, quote: "Product owners are more strategic than product managers"}
---
MD

# The Lua block of docs/editors.md that starts with the 0.7 comment, as the user's init.lua.
awk '/^```lua$/ { inside = 1; block = ""; next }
     inside && /^```$/ { if (block ~ /^-- kblint language server, Neovim 0\.7/) printf "%s", block; inside = 0; next }
     inside { block = block $0 "\n" }' docs/editors.md >"$WORK/init.lua"
grep -q start_client "$WORK/init.lua" || { echo "test-neovim: no Neovim 0.7 set-up found in docs/editors.md" >&2; exit 1; }

cat >"$WORK/wait.lua" <<'LUA'
-- Waits for kblint's diagnostics on the current buffer and writes them, one per line.
local found = vim.wait(45000, function()
  return #vim.diagnostic.get(0) > 0
end, 100)
local out = io.open(os.getenv("RESULT"), "w")
if found then
  for _, d in ipairs(vim.diagnostic.get(0)) do
    out:write(string.format("%d:%d %s %s\n", d.lnum + 1, d.col + 1, tostring(d.code), d.message))
  end
else
  out:write("no diagnostics after 45 s; clients: " .. #vim.lsp.get_active_clients() .. "\n")
end
out:close()
vim.cmd("qa!")
LUA

export RESULT="$WORK/result.txt"
cd "$KB"
PATH="$BIN_DIR:$PATH" timeout 60 nvim --headless -n -i NONE -u "$WORK/init.lua" \
  kb/entries/po.md -c "luafile $WORK/wait.lua" </dev/null >/dev/null 2>&1 || true
cat "$RESULT" 2>/dev/null || { echo "test-neovim: Neovim wrote no result" >&2; exit 1; }
# shellcheck disable=SC2016 # the backticks are the message's own, not a command
if ! grep -q '^7:32 quote-not-found quote not found in source `guide`' "$RESULT"; then
  echo "test-neovim: the quote-not-found diagnostic did not arrive at 7:32" >&2
  exit 1
fi
echo "test-neovim: ok, kblint's diagnostic arrived in Neovim"
