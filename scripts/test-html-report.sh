#!/usr/bin/env bash
# Checks `kblint report --html` in a real headless browser (Debian's chromium-headless-shell,
# driven by the npm package playwright-core, with axe-core for accessibility): the report of
# the bundled kb/ loads with no console error and no network request, shows every dispute that
# `kblint disputes` lists with both sides' quotes, keeps everything reachable with JavaScript
# off, lets no diagram label overflow its box, fits a phone-width screen, and has no serious or
# critical axe violation; a malformed fragment (`#%E0%A4%A`) throws nothing and printing still
# opens every part; the page of 5,000 disputes stays under 8 MB and opens in seconds. Also
# checks that `kblint disputes --format dot` is valid Graphviz.
#
# Installs what it needs: the browser and graphviz with apt (sudo only when not root), the npm
# packages into a scratch folder (never the full `playwright`, which downloads a browser).
# With SCREENSHOT=FILE, also writes a screenshot of the top of the report (docs/report.png).
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_CORE_VERSION=1.65.1
AXE_CORE_VERSION=4.14.1

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

find_browser() {
  for b in /usr/lib/chromium/chromium-headless-shell /usr/bin/chromium-headless-shell \
    /usr/lib/chromium/chromium /usr/bin/chromium; do
    if [ -x "$b" ]; then
      echo "$b"
      return 0
    fi
  done
  return 1
}

if ! find_browser >/dev/null || ! command -v dot >/dev/null; then
  echo "installing chromium-headless-shell and graphviz with apt"
  timeout 300 $sudo apt-get update -qq >/dev/null
  timeout 600 $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium-headless-shell graphviz >/dev/null 2>&1 ||
    timeout 600 $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium graphviz >/dev/null
fi
BROWSER=$(find_browser)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
timeout 300 npm install --prefix "$WORK" --no-audit --no-fund --no-save --loglevel=error \
  "playwright-core@$PLAYWRIGHT_CORE_VERSION" "axe-core@$AXE_CORE_VERSION" >/dev/null

cargo build --locked --release --quiet
KBLINT="$PWD/${CARGO_TARGET_DIR:-target}/release/kblint"

"$KBLINT" report --html "$WORK/report.html"

# A KB of 5,000 entries, each with two claims that contradict and a `disputes` link that
# acknowledges it: 5,000 disputes, whose page must stay small and quick to open.
python3 - "$WORK/big" <<'PY'
import os, sys
out = sys.argv[1]
os.makedirs(f"{out}/kb/entries")
os.makedirs(f"{out}/kb/sources")
with open(f"{out}/kblint.toml", "w") as f:
    f.write('vocabulary = "vocabulary.yaml"\n[collections.entries]\ninclude = ["kb/entries/*.md"]\n'
            '[collections.sources]\ninclude = ["kb/sources/*.md"]\nsources = true\n')
with open(f"{out}/vocabulary.yaml", "w") as f:
    f.write("properties:\n  orientation:\n    kind: single\n    values: [strategic, tactical]\n")
with open(f"{out}/kb/sources/guide.md", "w") as f:
    f.write("---\nid: guide\n---\nProduct owners are more tactical. Product managers are more strategic.\n")
for i in range(5000):
    with open(f"{out}/kb/entries/e{i}.md", "w") as f:
        f.write(f"""---
id: e{i}
claims:
  - id: tactical
    text: Role {i} is tactical.
    property: orientation
    value: tactical
    cites: [{{source: guide, quote: "Product owners are more tactical"}}]
  - id: strategic
    text: Role {i} is strategic.
    property: orientation
    value: strategic
    cites: [{{source: guide, quote: "Product managers are more strategic"}}]
    disputes: [{{ref: tactical, reason: "The guide gives both."}}]
---
""")
PY
(cd "$WORK/big" && "$KBLINT" report --html "$WORK/big.html")
"$KBLINT" disputes --color never >"$WORK/disputes.txt"
"$KBLINT" disputes --format dot >"$WORK/disputes.dot"
dot -Tsvg "$WORK/disputes.dot" -o "$WORK/disputes.svg"
echo "disputes --format dot: $(grep -c '^  subgraph' "$WORK/disputes.dot") clusters, valid for Graphviz"

timeout 300 node scripts/test-html-report.mjs "$WORK" "$BROWSER" "${SCREENSHOT:-}"
