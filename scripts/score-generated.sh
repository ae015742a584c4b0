#!/usr/bin/env bash
# Scores kblint against generated KBs with planted mistakes, using the answer keys written by
# the shared generator (../shared/bench/gen_kb.py) and its scorer (score.py): every planted
# mistake must be found and nothing else reported. Also checks that clean generated KBs give
# no finding at all. Needs python3 and the shared folder beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${KBLINT_BENCH_DIR:-../shared/bench}
kblint=${KBLINT:-target/release/kblint}
[ -x "$kblint" ] || cargo build --locked --release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in 1 2 3; do
  python3 "$bench/gen_kb.py" --out "$tmp/kb$seed" --entries 2000 --errors 0.05 --seed "$seed" >/dev/null
  (cd "$tmp/kb$seed" && "$OLDPWD/$kblint" check --format json >out.json) || [ $? -eq 1 ]
  if ! python3 "$bench/score.py" "$tmp/kb$seed/expected.json" "$tmp/kb$seed/out.json" >"$tmp/score$seed.txt"; then
    cat "$tmp/score$seed.txt"
    echo "seed $seed: kblint missed a planted mistake or raised a false alarm"
    exit 1
  fi
  echo "seed $seed: $(tail -1 "$tmp/score$seed.txt")"
done
python3 "$bench/gen_kb.py" --out "$tmp/clean" --entries 2000 --errors 0 --seed 4 >/dev/null
(cd "$tmp/clean" && "$OLDPWD/$kblint" check --format json >out.json)
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["diagnostics"]))' "$tmp/clean/out.json")
[ "$count" -eq 0 ] || { echo "clean generated KB: $count findings, expected none"; exit 1; }
echo "clean generated KB: no findings"
