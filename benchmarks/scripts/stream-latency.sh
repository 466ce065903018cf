#!/usr/bin/env bash
# Streaming latency: how long after a window closes its pane is committed, and so how long a
# document waits from its arrival to its shard being committed.
#
#   benchmarks/scripts/stream-latency.sh direct|flink [WINDOW_SECONDS=5] [DOCS_PER_SECOND=20] [ROUNDS=2]
#
# Starts a local Kafka broker (and, for flink, a local Flink cluster of one TaskManager with 2
# slots, checkpoints every second), runs `pretraining-data --streaming` on a new topic, sends the
# sample corpus ROUNDS times at DOCS_PER_SECOND, stops everything and prints, per committed pane,
# the commit time (mtime of its _metadata.json, written just before the folder is renamed into
# place) minus the window's end. Documents arrive through the window, so a document waits that
# delay plus up to WINDOW_SECONDS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runner="${1:?direct or flink}"
window="${2:-5}"
rate="${3:-20}"
rounds="${4:-2}"
work="$(mktemp -d /tmp/beambert-stream-latency.XXXXXX)"
export BEAMBERT_KAFKA_HOME="$work/kafka" BEAMBERT_FLINK_HOME="$work/flink"
kport=29092
fport=28081
client=""
cleanup() {
  [ -n "$client" ] && kill "$client" 2>/dev/null && wait "$client" 2>/dev/null || true
  "$root/runners/kafka/local-kafka.sh" stop >/dev/null 2>&1 || true
  [ "$runner" = flink ] && "$root/runners/flink/local-cluster.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$root/runners/kafka/local-kafka.sh" start --port=$kport --controllerPort=29093
"$root/runners/kafka/local-kafka.sh" topic latency 2 --port=$kport
extra=()
if [ "$runner" = flink ]; then
  "$root/runners/flink/local-cluster.sh" start --port=$fport --rpcPort=26123
  extra=(--runner=FlinkRunner --flinkMaster=127.0.0.1:$fport --parallelism=2 --checkpointingInterval=1000)
fi
java -Xmx1g -jar "$root/pipelines/target/beambert.jar" pretraining-data --streaming \
  --input=kafka://127.0.0.1:$kport/latency --vocab="$root/../shared/golden/vocab-bert-base-uncased.txt" \
  --output="$work/out" --windowSeconds="$window" --windowDocuments=100000 ${extra[@]+"${extra[@]}"} \
  >"$work/client.log" 2>&1 &
client=$!
# Wait until the job reads (DirectRunner: a few seconds; Flink: until the job runs).
sleep 20
for _ in $(seq 1 "$rounds"); do
  "$root/runners/kafka/local-kafka.sh" produce latency "$root/data/sample/sample-corpus.txt" \
    --port=$kport --perSecond="$rate" >/dev/null
done
sleep $((window * 3 + 5))
python3 - "$work/out" <<'PY'
import json, os, sys, datetime, statistics
out = sys.argv[1]
m = json.load(open(os.path.join(out, "_manifest.json")))
delays = []
for w in m["windows"]:
    end = datetime.datetime.fromisoformat(w["end"].replace("Z", "+00:00")).timestamp()
    start = datetime.datetime.fromisoformat(w["start"].replace("Z", "+00:00")).timestamp()
    committed = os.path.getmtime(os.path.join(out, w["folder"], "_metadata.json"))
    delays.append(committed - end)
    print(f'{w["folder"]}  {w["timing"]:8s} {w["documents_used"]:4d} docs  '
          f'commit - window end {committed - end:6.2f} s  commit - window start {committed - start:6.2f} s')
print(f'panes {len(delays)}, documents {m["documents_used"]}; commit after window end: '
      f'min {min(delays):.2f} s, median {statistics.median(delays):.2f} s, max {max(delays):.2f} s')
PY
echo "work folder: $work (client log: $work/client.log)"
