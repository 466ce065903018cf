#!/usr/bin/env bash
# Benchmarks of `beambert pretraining-data` in distributed mode, as a user runs it (bin/beambert, JVM
# start included, the launcher's default JVM options), with the reference's defaults.
# Usage: benchmarks/scripts/distributed-bench.sh [SIZES_MB...]   (default: 50 200)
#   RUNS=n (default 3) repeats the default configuration; CONFIGS="direct direct-p1 flink-p2 flink-p1"
#   picks configurations (default: all four, the last three once).
# Needs: mvn -o -B -q -pl benchmarks -am package -DskipTests (for MakeCorpus)
set -euo pipefail
cd "$(dirname "$0")/../.."
CP="$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
VOCAB=${VOCAB:-../shared/golden/vocab-bert-base-uncased.txt}
TMP=${TMP:-/tmp/beambert-bench}
RUNS=${RUNS:-3}
CONFIGS=${CONFIGS:-direct direct-p1 flink-p2 flink-p1}
mkdir -p "$TMP"
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(50 200)
for mb in "${SIZES[@]}"; do
  corpus="$TMP/corpus-${mb}mb.txt"
  [ -f "$corpus" ] || java -cp "$CP" io.beambert.bench.MakeCorpus --out="$corpus" --megabytes="$mb" \
      --source=../shared/golden/sample_text.txt --source=data/sample/sample-corpus.txt
done
bin/beambert --help >/dev/null # builds the jar and the class-data archive if needed, untimed
run() { # NAME MB ARGS...
  local name=$1 mb=$2; shift 2
  /usr/bin/time -f "%e %U %M" -o "$TMP/time.txt" bin/beambert pretraining-data \
    --input="$TMP/corpus-${mb}mb.txt" --vocab="$VOCAB" --output="$TMP/out-$name" --overwrite=true \
    "$@" >"$TMP/run.log" 2>&1 || { cat "$TMP/run.log"; exit 1; }
  read -r wall user rss <"$TMP/time.txt"
  python3 - "$name" "$mb" "$wall" "$user" "$rss" "$TMP/out-$name/_metadata.json" <<'PY'
import json, sys
name, mb, wall, user, rss, meta = sys.argv[1:]
counts = json.load(open(meta))["counts"]
print(f"RESULT {name:9s} {float(mb):6.1f} MB  wall {float(wall):6.2f} s  user {float(user):6.1f} s  "
      f"peak RSS {int(rss) / 1024:6.0f} MiB  {float(mb) / float(wall):5.2f} MB/s  "
      f"instances {counts['instances']:,}  shards {counts['shards']}")
PY
}
for mb in "${SIZES[@]}"; do
  echo "== ${mb} MB, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  ran=()
  for c in $CONFIGS; do
    ran+=("$c")
    case $c in
      direct) for i in $(seq 1 "$RUNS"); do run direct "$mb"; done ;;
      direct-p1) run direct-p1 "$mb" --targetParallelism=1 ;;
      flink-p2) run flink-p2 "$mb" --runner=FlinkRunner --flinkMaster=[local] --parallelism=2 ;;
      flink-p1) run flink-p1 "$mb" --runner=FlinkRunner --flinkMaster=[local] --parallelism=1 ;;
    esac
  done
  # The runners must agree byte for byte.
  for other in "${ran[@]}"; do
    [ "$other" != direct ] && [[ " ${ran[*]} " == *" direct "* ]] || continue
    for f in "$TMP"/out-direct/part-*.avro; do
      cmp -s "$f" "$TMP/out-$other/$(basename "$f")" || { echo "DIFFERENT: $other $(basename "$f")"; exit 1; }
    done
    echo "shards of $other identical to direct"
  done
done
