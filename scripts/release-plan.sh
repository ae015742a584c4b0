#!/usr/bin/env bash
# The release workflow's first step: checks that a release of this tree can be made, and prints
# `version=X.Y.Z` (for $GITHUB_OUTPUT).
#
#   scripts/release-plan.sh [TAG]
#
# - the pre-commit package (pyproject.toml) has the crate's version and pins the wheel to it;
# - with a TAG (a pushed tag), it is `v` and the crate's version;
# - with a TAG, Cargo.toml names its `repository`: `cargo binstall` finds the release archives
#   through it ([package.metadata.binstall]); without a TAG (a dry run) that is only a warning.
# - with a TAG, .github/release-signers holds the public key of the release signature: the action
#   installs a release only when its SHA256SUMS verifies against it; without a TAG, a warning.
# Exits 1 with a message naming what to fix.
set -euo pipefail
cd "$(dirname "$0")/.."
TAG=${1:-}
fail() { echo "release-plan: $*" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
[ -n "$version" ] || fail "no version in Cargo.toml"
hook_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -1)
[ "$hook_version" = "$version" ] || fail "pyproject.toml has version $hook_version, Cargo.toml $version: set both"
grep -qx "dependencies = \[\"kblint==$version\"\]" pyproject.toml \
  || fail "pyproject.toml must depend on kblint==$version, the wheel of this release"
if [ -n "$TAG" ] && [ "$TAG" != "v$version" ]; then
  fail "tag $TAG does not match Cargo.toml's version $version (expected v$version)"
fi
if ! grep -q '^repository = "https://' Cargo.toml; then
  message="Cargo.toml has no \`repository\`: \`cargo binstall kblint\` cannot find the release archives (docs/releasing.md)"
  [ -n "$TAG" ] && fail "$message"
  echo "::warning::$message" >&2
fi
if ! grep -q 'namespaces="kblint-release"' .github/release-signers 2>/dev/null; then
  message="no release key in .github/release-signers: the action could not verify the release's SHA256SUMS (docs/releasing.md)"
  [ -n "$TAG" ] && fail "$message"
  echo "::warning::$message" >&2
fi
echo "version=$version"
