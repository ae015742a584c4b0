#!/usr/bin/env bash
# kblint's benchmark (issue 6, "Speed and scale"). Not a test, and CI does not run it.
#
#   bench/run.sh                 # 1,000, 10,000 and 100,000 entries
#   BENCH_SIZES="1000 10000" bench/run.sh
#
# What it does, from the repository root:
#   1. builds kblint (release) and the two helper examples (`floor`, `nearest`);
#   2. installs the peers into bench/.tools/ (npm: remark-cli, remark-frontmatter,
#      remark-lint-frontmatter-schema, ajv-cli, ajv-formats, js-yaml; PyPI: check-jsonschema);
#   3. generates KBs with ../shared/bench/gen_kb.py into bench/out/ (reused when present);
#   4. for each size: times `kblint check --format json` (median of BENCH_RUNS runs after a
#      warm-up, with peak RSS), the floor `cat` of every file, the floor of reading and parsing
#      every frontmatter in parallel (examples/floor.rs), and the peers on the same files;
#   5. times `kblint check --staged` on the 1,000-entry KB in a fresh git repository, the
#      contradiction and citation checks on their own, and the nearest-passage search;
#   6. prints every figure and a summary table.
#
# Everything it keeps stays in bench/out/ and bench/.tools/ (both ignored by git); the peers'
# JSON input is written to /dev/shm while they run, and removed.
# Environment: BENCH_SIZES, BENCH_RUNS (default 5), BENCH_SEED (1), BENCH_PEER_CAP (60: a peer
# runs at the next size only if it took less than this many seconds at this one; otherwise its
# time there is extrapolated linearly and marked with `~`), KBLINT_BENCH_DIR (the folder of
# gen_kb.py, default ../shared/bench).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GEN_DIR=${KBLINT_BENCH_DIR:-$ROOT/../shared/bench}
SIZES=${BENCH_SIZES:-"1000 10000 100000"}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-1}
PEER_CAP=${BENCH_PEER_CAP:-60}
OUT=$ROOT/bench/out
TOOLS=$ROOT/bench/.tools
KBLINT=$ROOT/target/release/kblint
FLOOR=$ROOT/target/release/examples/floor
NEAREST=$ROOT/target/release/examples/nearest
TMP=$(mktemp -d)
TMP_SHM=/dev/shm/kblint-bench-$$
trap 'rm -rf "$TMP" "$TMP_SHM"' EXIT

die() { echo "bench: $*" >&2; exit 2; }
say() { printf '%s\n' "$*"; }

# ------------------------------------------------------------------------------------------
# Timing helpers
# ------------------------------------------------------------------------------------------

# once DIR CMD...: runs CMD in DIR (output discarded; a non-zero exit is fine: findings) and
# prints "SECONDS PEAK_RSS_KB".
once() {
  local dir=$1
  shift
  local t0 t1
  t0=$EPOCHREALTIME
  (cd "$dir" && /usr/bin/time -f %M -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/stderr")
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" -v kb="$(tail -n 1 "$TMP/rss")" 'BEGIN { printf "%.4f %d\n", b - a, kb }'
}

# measure N DIR CMD...: one warm-up run, then N runs; prints "MEDIAN_SECONDS MAX_PEAK_RSS_KB".
measure() {
  local n=$1 dir=$2
  shift 2
  once "$dir" "$@" >/dev/null
  local i
  for ((i = 0; i < n; i++)); do once "$dir" "$@"; done |
    sort -n | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END { printf "%.4f %d\n", t[int((NR + 1) / 2)], m }'
}

# measure_peer DIR CMD...: a peer is slow, so no warm-up beyond its first run: the median of
# three runs when one takes under 10 s, else that one run. Prints "SECONDS".
measure_peer() {
  local dir=$1
  shift
  local first
  first=$(once "$dir" "$@" | cut -d' ' -f1)
  if awk -v t="$first" 'BEGIN { exit !(t < 10) }'; then
    { echo "$first"; once "$dir" "$@" | cut -d' ' -f1; once "$dir" "$@" | cut -d' ' -f1; } |
      sort -n | sed -n 2p
  else
    echo "$first"
  fi
}

div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "n/a" }'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# ------------------------------------------------------------------------------------------
# Build and install
# ------------------------------------------------------------------------------------------

