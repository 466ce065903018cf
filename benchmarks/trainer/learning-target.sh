#!/usr/bin/env bash
# The trainer's learning target on real English prose: the `tiny` preset, the 30,522-entry
# bert-base-uncased vocabulary, batch 32, sequence 128, AdamW at 1e-3 with 100 warmup steps and a
# constant rate, 400 steps, on instances `beambert pretraining-data` made with its defaults from
# 7.3 MB of prose (benchmarks/scripts/prose-corpus.sh: the kernel's documentation), with whole
# documents held out for evaluation. Checks and prints:
#   1. held-out masked-LM accuracy at step 400 >= the most-frequent-token baseline + 3 points;
#   2. from step 200 on, at every evaluation, the trainer's own masked-LM accuracy over the last
#      50 steps is within 3 points of the held-out accuracy;
#   3. next-sentence loss stays finite, within [0.6, 0.75];
# and the run's peak resident memory (GNU time).
#
# Usage: benchmarks/trainer/learning-target.sh WORK_DIR [STEPS]
# VOCAB (default ../shared/golden/vocab-bert-base-uncased.txt), EVAL_INSTANCES (2000), SEED (42).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=$1 steps=${2:-400}
vocab="${VOCAB:-$root/../shared/golden/vocab-bert-base-uncased.txt}"
eval_instances="${EVAL_INSTANCES:-2000}" seed="${SEED:-42}"
mkdir -p "$work"

[ -f "$work/corpus/heldout.txt" ] || "$root/benchmarks/scripts/prose-corpus.sh" "$work/corpus"
for part in train heldout; do
  [ -f "$work/shards/$part/_metadata.json" ] || "$root/bin/beambert" pretraining-data \
    --input="$work/corpus/$part.txt" --vocab="$vocab" --output="$work/shards/$part"
done

echo "learning-target: training (about 1 s a step on 2 cores)..."
/usr/bin/time -v -o "$work/time.txt" "$root/bin/beambert" train --input="$work/shards/train" \
  --vocab="$vocab" --output="$work/run" --overwrite=true --model=tiny --batchSize=32 \
  --learningRate=1e-3 --warmupSteps=100 --schedule=constant --steps="$steps" --seed="$seed" \
  --evalInput="$work/shards/heldout" --evalEvery=50 --evalInstances="$eval_instances" \
  --checkpointEvery="$steps" 2> >(tee "$work/train.log" >&2)

python3 - "$work/run/metrics.jsonl" "$steps" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
steps = int(sys.argv[2])
train = {r["step"]: r for r in rows if r["kind"] == "train"}
evals = [r for r in rows if r["kind"] == "eval"]
def train_acc(step):  # weighted over the last 50 steps
    window = [train[s] for s in range(max(1, step - 49), step + 1)]
    return sum(r["mlm_accuracy"] * r["masked_positions"] for r in window) / sum(
        r["masked_positions"] for r in window)
print("step  held-out acc  baseline  train acc (last 50)  gap   held-out nsp loss")
ok = True
for e in evals:
    gap = train_acc(e["step"]) - e["mlm_accuracy"]
    print(f'{e["step"]:4d}  {100 * e["mlm_accuracy"]:11.2f}%  {100 * e["mlm_majority_baseline"]:7.2f}%'
          f'  {100 * train_acc(e["step"]):18.2f}%  {100 * gap:+5.2f}  {e["nsp_loss"]:.4f}')
    if e["step"] >= 200 and abs(gap) > 0.03:
        ok = False
        print(f'  FAIL: training and held-out accuracy differ by {100 * abs(gap):.2f} points')
last = evals[-1]
if last["step"] != steps or last["mlm_accuracy"] < last["mlm_majority_baseline"] + 0.03:
    ok = False
    print("FAIL: held-out accuracy at the last step is not 3 points above the baseline")
nsp_late = [r["nsp_loss"] for s, r in train.items() if s > 100]
if not all(0.6 <= x <= 0.75 for x in [e["nsp_loss"] for e in evals]):
    ok = False
    print("FAIL: held-out next-sentence loss outside [0.6, 0.75]")
print(f"training next-sentence loss after step 100: {min(nsp_late):.3f} to {max(nsp_late):.3f}"
      f" (per step, batch of 32)")
print("learning-target:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
grep -E "Maximum resident|Elapsed" "$work/time.txt" | sed 's/^\s*/learning-target: /'
