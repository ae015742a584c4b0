#!/usr/bin/env bash
# Signs a release's checksum list: writes FILE.sig, an SSH signature (`ssh-keygen -Y sign`,
# namespace `kblint-release`) made with the private key in $RELEASE_SIGNING_KEY (the release
# workflow's secret of that name), then checks it against the public key committed in
# .github/release-signers, so that a release signed with any other key fails here, before it is
# published, and not later in every action that downloads it.
#
#   RELEASE_SIGNING_KEY=... scripts/sign-release.sh FILE
#
# KBLINT_RELEASE_SIGNERS names another allowed-signers file (the tests use their own key).
set -euo pipefail
FILE=${1:?usage: $0 FILE}
SIGNERS=${KBLINT_RELEASE_SIGNERS:-$(cd "$(dirname "$0")/.." && pwd)/.github/release-signers}
if [ -z "${RELEASE_SIGNING_KEY:-}" ]; then
  echo "sign-release: RELEASE_SIGNING_KEY is empty: add the release key to the repository's secrets (docs/releasing.md)" >&2
  exit 1
fi
[ -f "$SIGNERS" ] || { echo "sign-release: $SIGNERS is missing: commit the release key's public half (docs/releasing.md)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
umask 077
printf '%s\n' "$RELEASE_SIGNING_KEY" >"$WORK/key"
rm -f "$FILE.sig"
ssh-keygen -q -Y sign -f "$WORK/key" -n kblint-release "$FILE"
ssh-keygen -Y verify -f "$SIGNERS" -I kblint-release -n kblint-release -s "$FILE.sig" <"$FILE" >/dev/null \
  || { echo "sign-release: the signature does not verify against $SIGNERS: the secret and the committed key differ" >&2; exit 1; }
echo "sign-release: signed $FILE ($FILE.sig), verified against $SIGNERS"
