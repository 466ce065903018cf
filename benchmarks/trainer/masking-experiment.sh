#!/usr/bin/env bash
# Static against dynamic masking on the same text: the `tiny` model trained for the same number of
# steps (settings of learning-target.sh: bert-base-uncased vocabulary, batch 32, AdamW 1e-3, 100
# warmup steps, constant rate) on shards made with `pretraining-data`'s default dupe factor of 10
# and their own masks (--masking=static), on shards made with --dupeFactor=1 masked anew each time
# they are fed (--masking=dynamic), and, for contrast, on those dupe-factor-1 shards with their own
# masks (static: every pass repeats the same masks). All are evaluated on the same held-out shards.
# Prints the shards' sizes on disk and the held-out accuracy curves, and draws them in one PNG.
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
echo "masking-experiment: training with static masking on the dupe-factor-1 shards ($steps steps)..."
train static-dupe1 train-dupe1 static

(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
java -cp "$(cat "$root/benchmarks/target/classpath.txt"):$root/benchmarks/target/classes" \
  io.beambert.bench.CompareCurves \
  --run="static masking, dupe factor 10=$work/static/metrics.jsonl" \
  --run="dynamic masking, dupe factor 1=$work/dynamic/metrics.jsonl" \
  --run="static masking, dupe factor 1=$work/static-dupe1/metrics.jsonl" \
  --title="tiny BERT on 7.3 MB of English prose: static against dynamic masking" \
  --output="$work/masking-curves.png"

python3 - "$work" <<'PY'
import json, sys
def evals(run):
    return {r["step"]: r for r in map(json.loads, open(f"{sys.argv[1]}/{run}/metrics.jsonl"))
            if r["kind"] == "eval"}
runs = ("static", "dynamic", "static-dupe1")
curves = [evals(run) for run in runs]
print("step  held-out MLM accuracy: static x10 / dynamic x1 / static x1   MLM loss: same order")
for step in sorted(curves[0]):
    acc = " / ".join(f'{100 * c[step]["mlm_accuracy"]:5.2f}%' for c in curves)
    loss = " / ".join(f'{c[step]["mlm_loss"]:.4f}' for c in curves)
    print(f"{step:4d}  {acc:>48}   {loss}")
PY
grep -h "train: .* instances in" "$work"/{static,dynamic,static-dupe1}.log | sed 's/^/masking-experiment: /'
