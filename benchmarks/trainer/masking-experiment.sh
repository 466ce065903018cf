#!/usr/bin/env bash
# Static against dynamic masking on the same text: the `tiny` model trained for the same number of
# steps (settings of learning-target.sh: bert-base-uncased vocabulary, batch 32, AdamW 1e-3, 100
# warmup steps, constant rate) once on shards made with `pretraining-data`'s default dupe factor of
# 10 and their own masks (--masking=static), once on shards made with --dupeFactor=1 and masked
# anew each time they are fed (--masking=dynamic). Both are evaluated on the same held-out shards.
# Prints the shards' sizes on disk and both held-out accuracy curves, and draws them in one PNG.
#
# Usage: benchmarks/trainer/masking-experiment.sh WORK_DIR [STEPS]
# VOCAB (default ../shared/golden/vocab-bert-base-uncased.txt), EVAL_INSTANCES (2000).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=$1 steps=${2:-800}
vocab="${VOCAB:-$root/../shared/golden/vocab-bert-base-uncased.txt}"
eval_instances="${EVAL_INSTANCES:-2000}"
mkdir -p "$work"

[ -f "$work/corpus/heldout.txt" ] || "$root/benchmarks/scripts/prose-corpus.sh" "$work/corpus"
shards() { # name input [flags...]
  local out="$work/shards/$1" input=$2
  shift 2
  [ -f "$out/_metadata.json" ] || "$root/bin/beambert" pretraining-data --input="$input" \
    --vocab="$vocab" --output="$out" "$@"
}
shards train "$work/corpus/train.txt"
shards train-dupe1 "$work/corpus/train.txt" --dupeFactor=1
shards heldout "$work/corpus/heldout.txt"
echo "masking-experiment: shards on disk: dupe factor 10: $(du -shL "$work/shards/train" | cut -f1)," \
  "dupe factor 1: $(du -shL "$work/shards/train-dupe1" | cut -f1)"

train() { # run-name shards masking
  "$root/bin/beambert" train --input="$work/shards/$2" --vocab="$vocab" --output="$work/$1" \
    --overwrite=true --model=tiny --batchSize=32 --learningRate=1e-3 --warmupSteps=100 \
    --schedule=constant --steps="$steps" --masking="$3" --evalInput="$work/shards/heldout" \
    --evalEvery=50 --evalInstances="$eval_instances" --checkpointEvery="$steps" 2>"$work/$1.log"
}
echo "masking-experiment: training with static masking ($steps steps)..."
train static train static
echo "masking-experiment: training with dynamic masking ($steps steps)..."
train dynamic train-dupe1 dynamic

(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
java -cp "$(cat "$root/benchmarks/target/classpath.txt"):$root/benchmarks/target/classes" \
  io.beambert.bench.CompareCurves \
  --run="static masking, dupe factor 10=$work/static/metrics.jsonl" \
  --run="dynamic masking, dupe factor 1=$work/dynamic/metrics.jsonl" \
  --title="tiny BERT on 7.3 MB of English prose: static against dynamic masking" \
  --output="$work/masking-curves.png"

python3 - "$work/static/metrics.jsonl" "$work/dynamic/metrics.jsonl" <<'PY'
import json, sys
def evals(path):
    return {r["step"]: r for r in map(json.loads, open(path)) if r["kind"] == "eval"}
static, dynamic = evals(sys.argv[1]), evals(sys.argv[2])
print("step  held-out MLM acc, static  dynamic   held-out MLM loss, static  dynamic")
for step in sorted(static):
    s, d = static[step], dynamic[step]
    print(f'{step:4d}  {100 * s["mlm_accuracy"]:23.2f}%  {100 * d["mlm_accuracy"]:6.2f}%'
          f'  {s["mlm_loss"]:24.4f}  {d["mlm_loss"]:7.4f}')
PY
grep -h "train: .* instances in" "$work/static.log" "$work/dynamic.log" | sed 's/^/masking-experiment: /'
