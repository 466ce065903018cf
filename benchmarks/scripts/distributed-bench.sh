#!/usr/bin/env bash
# Benchmarks of the distributed pretraining-data generator (see BENCHMARKS.md).
# Usage: benchmarks/scripts/distributed-bench.sh [SIZES_MB...]   (default: 12.5 50 200)
# Needs: mvn -o -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
CP="$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
VOCAB=${VOCAB:-../shared/golden/vocab-bert-base-uncased.txt}
TMP=${TMP:-/tmp/beambert-bench}
mkdir -p "$TMP"
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(12.5 50 200)
for mb in "${SIZES[@]}"; do
  corpus="$TMP/corpus-${mb}mb.txt"
  [ -f "$corpus" ] || java -cp "$CP" io.beambert.bench.MakeCorpus --out="$corpus" --megabytes="$mb" \
      --source=../shared/golden/sample_text.txt --source=data/sample/sample-corpus.txt
done
run() { # NAME MB ARGS...
  local name=$1 mb=$2; shift 2
  echo "== $name, ${mb} MB, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "RESULT $name ${mb}MB wall %e s, peak RSS %M KB, user %U s, sys %S s" \
    java -Xmx1g -cp "$CP" io.beambert.bench.RunDistributed --input="$TMP/corpus-${mb}mb.txt" \
      --vocab="$VOCAB" --output="$TMP/out" --overwrite=true "$@" 2>&1 \
    | grep -E 'RESULT|done in|Exception|Error' || true
  python3 -c "import json;print('counts', json.load(open('$TMP/out/_metadata.json'))['counts'])" || true
}
for mb in "${SIZES[@]}"; do
  run direct "$mb"
  run flink-p2 "$mb" --runner=FlinkRunner --parallelism=2
done
