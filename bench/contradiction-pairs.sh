#!/usr/bin/env bash
# Prints the precision and recall of kblint's contradiction checks on the labelled pairs of
# tests/data/contradiction-pairs/ (one row per kind, with a Wilson 95% interval for the
# precision and every pair the checks get wrong). The same measure runs as a test, which fails
# when a kind that is on by default falls under a precision of 0.9.
#
#   bench/contradiction-pairs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --quiet --test it contradiction_pairs::every_kind_on_by_default_is_precise -- --nocapture 2>&1 |
    sed -n '/^kind /,/^all /p'
