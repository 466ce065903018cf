#!/usr/bin/env bash
# Vocabulary-learning benchmark: beambert's learner against Hugging Face's WordPiece trainer.
# Usage: benchmarks/vocab-bench.sh CORPUS [WORKDIR] [REPEATS]
# Needs: mvn -o -pl benchmarks -am package -DskipTests (for target/classpath.txt), node + npm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$1"; work="${2:-/tmp/beambert-vocab-bench}"; repeats="${3:-5}"
cp="$root/benchmarks/target/beambert-benchmarks-0.1.0-SNAPSHOT.jar:$(cat "$root/benchmarks/target/classpath.txt")"
bench() { java -Xmx4g -cp "$cp" io.beambert.bench.VocabLearningBench "$@"; }

[ -d "$root/benchmarks/node/node_modules/@anush008/tokenizers" ] \
  || (cd "$root/benchmarks/node" && npm install --no-audit --no-fund >/dev/null)
bench split "$corpus" "$work"
# The Node binding trains with the Rust defaults: 30000 tokens, min frequency 0, no alphabet limit.
# Ours runs with its defaults (min frequency 2, 1000 characters) and with the trainer's settings.
for i in $(seq 1 "$repeats"); do
  # Interleaved, each in a fresh process (a cold JVM for ours), so both see the same machine load.
  echo "hf:            $(node "$root/benchmarks/node/train-hf.js" "$work/hf.txt" "$work/train.txt" 2>/dev/null | tail -1)"
  echo "ours default:  $(bench learn "$work" 30000 2 1000 1 | tail -1)"
  cp "$work/ours.txt" "$work/ours-default.txt"
  echo "ours as hf:    $(bench learn "$work" 30000 1 1000000 1 | tail -1)"
  cp "$work/ours.txt" "$work/ours-as-hf.txt"
done
bench fertility "$work" "$work/hf.txt" "$work/ours-default.txt" "$work/ours-as-hf.txt"
