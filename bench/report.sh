#!/usr/bin/env bash
# Times `kblint report --html` against `kblint check` on a generated KB (default 10,000 entries,
# 2% of them with a planted mistake), and prints the page's size. Not a test; CI does not run it.
#
#   bench/report.sh                  # 10,000 entries
#   REPORT_ENTRIES=100000 bench/report.sh
#
# The KB is generated with ../shared/bench/gen_kb.py (KBLINT_BENCH_DIR) into bench/out/ and
# reused. Each command runs BENCH_RUNS times (default 5) after a warm-up; the median is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GEN_DIR=${KBLINT_BENCH_DIR:-$ROOT/../shared/bench}
ENTRIES=${REPORT_ENTRIES:-10000}
RUNS=${BENCH_RUNS:-5}
KB=$ROOT/bench/out/report-$ENTRIES
KBLINT=$ROOT/target/release/kblint
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cargo build --locked --release --quiet
if [ ! -f "$KB/kblint.toml" ]; then
  python3 "$GEN_DIR/gen_kb.py" --out "$KB" --entries "$ENTRIES" --errors 0.02 --seed 7 >/dev/null
fi

# median DIR CMD...: the median wall time of CMD in DIR, in seconds.
median() {
  local dir=$1
  shift
  (cd "$dir" && "$@" >/dev/null 2>&1) || true
  for _ in $(seq "$RUNS"); do
    local t0=$EPOCHREALTIME
    (cd "$dir" && "$@" >/dev/null 2>&1) || true
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
  done | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

check=$(median "$KB" "$KBLINT" check --quiet --format json)
report=$(median "$KB" "$KBLINT" report --html "$TMP/report.html")
all=$(median "$KB" "$KBLINT" report --max-rows 0 --html "$TMP/all.html")
size=$(wc -c <"$TMP/report.html")
size_all=$(wc -c <"$TMP/all.html")
echo "entries: $ENTRIES (median of $RUNS runs)"
echo "kblint check --format json:        $check s"
echo "kblint report --html:              $report s, $size bytes"
echo "kblint report --html --max-rows 0: $all s, $size_all bytes"
awk -v c="$check" -v r="$report" -v a="$all" \
  'BEGIN { printf "the page itself (report - check):  %.3f s (%.3f s with every row)\n", r - c, a - c }'
