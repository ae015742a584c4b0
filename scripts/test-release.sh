#!/usr/bin/env bash
# A dry run of the release workflow's own logic, as far as it runs off GitHub (the builds for
# seven targets need their runners; a run of the workflow by hand builds them all and publishes
# nothing):
#   - its plan step (scripts/release-plan.sh) accepts this tree with no tag and with the tag of
#     its version, and refuses a tag of another version, naming both;
#   - the targets agree everywhere they are named: the workflow's build matrix, the archives the
#     installer (scripts/install-release.sh) can pick for a runner, and the binstall metadata's
#     zip override in Cargo.toml.
# The packing and the download are tested by scripts/test-install-release.sh. Exits non-zero on
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "FAIL: $*" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)

# 1. The plan.
[ "$(scripts/release-plan.sh 2>/dev/null)" = "version=$version" ] || fail "the plan refused this tree without a tag"
echo "ok: plan (dry run): version=$version"
if out=$(scripts/release-plan.sh v999.0.0 2>&1); then fail "the plan accepted tag v999.0.0"; fi
grep -q "tag v999.0.0 does not match Cargo.toml's version $version" <<<"$out" || fail "unclear refusal: $out"
echo "ok: plan refuses another version's tag: $out"
if grep -q '^repository = "https://' Cargo.toml && grep -q 'namespaces="kblint-release"' .github/release-signers 2>/dev/null; then
  scripts/release-plan.sh "v$version" >/dev/null || fail "the plan refused tag v$version"
  echo "ok: plan accepts tag v$version"
else
  if out=$(scripts/release-plan.sh "v$version" 2>&1); then fail "the plan accepted a tag with no repository URL"; fi
  echo "ok: plan refuses tag v$version until Cargo.toml names its repository and the release key is committed: $out"
fi

# 2. The targets.
VENV=.tools/venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import yaml' 2>/dev/null || "$VENV/bin/pip" install --quiet --disable-pip-version-check pyyaml
"$VENV/bin/python" - <<'PY'
import re, sys, tomllib, yaml

workflow = yaml.safe_load(open(".github/workflows/release.yml"))
built = {row["target"] for row in workflow["jobs"]["build"]["strategy"]["matrix"]["include"]}
wanted = {
    f"{arch}-{os}"
    for arch in ("x86_64", "aarch64")
    for os in ("unknown-linux-gnu", "unknown-linux-musl", "apple-darwin")
} | {"x86_64-pc-windows-msvc"}
problems = []
if built != wanted:
    problems.append(f"release.yml builds {sorted(built)}, expected {sorted(wanted)}")
installer = open("scripts/install-release.sh").read()
for target in ("unknown-linux-musl", "apple-darwin", "x86_64-pc-windows-msvc"):
    if target not in installer:
        problems.append(f"install-release.sh never picks *{target}")
binstall = tomllib.load(open("Cargo.toml", "rb"))["package"]["metadata"]["binstall"]
zips = {t for t, o in binstall.get("overrides", {}).items() if o.get("pkg-fmt") == "zip"}
if zips != {t for t in built if "windows" in t}:
    problems.append(f"binstall zip overrides {sorted(zips)} differ from the Windows targets built")
if "{ name }-{ version }-{ target }" not in binstall["pkg-url"]:
    problems.append("binstall pkg-url does not follow release-archive.sh's names")
for p in problems:
    print("FAIL:", p, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"ok: {len(built)} targets agree in release.yml, install-release.sh and Cargo.toml")
PY
echo "release dry run: all checks passed"
