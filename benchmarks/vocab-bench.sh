#!/usr/bin/env bash
# Vocabulary-learning benchmark: beambert against Hugging Face's WordPiece trainer.
# Usage: [QUALITY=0] benchmarks/vocab-bench.sh CORPUS_GLOB [WORKDIR] [REPEATS]
#   CORPUS_GLOB: a quoted file pattern, e.g. '/usr/share/vim/vim90/doc/*.txt' (files in C sort order
#   are concatenated for the trainers; `beambert vocab` reads the pattern itself). "-" reuses
#   WORKDIR/train.txt and WORKDIR/heldout.txt from an earlier split and skips the end-to-end timing.
# Needs: mvn -o -pl benchmarks -am package -DskipTests (for target/classpath.txt), node + npm,
# and bin/beambert's jar (built on first use).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pattern="$1"; work="${2:-/tmp/beambert-vocab-bench}"; repeats="${3:-3}"
cp="$root/benchmarks/target/beambert-benchmarks-0.1.0-SNAPSHOT.jar:$(cat "$root/benchmarks/target/classpath.txt")"
bench() { java -Xmx4g -cp "$cp" io.beambert.bench.VocabLearningBench "$@"; }
wall() { /usr/bin/time -f "%e" -o "$work/time.txt" "$@" >"$work/cmd.log" 2>&1; cat "$work/time.txt"; }
specials=5 # [PAD] [UNK] [CLS] [SEP] [MASK]: ours spends them out of --vocabSize; the binding has none

[ -d "$root/benchmarks/node/node_modules/@anush008/tokenizers" ] \
  || (cd "$root/benchmarks/node" && npm install --no-audit --no-fund >/dev/null)
mkdir -p "$work"
if [ "$pattern" != "-" ]; then
# shellcheck disable=SC2086
ls $pattern | LC_ALL=C sort | xargs cat >"$work/corpus.txt"
bench split "$work/corpus.txt" "$work"

# 1. End to end, as a user runs it: `beambert vocab` on the files (held-out split, counting,
#    learning, tokenizer.json and report included; by default in process, see README) against the HF
#    trainer's whole Node process on the training lines; then `beambert vocab --engine=beam`, the same
#    job as a Beam pipeline on the DirectRunner. Interleaved, fresh processes, so all see the same
#    machine load.
"$root/bin/beambert" --help >/dev/null # builds the jar if needed, outside the timing
for i in $(seq 1 "$repeats"); do
  rm -rf "$work/e2e" "$work/e2e-beam"
  # Besides the process's wall time: the trainer's own time (HF: the train() call, as train-hf.js
  # reports it; beambert: the run after start-up, as `beambert vocab` logs it).
  echo "e2e hf trainer (node, 30000):      $(wall node "$root/benchmarks/node/train-hf.js" "$work/hf.txt" "$work/train.txt") s, train() $(grep -o '"train_ms":[0-9]*' "$work/cmd.log" | cut -d: -f2) ms"
  echo "e2e beambert vocab (30005):         $(wall "$root/bin/beambert" vocab "--input=$pattern" "--output=$work/e2e" --vocabSize=$((30000 + specials))) s, run $(grep -o 'vocab-report.json to .* ([0-9.]* s)' "$work/cmd.log" | grep -o '[0-9.]* s)' | tr -d ')') "
  echo "e2e beambert vocab --engine=beam:   $(wall "$root/bin/beambert" vocab "--input=$pattern" "--output=$work/e2e-beam" --vocabSize=$((30000 + specials)) --engine=beam) s, pipeline $(grep -o 'vocab-report.json to .* ([0-9.]* s)' "$work/cmd.log" | grep -o '[0-9.]* s)' | tr -d ')') "
  cmp "$work/e2e/vocab.txt" "$work/e2e-beam/vocab.txt" && cmp "$work/e2e/vocab-report.json" "$work/e2e-beam/vocab-report.json" \
    && echo "in process and as a pipeline: the same vocab.txt and vocab-report.json"
  echo "learner only, ours (30005):         $(bench learn "$work" $((30000 + specials)) 2 1000 1 | tail -1)"
done
cmp "$work/e2e/vocab.txt" "$work/ours.txt" && echo "beambert vocab and the learner-only run give the same vocab.txt"
fi

[ "${QUALITY:-1}" = 0 ] && exit 0 # QUALITY=0: timing only

# 2. Quality at several sizes, the same usable size on both sides (ours: N + 5 special tokens).
#    The binding trains only at 30000; its vocabulary is in merge order (alphabet, then merges),
#    so its first N tokens are what its trainer holds after N tokens.
specs=()
for n in 4000 8000 16000 30000; do
  bench learn "$work" $((n + specials)) 2 1000 1 | tail -1
  cp "$work/ours.txt" "$work/ours-default-$n.txt"
  bench learn "$work" $((n + specials)) 1 1000000 1 | tail -1
  cp "$work/ours.txt" "$work/ours-as-hf-$n.txt"
  specs+=("$work/hf.txt:$n" "$work/ours-default-$n.txt" "$work/ours-as-hf-$n.txt")
done
bench fertility "$work" "${specs[@]}"
