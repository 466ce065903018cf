#!/usr/bin/env bash
# Builds a corpus of real English prose (about 7.8 MB) for BERT learning experiments, in the input format
# of `beambert pretraining-data` (one sentence per line, a blank line between documents), split by whole
# documents into OUT_DIR/train.txt and OUT_DIR/heldout.txt (about 8% of documents, chosen by a hash of the
# source file's path, so the two share no document).
# Usage: benchmarks/scripts/prose-corpus.sh OUT_DIR
#
# Source: the Linux kernel's documentation, Debian package linux-doc-6.1, version 6.1.176-1 (Debian 12),
# whose Documentation/**/*.rst.gz (translations/ excluded) give 1,740 documents, 75,073 sentences. Why this
# one: it is the largest body of running English prose in Debian's archive (24 MB of reStructuredText
# written by hundreds of authors: guides, design notes, how-tos), plain reST is cleaner to strip than
# rendered HTML, and one file is one natural document (median 2.5 KB, up to 80 KB). The alternatives are
# smaller or noisier: python3.11-doc is HTML dominated by API signatures and examples, git-doc is mostly
# option lists, the GNU info manuals mix prose with command tables, debian-handbook is about 1.5 MB of
# English among its translations, and bible-kjv-text is Early Modern English.
# ProseCorpus (benchmarks/src/main/java/io/beambert/bench/ProseCorpus.java) strips the markup, splits
# sentences and keeps only those that read like prose; its class comment has the rules.
#
# The pinned version is downloaded when the package lists offer it, otherwise the current candidate (a
# note says so; the corpus then differs a little). PROSE_DEB=/path/to/linux-doc-*.deb uses a package file
# already at hand; PROSE_PACKAGE names another linux-doc-X.Y package. Same package, same bytes.
# Needs: apt-get (with its package lists: `apt-get update` once), dpkg-deb, java, and mvn for the first build.
set -euo pipefail
cd "$(dirname "$0")/../.."
die() { echo "prose-corpus: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: benchmarks/scripts/prose-corpus.sh OUT_DIR"
OUT=$1
PACKAGE=${PROSE_PACKAGE:-linux-doc-6.1}
PINNED=6.1.176-1
for tool in dpkg-deb java; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
TMP=$(mktemp -d "$OUT/.prose-corpus.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# 1. The package file.
if [ -n "${PROSE_DEB:-}" ]; then
  [ -f "$PROSE_DEB" ] || die "PROSE_DEB is not a file: $PROSE_DEB"
  deb=$PROSE_DEB
else
  command -v apt-get >/dev/null || die "apt-get is not available; set PROSE_DEB to a $PACKAGE .deb file"
  chmod 755 "$TMP" # lets apt's unprivileged download user write there
  if ! (cd "$TMP" && apt-get download -q "$PACKAGE=$PINNED") >"$TMP/apt.log" 2>&1; then
    (cd "$TMP" && apt-get download -q "$PACKAGE") >"$TMP/apt.log" 2>&1 ||
      die "cannot download $PACKAGE (run 'apt-get update' first?): $(grep -m1 '^E:' "$TMP/apt.log" || tail -1 "$TMP/apt.log")"
  fi
  deb=$(ls "$TMP"/*.deb)
fi
version=$(dpkg-deb -f "$deb" Version)
name=$(dpkg-deb -f "$deb" Package)
echo "source: $name $version"
[ "$name" = linux-doc-6.1 ] && [ "$version" = "$PINNED" ] ||
  echo "note: this is not the pinned linux-doc-6.1 $PINNED; the corpus will differ from the recorded one"
dpkg-deb -x "$deb" "$TMP/pkg" || die "cannot unpack $deb"
docs="$TMP/pkg/usr/share/doc/$name/Documentation"
[ -d "$docs" ] || die "$deb has no /usr/share/doc/$name/Documentation"

# 2. The converter, built when missing or older than its source.
class=benchmarks/target/classes/io/beambert/bench/ProseCorpus.class
source=benchmarks/src/main/java/io/beambert/bench/ProseCorpus.java
if [ ! -f "$class" ] || [ "$source" -nt "$class" ] || [ ! -f benchmarks/target/classpath.txt ]; then
  command -v mvn >/dev/null || die "mvn is not installed and $class is not built"
  echo "building the benchmarks module"
  mvn -B -q -o -pl benchmarks -am package -DskipTests >"$TMP/mvn.log" 2>&1 ||
    { tail -30 "$TMP/mvn.log" >&2; die "the build failed (log above)"; }
fi

# 3. The corpus.
java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" io.beambert.bench.ProseCorpus \
  --input="$docs" --exclude=translations/ --train="$OUT/train.txt" --heldout="$OUT/heldout.txt" ||
  die "ProseCorpus failed"
for f in train heldout; do
  awk -v f="$OUT/$f.txt" '
    /^$/ { blank++; next } { sentences++ }
    END { printf "%-28s %6.2f MB  %5d documents  %7d sentences  %7d lines\n",
          f, bytes / 1e6, sentences ? blank + 1 : 0, sentences, NR }' bytes="$(wc -c <"$OUT/$f.txt")" \
    "$OUT/$f.txt"
done
