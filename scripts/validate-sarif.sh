#!/usr/bin/env bash
# Validates kblint's `--format sarif` output with the official SARIF validator, the npm package
# @microsoft/sarif-multitool, running both its SARIF 2.1.0 rules and its GitHub code-scanning
# rules (`--rule-kind "Gh;Sarif"`). Exits non-zero on any validation error (warnings are shown).
#
# The inputs are kblint's reports on every fixture KB under tests/fixtures (one per rule case:
# most kinds of finding, related locations included), on the bundled kb/, and on a KB made here
# whose file names need percent-encoding in a URI.
#
# The validator is installed into .tools/ (git-ignored) on first use; later runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

MULTITOOL_VERSION=5.7.0
TOOLS=.tools/sarif-multitool
PACKAGE="$TOOLS/node_modules/@microsoft/sarif-multitool"

if [ ! -f "$PACKAGE/package.json" ] || ! grep -q "\"version\": \"$MULTITOOL_VERSION\"" "$PACKAGE/package.json"; then
  echo "installing @microsoft/sarif-multitool@$MULTITOOL_VERSION into $TOOLS"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$MULTITOOL_VERSION"
fi
# The package resolves to its platform's native binary. npm does not run the package's own
# `chmod u+x` install script unless allowed to, so make it executable here. The binary is run
# directly: the package's npx wrapper passes arguments through a shell, which splits `Gh;Sarif`.
MULTITOOL=$(node -p 'require(process.argv[1])' "$PWD/$PACKAGE")
chmod u+x "$MULTITOOL"

cargo build --locked --release --quiet
KBLINT="$PWD/${CARGO_TARGET_DIR:-target}/release/kblint"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/sarif"

# kblint --format sarif in KB folder $1, saved as $2.sarif; a usage error (exit 2) has no report.
report() {
  local status=0
  (cd "$1" && "$KBLINT" check --quiet --format sarif >"$WORK/sarif/$2.sarif" 2>"$WORK/stderr") || status=$?
  case $status in
    0 | 1) ;;
    2) rm "$WORK/sarif/$2.sarif" ;; # a fixture of a configuration error
    *) echo "kblint exited $status in $1:" >&2; cat "$WORK/stderr" >&2; exit 1 ;;
  esac
}

while IFS= read -r config; do
  dir=$(dirname "$config")
  name=$(echo "${dir#tests/fixtures/}" | tr '/' '_')
  report "$dir" "fixture_$name"
done < <(find tests/fixtures -name kblint.toml 2>/dev/null | sort)
report . bundled-kb

# A KB whose paths hold a space, a colon, `#`, `%` and non-ASCII, with a fabricated quote, a
# near miss (related locations) and a source whose sha256 is wrong.
odd="$WORK/odd-kb"
mkdir -p "$odd/kb/entries" "$odd/kb/sources/é"
printf '[collections.entries]\ninclude = ["kb/entries/**/*.md"]\n\n[collections.sources]\ninclude = ["kb/sources/**/*.md"]\nsources = true\n' >"$odd/kblint.toml"
printf -- '---\nid: guide\nsha256: 0000000000000000000000000000000000000000000000000000000000000000\n---\nThe product owner maximises the value of the product.\n' >"$odd/kb/sources/é/guide #1.md"
printf -- '---\nid: po\nclaims:\n  - id: value\n    text: The PO maximises value.\n    cites:\n      - source: guide\n        quote: "The product owner maximises the price of the product"\n  - id: made-up\n    text: Made up.\n    cites:\n      - source: guide\n        quote: "Nobody said this"\n---\n' >"$odd/kb/entries/a b:c 100%.md"
report "$odd" odd-paths

# Guard against a vacuous pass: the reports must hold results, some with related locations.
node - "$WORK/sarif" <<'JS'
const fs = require("fs"), path = require("path");
const dir = process.argv[2];
let files = 0, results = 0, related = 0;
const rules = new Set();
for (const f of fs.readdirSync(dir)) {
  files++;
  for (const r of JSON.parse(fs.readFileSync(path.join(dir, f))).runs[0].results) {
    results++;
    rules.add(r.ruleId);
    if ((r.relatedLocations || []).length) related++;
  }
}
console.log(`${files} SARIF reports, ${results} results (${related} with related locations), rules: ${[...rules].sort().join(", ")}`);
if (results < 5 || related < 1 || rules.size < 3) {
  console.error("too little to validate: the fixture KBs should give results of several rules, with related locations");
  process.exit(1);
}
JS

status=0
"$MULTITOOL" validate "$WORK"/sarif/*.sarif --rule-kind "Gh;Sarif" --output "$WORK/validation.sarif" >"$WORK/validation.log" 2>&1 || status=$?
# Every error in full; warnings once per kind, with how many reports have them.
grep -E ': error ' "$WORK/validation.log" | sed "s|$WORK/sarif/||" || true
grep -E ': warning ' "$WORK/validation.log" | sed -E 's/^[^ ]+\([0-9,]+\): //' | sort | uniq -c | cut -c1-220 || true
if [ "$status" -ne 0 ] || [ ! -f "$WORK/validation.sarif" ]; then
  cat "$WORK/validation.log" >&2
  echo "sarif-multitool failed (exit $status)" >&2
  exit 1
fi
# The validator exits 0 even when it finds errors: count them in its own SARIF output (a result
# without `level` is a warning).
errors=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1])).runs.flatMap(r => r.results || []).filter(r => r.level === "error").length' "$WORK/validation.sarif")
warnings=$(grep -cE ': warning ' "$WORK/validation.log" || true)
echo "sarif-multitool $MULTITOOL_VERSION: $errors errors, $warnings warnings"
[ "$errors" -eq 0 ]