say "== building kblint (release) and the examples floor and nearest"
cargo build --release --locked --quiet || die "cargo build failed"
cargo build --release --locked --quiet --example floor --example nearest || die "cargo build --example failed"
[ -f "$GEN_DIR/gen_kb.py" ] || die "no gen_kb.py in $GEN_DIR (set KBLINT_BENCH_DIR)"

say "== installing the peers into bench/.tools (once)"
mkdir -p "$TOOLS/npm"
NPM_PACKAGES="remark-cli@12.0.1 remark-frontmatter@5.0.0 remark-lint-frontmatter-schema@3.15.4 ajv-cli@5.0.0 ajv-formats@3.0.1 js-yaml@5.5.0"
if [ ! -x "$TOOLS/npm/node_modules/.bin/remark" ] || [ ! -x "$TOOLS/npm/node_modules/.bin/ajv" ] || [ ! -d "$TOOLS/npm/node_modules/js-yaml" ]; then
  (cd "$TOOLS/npm" && { [ -f package.json ] || echo '{"private": true}' >package.json; } &&
    npm install --no-audit --no-fund --silent $NPM_PACKAGES) || say "   npm install failed: the npm peers will be skipped"
fi
if [ ! -x "$TOOLS/venv/bin/check-jsonschema" ]; then
  (python3 -m venv "$TOOLS/venv" && "$TOOLS/venv/bin/pip" install --quiet check-jsonschema==0.39.0) ||
    say "   pip install failed: check-jsonschema will be skipped"
fi
REMARK=$TOOLS/npm/node_modules/.bin/remark
AJV=$TOOLS/npm/node_modules/.bin/ajv
CJS=$TOOLS/venv/bin/check-jsonschema
have() { [ -x "$1" ]; }

# ------------------------------------------------------------------------------------------
# The machine
# ------------------------------------------------------------------------------------------

say
say "== machine"
say "   cores (nproc): $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
say "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes wall times noisy)"
say "   kblint $("$KBLINT" --version 2>/dev/null | awk '{ print $2 }'), rustc $(rustc --version | awk '{ print $2 }'), node $(node --version 2>/dev/null), $(python3 --version 2>&1)"
have "$REMARK" && say "   peers: remark-cli $("$REMARK" --version 2>/dev/null | head -n 1 | awk '{ print $NF }'), remark-lint-frontmatter-schema $(node -p "require('$TOOLS/npm/node_modules/remark-lint-frontmatter-schema/package.json').version" 2>/dev/null), ajv-cli $(node -p "require('$TOOLS/npm/node_modules/ajv-cli/package.json').version" 2>/dev/null), check-jsonschema $("$CJS" --version 2>/dev/null | awk '{ print $NF }')"
say
say "Note: the peers do less than kblint. They only validate frontmatter against the JSON"
say "Schemas: no citations (quotes are never checked against their sources), no contradictions,"
say "no references, ids or vocabulary. ajv-cli and check-jsonschema get the frontmatter already"
say "extracted to JSON (extraction not included in their time; shown apart); remark reads the"
say "Markdown itself. remark-lint-frontmatter-schema's Ajv knows only draft-07, so it gets copies"
say "of the schemas that declare draft-07 (they use no 2020-12 keyword)."

# ------------------------------------------------------------------------------------------
# Per size
# ------------------------------------------------------------------------------------------

