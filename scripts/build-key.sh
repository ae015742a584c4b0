#!/usr/bin/env bash
# Prints a short digest of every input of a build of kblint from source in DIR (default: the
# current folder), for the action's cache key (action.yml): the manifest and lock file, build.rs,
# src/, the vendored crates of `[patch.crates-io]` (vendor/), cargo's own configuration
# (.cargo/), the toolchain files (rust-toolchain, rust-toolchain.toml) and the compiler that
# `rustc -vV` names there. A cached binary is restored only when none of these changed.
#
#   scripts/build-key.sh [DIR]
set -euo pipefail
cd "${1:-.}"
inputs=()
for path in Cargo.toml Cargo.lock build.rs src vendor .cargo rust-toolchain rust-toolchain.toml; do
  if [ -e "$path" ]; then inputs+=("$path"); fi
done
{
  # Names as well as contents: a file moved is a different build.
  find "${inputs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  rustc -vV 2>/dev/null || echo "rustc: not found"
} | sha256sum | cut -c1-16
