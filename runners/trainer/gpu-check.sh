#!/usr/bin/env bash
# GPU check in one command: beambert's trainer (DJL, PyTorch engine) against PyTorch eager
# (benchmarks/trainer/torch_pretrain.py, Hugging Face's BERT modules) for BERT-base at sequence 128,
# batch 32, 200 steps, on one CUDA GPU. Prints samples/s (steps after the first 20) and peak GPU
# memory (nvidia-smi, sampled every 200 ms; PyTorch's own peak allocation too) for both.
#
# Usage: runners/trainer/gpu-check.sh [WORK_DIR]
#
# Needs, on the GPU machine:
#   - nvidia-smi, Java 17 and Maven (the launcher builds the trainer on first use);
#   - a Python with a CUDA build of torch, transformers and fastavro: PYTHON (default python3);
#   - a CUDA libtorch 2.7.1 for DJL (README, "Training on a GPU"): PYTORCH_LIBRARY_PATH, or else the
#     torch/lib folder of PYTHON's torch when that torch is 2.7.1;
#   - shards: SHARDS (a shard folder made with VOCAB), or they are made from the bundled sample
#     corpus with VOCAB (default ../shared/golden/vocab-bert-base-uncased.txt).
# STEPS (200), BATCH (32), MODEL (base) and SKIP (20) change the run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
python="${PYTHON:-python3}"
steps="${STEPS:-200}" batch="${BATCH:-32}" model="${MODEL:-base}" skip="${SKIP:-20}"
vocab="${VOCAB:-$root/../shared/golden/vocab-bert-base-uncased.txt}"

fail() { echo "gpu-check: $*" >&2; exit 1; }

command -v nvidia-smi >/dev/null || fail "nvidia-smi is not on PATH: no NVIDIA driver here"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader \
  | sed 's/^/gpu-check: GPU: /'
torch_info="$("$python" -c 'import torch, os; print(torch.__version__, torch.version.cuda,
  torch.cuda.is_available(), os.path.join(os.path.dirname(torch.__file__), "lib"))')" \
  || fail "$python cannot import torch (set PYTHON to a Python with torch, transformers, fastavro)"
read -r torch_version torch_cuda cuda_ok torch_lib <<<"$torch_info"
echo "gpu-check: PyTorch (Python) $torch_version, CUDA $torch_cuda"
[ "$cuda_ok" = True ] || fail "PyTorch in $python sees no CUDA GPU"
"$python" -c 'import transformers, fastavro' || fail "$python lacks transformers or fastavro"

if [ -z "${PYTORCH_LIBRARY_PATH:-}" ]; then
  case "$torch_version" in
    2.7.1*) export PYTORCH_LIBRARY_PATH="$torch_lib" ;;
    *) fail "set PYTORCH_LIBRARY_PATH to a CUDA libtorch 2.7.1 (PYTHON's torch is $torch_version)" ;;
  esac
fi
[ -f "$PYTORCH_LIBRARY_PATH/libtorch.so" ] || fail "no libtorch.so in PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH"
export PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}"
echo "gpu-check: DJL uses libtorch from $PYTORCH_LIBRARY_PATH ($PYTORCH_FLAVOR)"

shards="${SHARDS:-$work/shards}"
if [ ! -f "$shards/_metadata.json" ]; then
  "$root/bin/beambert" pretraining-data --input="$root/data/sample/sample-corpus.txt" \
    --vocab="$vocab" --output="$shards" --overwrite=true
fi

# Samples the GPU's used memory every 200 ms while a command runs; prints the peak in MiB last.
with_peak_memory() {
  local log="$1"; shift
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$log" &
  local sampler=$!
  local status=0
  "$@" || status=$?
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  return "$status"
}
peak() { sort -n "$1" | tail -1; }

echo "gpu-check: beambert train, $model, $steps steps of $batch..."
with_peak_memory "$work/djl-memory.log" "$root/bin/beambert" train --input="$shards" \
  --vocab="$vocab" --output="$work/djl-run" --overwrite=true --device=gpu --model="$model" \
  --steps="$steps" --batchSize="$batch" --learningRate=1e-4 --warmupSteps=10 \
  --checkpointEvery=1000000 2>"$work/djl-run.log" || { tail -5 "$work/djl-run.log"; fail "beambert train failed"; }
grep -m1 "train: device" "$work/djl-run.log" | sed 's/^/gpu-check: /'
djl_rate="$(python3 - "$work/djl-run/metrics.jsonl" "$skip" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"kind":"train"' in l]
timed = [r for r in rows if r["step"] > int(sys.argv[2])]
print(round(sum(r["instances"] for r in timed) / sum(r["seconds"] for r in timed), 2))
PY
)"

echo "gpu-check: PyTorch eager, $model, $steps steps of $batch..."
with_peak_memory "$work/torch-memory.log" "$python" "$root/benchmarks/trainer/torch_pretrain.py" \
  --input="$shards" --vocab="$vocab" --model="$model" --device=cuda --steps="$steps" \
  --batchSize="$batch" --learningRate=1e-4 --warmupSteps=10 --warmup-skip="$skip" \
  --output="$work/torch.json" >/dev/null 2>"$work/torch.log" || { tail -5 "$work/torch.log"; fail "torch_pretrain.py failed"; }
read -r torch_rate torch_alloc <<<"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]));
print(r["samples_per_second"], r.get("peak_allocated_mib", "n/a"))' "$work/torch.json")"

printf '\n%-22s %14s %22s %26s\n' "trainer ($model)" "samples/s" "peak GPU memory (MiB)" "PyTorch peak allocated (MiB)"
printf '%-22s %14s %22s %26s\n' "beambert (DJL)" "$djl_rate" "$(peak "$work/djl-memory.log")" "-"
printf '%-22s %14s %22s %26s\n' "PyTorch eager" "$torch_rate" "$(peak "$work/torch-memory.log")" "$torch_alloc"
echo "gpu-check: logs and metrics in $work"
