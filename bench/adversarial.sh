#!/usr/bin/env bash
# Adversarial inputs (issue 17): each KB is generated at a size and at twice that size, and
# `kblint check` is timed on both (best of BENCH_RUNS runs). A cost linear in the input shows a
# ratio near 2 (n log n a little more); a quadratic one, near 4. Not a test: CI does not run it.
#
#   bench/adversarial.sh                     # every input at its default size
#   bench/adversarial.sh conflicts ring      # some of them
#   BENCH_SCALE=4 bench/adversarial.sh       # every size times 4
#
# The KBs are written to bench/out/adversarial/ (ignored by git) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-3}
SCALE=${BENCH_SCALE:-1}
OUT=bench/out/adversarial
cargo build --release --locked --quiet
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/kblint

# kind and its base size
declare -A BASE=(
  [conflicts]=5000
  [negations]=5000
  [ring]=10000
  [disputes]=250000
  [vocabulary]=100000
  [nearest]=4000000
  [quotes]=250
  [periodic]=1000000
  [baseline]=10000
  [suppressions]=10000
)
KINDS=("$@")
[ ${#KINDS[@]} -eq 0 ] && KINDS=(conflicts negations ring disputes vocabulary nearest quotes periodic baseline suppressions)

best_of() { # dir -> best wall time in seconds
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    (cd "$1" && "$BIN" check --format short >/dev/null 2>&1) || true
    t1=$(date +%s.%N)
    best=$(python3 -c "t=$t1-$t0; b='$best'; print(f'{min(t, float(b)) if b else t:.3f}')")
  done
  echo "$best"
}

printf '%-12s %10s %9s %10s %9s %6s\n' input size seconds 2×size seconds ratio
for kind in "${KINDS[@]}"; do
  n=$(( ${BASE[$kind]} * SCALE ))
  times=()
  for size in "$n" $(( 2 * n )); do
    dir=$OUT/$kind-$size
    if [ ! -f "$dir/kblint.toml" ]; then
      rm -rf "$dir"
      KBLINT_DIR=$(dirname "$BIN") python3 bench/adversarial.py "$kind" "$size" "$dir"
    fi
    times+=("$(best_of "$dir")")
  done
  ratio=$(python3 -c "print(f'{${times[1]} / max(${times[0]}, 0.001):.2f}')")
  printf '%-12s %10s %9s %10s %9s %6s\n' "$kind" "$n" "${times[0]}" $(( 2 * n )) "${times[1]}" "$ratio"
done