declare -A ROW
prev_remark="" prev_ajv="" prev_cjs="" prev_size=""
for n in $SIZES; do
  kb=$OUT/kb$n
  peer=$OUT/peer-kb$n
  say
  say "== $n entries ($kb)"
  if [ ! -f "$kb/kblint.toml" ]; then
    say "   generating (gen_kb.py --entries $n --errors 0.05 --seed $SEED)"
    rm -rf "$kb"
    python3 "$GEN_DIR/gen_kb.py" --out "$kb" --entries "$n" --errors 0.05 --seed "$SEED" >/dev/null || die "gen_kb.py failed"
  fi
  files=$(cd "$kb" && find kb schema kblint.toml -type f | wc -l)
  bytes=$(cd "$kb" && find kb schema kblint.toml -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
  du_mb=$(du -sm "$kb/kb" | cut -f1)
  say "   $files files, $mb MB of text ($du_mb MB on disk, as du counts blocks)"

  read -r t_kblint rss_kblint < <(measure "$RUNS" "$kb" "$KBLINT" check --format json)
  (cd "$kb" && "$KBLINT" check --format json >"$TMP/out.json" 2>/dev/null)
  summary=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["entries"], s["claims"], s["citations"], s["errors"], s["warnings"])' "$TMP/out.json")
  read -r s_entries s_claims s_citations s_errors s_warnings <<<"$summary"
  rss_mb=$(awk -v k="$rss_kblint" 'BEGIN { printf "%.0f", k / 1024 }')
  say "   kblint check --format json: $t_kblint s (median of $RUNS after a warm-up), peak RSS $rss_mb MB ($(div "$rss_mb" "$mb") x the KB's text); $s_entries entries, $s_claims claims, $s_citations citations, $s_errors errors, $s_warnings warnings"

  read -r t_cat _ < <(measure "$RUNS" "$kb" sh -c 'find kb schema kblint.toml -type f -print0 | xargs -0 cat >/dev/null')
  say "   floor, cat of every file: $t_cat s"
  read -r t_floor _ < <(measure "$RUNS" "$kb" "$FLOOR" "$kb")
  say "   floor, read and parse every frontmatter in parallel (examples/floor.rs): $t_floor s"
  say "   ratio kblint / parse floor: $(div "$t_kblint" "$t_floor"); kblint / cat floor: $(div "$t_kblint" "$t_cat")"

  # The peers' input: schema copies that declare draft-07 (for remark), frontmatter as JSON.
  mkdir -p "$peer/schema"
  for s in "$kb"/schema/*.schema.json; do
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["$schema"]="http://json-schema.org/draft-07/schema#"; json.dump(d, open(sys.argv[2], "w"), indent=2)' "$s" "$peer/schema/$(basename "$s")"
  done
  # The JSON goes to memory (tmpfs) when there is one: written to disk, 100,000 small files
  # take a time that says more about the file system than about the extraction.
  json=$peer
  [ -d /dev/shm ] && [ -w /dev/shm ] && json=$TMP_SHM/peer-kb$n
  t_extract=n/a
  if have "$AJV" || have "$CJS"; then
    rm -rf "$json/json"
    mkdir -p "$json"
    read -r t_extract _ < <(once "$ROOT" env JS_YAML="$TOOLS/npm/node_modules/js-yaml" node bench/extract-frontmatter.mjs "$kb" "$json/json")
    say "   (peer input) frontmatter extracted to JSON with node + js-yaml: $t_extract s for $(find "$json/json" -name '*.json' | wc -l) files, written to $json/json (a file whose frontmatter does not parse has none)"
  fi
  cat >"$TOOLS/npm/remarkrc-kb$n.mjs" <<EOF
import remarkFrontmatter from 'remark-frontmatter';
import remarkLintFrontmatterSchema from 'remark-lint-frontmatter-schema';
export default {
  plugins: [
    remarkFrontmatter,
    [remarkLintFrontmatterSchema, {
      schemas: {
        '../peer-kb$n/schema/entry.schema.json': ['./kb/entries/**/*.md'],
        '../peer-kb$n/schema/source.schema.json': ['./kb/sources/**/*.md'],
      },
    }],
  ],
};
EOF

  # run_peer NAME PREV_TIME DIR CMD...: times a peer, or extrapolates it from the previous size
  # when it took PEER_CAP seconds or more there. Prints "SECONDS" or "~SECONDS".
  run_peer() {
    local name=$1 prev=$2 dir=$3
    shift 3
    if [ -n "$prev" ] && [ -n "$prev_size" ] && awk -v t="${prev#\~}" -v c="$PEER_CAP" 'BEGIN { exit !(t >= c) }'; then
      awk -v t="${prev#\~}" -v a="$n" -v b="$prev_size" 'BEGIN { printf "~%.1f\n", t * a / b }'
    else
      measure_peer "$dir" "$@"
    fi
  }
  t_remark=n/a t_ajv=n/a t_cjs=n/a
  if have "$REMARK"; then
    t_remark=$(run_peer remark "$prev_remark" "$kb" "$REMARK" --rc-path "$TOOLS/npm/remarkrc-kb$n.mjs" --no-stdout --quiet kb)
    say "   remark-cli + remark-frontmatter + remark-lint-frontmatter-schema: $t_remark s$([[ $t_remark == ~* ]] && echo " (extrapolated linearly from $prev_size entries: it took ${prev_remark#\~} s there, over the ${PEER_CAP} s cap)")"
  fi
  if have "$AJV"; then
    t_ajv=$(run_peer ajv "$prev_ajv" "$json" sh -c "'$AJV' validate --spec=draft2020 -c ajv-formats --all-errors --strict=false -s '$kb/schema/entry.schema.json' -d 'json/entries/*.json'; '$AJV' validate --spec=draft2020 -c ajv-formats --all-errors --strict=false -s '$kb/schema/source.schema.json' -d 'json/sources/*.json'")
    say "   ajv-cli (draft 2020-12, formats) on the extracted JSON: $t_ajv s$([[ $t_ajv == ~* ]] && echo " (extrapolated)")"
  fi
  if have "$CJS"; then
    t_cjs=$(run_peer check-jsonschema "$prev_cjs" "$json" sh -c "find json/entries -name '*.json' | sort | xargs '$CJS' --schemafile '$kb/schema/entry.schema.json'; find json/sources -name '*.json' | sort | xargs '$CJS' --schemafile '$kb/schema/source.schema.json'")
    say "   check-jsonschema on the extracted JSON (xargs batches): $t_cjs s$([[ $t_cjs == ~* ]] && echo " (extrapolated)")"
  fi
  for p in remark ajv cjs; do
    v=t_$p
    say "   ratio $p / kblint: $(div "${!v#\~}" "$t_kblint")$([[ ${!v} == ~* ]] && echo " (extrapolated)")"
  done
  if [ "$t_extract" != n/a ]; then
    ajv_all=$(awk -v a="${t_ajv#\~}" -v e="$t_extract" 'BEGIN { printf "%.2f", a + e }')
    cjs_all=$(awk -v a="${t_cjs#\~}" -v e="$t_extract" 'BEGIN { printf "%.2f", a + e }')
    say "   with the extraction counted: ajv-cli $ajv_all s ($(div "$ajv_all" "$t_kblint") x kblint), check-jsonschema $cjs_all s ($(div "$cjs_all" "$t_kblint") x kblint)"
  fi
  prev_remark=$t_remark prev_ajv=$t_ajv prev_cjs=$t_cjs prev_size=$n
  ROW[$n]="$n $mb $t_kblint $t_cat $t_floor $t_remark $t_ajv $t_cjs $rss_mb"
  [ "$json" != "$peer" ] && rm -rf "$json"

  # The analyses on their own (10,000 entries and up): every other rule off.
  if [ "$n" -ge 10000 ]; then
    all_rules=$("$KBLINT" rules | awk '{ print $1 }')
    off_except() { local r; for r in $all_rules; do [[ " $* " == *" $r "* ]] || printf -- '--rule %s=off ' "$r"; done; }
    contradiction_rules="conflicting-values negation-conflict order-cycle stale-dispute"
    citation_rules="quote-not-found misattributed-quote missing-quote unknown-source unused-source source-hash-mismatch"
    read -r t_none _ < <(measure "$RUNS" "$kb" "$KBLINT" check --format json $(off_except))
    read -r t_contra _ < <(measure "$RUNS" "$kb" "$KBLINT" check --format json $(off_except $contradiction_rules))
    say "   every rule off (read, parse, validate, index, report): $t_none s"
    say "   contradiction rules only ($contradiction_rules): $t_contra s, so the contradiction checks add $(sub "$t_contra" "$t_none") s"
    if [ "$n" -eq 10000 ]; then
      citations_off=""
      for r in $citation_rules; do citations_off+="--rule $r=off "; done
      read -r t_nocite _ < <(measure "$RUNS" "$kb" "$KBLINT" check --format json $citations_off)
      added=$(sub "$t_kblint" "$t_nocite")
      say "   citation rules off ($citation_rules): $t_nocite s, so the citation checks add $added s to all rules: $(awk -v c="$s_citations" -v t="$added" 'BEGIN { if (t > 0) printf "%.0f", c / t; else printf "n/a" }') quotes checked per second ($s_citations citations)"
    fi
  fi
done

# ------------------------------------------------------------------------------------------
# The pre-commit case and the nearest passage
# ------------------------------------------------------------------------------------------

say
say "== kblint check --staged on 1,000 entries, end to end (git included)"
kb=$OUT/kb1000
if [ ! -f "$kb/kblint.toml" ]; then
  python3 "$GEN_DIR/gen_kb.py" --out "$kb" --entries 1000 --errors 0.05 --seed "$SEED" >/dev/null || die "gen_kb.py failed"
fi
repo=$TMP/staged
mkdir -p "$repo" && cp -R "$kb/." "$repo/"
(
  cd "$repo" && git init -q && git add -A &&
    git -c user.name=bench -c user.email=bench@example.invalid -c commit.gpgsign=false commit -qm "1,000 entries" &&
    printf '\nOne more paragraph, staged for the commit.\n' >>kb/entries/e-000001.md && git add kb/entries/e-000001.md
) || die "cannot set up the git repository"
read -r t_staged rss_staged < <(measure "$RUNS" "$repo" "$KBLINT" check --staged --format json)
say "   $t_staged s (median of $RUNS after a warm-up; target under 0.2 s), peak RSS $(awk -v k="$rss_staged" 'BEGIN { printf "%.0f", k / 1024 }') MB"

say
say "== nearest passage of a quote that is not found, in a 100 KB source (examples/nearest.rs)"
say "   $("$NEAREST")"

# ------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------

say
say "== summary (seconds; ~ = extrapolated; peers do only the frontmatter-schema part)"
printf '%8s %7s %9s %8s %9s %9s %9s %7s %8s %7s %8s %7s %8s\n' \
  entries MB kblint cat-floor parse-flr kb/parse remark rem/kb ajv-cli ajv/kb chk-jsch chk/kb RSS-MB
for n in $SIZES; do
  read -r e mb tk tc tf tr ta tj rss <<<"${ROW[$n]}"
  printf '%8s %7s %9s %8s %9s %9s %9s %7s %8s %7s %8s %7s %8s\n' \
    "$e" "$mb" "$tk" "$tc" "$tf" "$(div "$tk" "$tf")" "$tr" "$(div "${tr#\~}" "$tk")" "$ta" "$(div "${ta#\~}" "$tk")" "$tj" "$(div "${tj#\~}" "$tk")" "$rss"
done
first="" last=""
for n in $SIZES; do
  [ -z "$first" ] && first=$n
  if [ -n "$last" ]; then
    read -r _ _ ta _ <<<"${ROW[$last]}"
    read -r _ _ tb _ <<<"${ROW[$n]}"
    say "growth $last -> $n entries: time x$(div "$tb" "$ta") for x$(div "$n" "$last") entries"
  fi
  last=$n
done
