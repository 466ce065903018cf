#!/usr/bin/env bash
# Training samples/s of beambert's trainer (bin/beambert train) and of PyTorch eager
# (torch_pretrain.py, Hugging Face's BERT modules) side by side: same shards, model size, batch,
# sequence length, schedule and thread count, runs interleaved (ours, PyTorch, ours, ...) so that
# the machine's drift hits both alike.
#
# Usage: benchmarks/trainer/throughput.sh SHARDS VOCAB WORK_DIR [MODELS] [REPEATS] [STEPS]
#   e.g. benchmarks/trainer/throughput.sh /tmp/bench-shards ../shared/golden/vocab-bert-base-uncased.txt \
#          /tmp/throughput "tiny mini" 2 30
# PYTHON: a Python with torch, transformers and fastavro (default: runners/trainer/target/pyenv,
# which the trainer's tests make). THREADS (default 2), BATCH (32), SKIP (5 steps left out of the
# timing on both sides).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shards=$1 vocab=$2 work=$3
models=${4:-"tiny mini"} repeats=${5:-2} steps=${6:-30}
python=${PYTHON:-$root/runners/trainer/target/pyenv/bin/python}
threads=${THREADS:-2} batch=${BATCH:-32} skip=${SKIP:-5}
[ -x "$python" ] || { echo "throughput: no Python at $python (set PYTHON)" >&2; exit 1; }
mkdir -p "$work"
common=(--steps="$steps" --batchSize="$batch" --learningRate=1e-4 --warmupSteps=10 --schedule=linear)

ours() { # model repeat -> samples/s over the steps after SKIP
  local out="$work/beambert-$1-$2"
  "$root/bin/beambert" train --input="$shards" --vocab="$vocab" --output="$out" --overwrite=true \
    --model="$1" --threads="$threads" --checkpointEvery=1000000 "${common[@]}" 2>"$out.log"
  "$python" - "$out/metrics.jsonl" "$skip" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
timed = [r for r in rows if r["kind"] == "train" and r["step"] > int(sys.argv[2])]
import statistics
median = statistics.median(r["seconds"] for r in timed)
print(f'{sum(r["instances"] for r in timed) / sum(r["seconds"] for r in timed):.2f}',
      f'{timed[0]["instances"] / median:.2f}')
PY
}

theirs() {
  local out="$work/torch-$1-$2"
  "$python" "$root/benchmarks/trainer/torch_pretrain.py" --input="$shards" --vocab="$vocab" \
    --model="$1" --threads="$threads" --warmup-skip="$skip" --output="$out.json" "${common[@]}" \
    >/dev/null 2>"$out.log"
  "$python" -c 'import json,sys; r=json.load(open(sys.argv[1]));
print(r["samples_per_second"], r["samples_per_second_median_step"], r["torch"])' "$out.json"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# samples/s over the timed steps (mean) and at the median step, which other work on the machine
# disturbs less.
printf '%-6s %-6s %-24s %-24s %s\n' model repeat "beambert mean / median" "PyTorch mean / median" \
  "ratio mean / median"
for model in $models; do
  for r in $(seq 1 "$repeats"); do
    read -r a am <<<"$(ours "$model" "$r")"
    read -r b bm torch <<<"$(theirs "$model" "$r")"
    printf '%-6s %-6s %-24s %-24s %s\n' "$model" "$r" "$a / $am" "$b / $bm" \
      "$(awk -v a="$a" -v b="$b" -v c="$am" -v d="$bm" 'BEGIN{printf "%.3f / %.3f", a/b, c/d}')"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); PyTorch $torch, $threads threads, batch $batch, $steps steps ($skip not timed)"
