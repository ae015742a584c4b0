#!/usr/bin/env bash
# The cost of a baseline: `kblint check` on a generated KB with about 10,000 findings, without a
# baseline and with one that parks them all. Not a test, and CI does not run it.
#
#   bench/baseline.sh            # 20,000 entries, half of them with a planted mistake
#   BENCH_ENTRIES=4000 bench/baseline.sh
#
# It builds kblint (release), generates the KB with ../shared/bench/gen_kb.py into
# bench/out/baseline-<entries>/ (reused when present), then times `kblint check --format json`
# BENCH_RUNS times (default 7, after a warm-up) without `kblint-baseline.json`, writes the
# baseline with `kblint baseline`, and times the same command again. It prints the medians and
# their ratio. Environment: BENCH_ENTRIES (20000), BENCH_RUNS (7), BENCH_SEED (3),
# KBLINT_BENCH_DIR (the folder of gen_kb.py, default ../shared/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GEN_DIR=${KBLINT_BENCH_DIR:-$ROOT/../shared/bench}
ENTRIES=${BENCH_ENTRIES:-20000}
RUNS=${BENCH_RUNS:-7}
SEED=${BENCH_SEED:-3}
KB=${BENCH_KB:-$ROOT/bench/out/baseline-$ENTRIES}

cargo build --release --locked --quiet
BIN=$ROOT/target/release/kblint
if [ ! -f "$KB/kblint.toml" ]; then
  mkdir -p "$(dirname "$KB")"
  python3 "$GEN_DIR/gen_kb.py" --out "$KB" --entries "$ENTRIES" --errors 0.5 --seed "$SEED"
fi
cd "$KB"
rm -f kblint-baseline.json

median() { # seconds of RUNS runs of `kblint check --format json`, after a warm-up
  "$BIN" check --format json > /dev/null || true
  for _ in $(seq "$RUNS"); do
    python3 - "$BIN" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
subprocess.run([sys.argv[1], "check", "--format", "json"], stdout=subprocess.DEVNULL)
print(f"{time.perf_counter() - t:.4f}")
PY
  done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# kblint exits 1 on errors: the JSON is what counts here.
findings=$({ "$BIN" check --format json || true; } | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["errors"] + s["warnings"])')
without=$(median)
"$BIN" baseline
entries=$(python3 -c 'import json; print(len(json.load(open("kblint-baseline.json"))["findings"]))')
with=$(median)
hidden=$({ "$BIN" check --format json || true; } | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["suppressed"], s["errors"] + s["warnings"])')
echo "entries: $(find kb -name '*.md' | wc -l); findings without a baseline: $findings; baseline entries: $entries"
echo "with the baseline: suppressed, still reported = $hidden"
echo "median of $RUNS runs: without a baseline ${without} s, with it ${with} s"
python3 -c "print(f'ratio: {$with / $without:.3f}')"
