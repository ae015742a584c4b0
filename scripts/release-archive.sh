#!/usr/bin/env bash
# Packs one release archive, the way the release workflow does for every target:
#
#   scripts/release-archive.sh VERSION TARGET BINARY OUTDIR
#
# writes OUTDIR/kblint-VERSION-TARGET.tar.gz (.zip for Windows targets) holding the folder
# kblint-VERSION-TARGET/ with the binary, README.md, CHANGELOG.md and the licences, and beside it
# kblint-VERSION-TARGET.tar.gz.sha256 (`sha256sum` output). scripts/install-release.sh, the
# action and `cargo binstall` (Cargo.toml's [package.metadata.binstall]) read these names.
# Archives are reproducible: sorted entries, fixed owner and modification time.
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: $0 VERSION TARGET BINARY OUTDIR" >&2
  exit 1
fi
VERSION=$1
TARGET=$2
BINARY=$3
OUTDIR=$4
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME="kblint-$VERSION-$TARGET"
case $TARGET in
  *-windows-*) ext=zip exe=kblint.exe ;;
  *) ext=tar.gz exe=kblint ;;
esac

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/$NAME"
install -m 755 "$BINARY" "$WORK/$NAME/$exe"
for file in README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE; do
  install -m 644 "$ROOT/$file" "$WORK/$NAME/$file"
done
# The commit's time, so that the same commit packs to the same bytes.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
touch -d "@$epoch" "$WORK/$NAME" "$WORK/$NAME"/*

ARCHIVE="$NAME.$ext"
rm -f "$OUTDIR/$ARCHIVE"
if [ "$ext" = zip ]; then
  (cd "$WORK" && find "$NAME" -print | LC_ALL=C sort | TZ=UTC zip -q -X -@ "$OUTDIR/$ARCHIVE")
else
  (cd "$WORK" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$NAME" \
    | gzip -n -9 >"$OUTDIR/$ARCHIVE")
fi
(cd "$OUTDIR" && sha256sum "$ARCHIVE" >"$ARCHIVE.sha256")
echo "$OUTDIR/$ARCHIVE"
