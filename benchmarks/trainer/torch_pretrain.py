#!/usr/bin/env python3
"""PyTorch-eager BERT pretraining on beambert's Avro shards, for a samples/s comparison with the
Java (DJL) trainer on the same data, model size, batch, sequence length and thread count.

What one step does, as the Java trainer does it:
  * batches of --batchSize instances in a seeded shuffled order, each padded to its longest real
    length (input_mask sum) rounded up to a multiple of 8, capped at max_seq_length;
  * Hugging Face's BertForPreTraining modules (model.bert, model.cls), gelu (exact erf), dropout
    0.1, LayerNorm eps 1e-12, the decoder tied to the word embedding; the masked-LM head runs only
    on the sequence output gathered at masked_lm_positions, (B, P, H), as Google's
    run_pretraining.py does, never on (B, T, V) logits;
  * loss = sum(-log p(label) * w) / (sum(w) + 1e-5) + next-sentence cross-entropy (batch mean);
  * AdamW (betas 0.9/0.999, eps 1e-6, weight decay 0.01 except LayerNorm weights and biases),
    linear warmup then constant / linear / cosine, gradient norm clipped to 1.0, --accumulate
    micro-batches per step.

Initialisation is Hugging Face's default (normal(0, 0.02) weights, zero biases, LayerNorm 1/0,
the [PAD] embedding row zero); the Java trainer uses a truncated normal, which does not change
the cost of a step.

Timing: all instances are read into memory before training; a step's time covers building its
batch tensors from those arrays (slicing and copying, small), forward, backward, clipping and the
optimizer update. The first --warmup-skip steps are left out of samples_per_second (and of
samples_per_second_median_step, from the median step time).

Example:
  python torch_pretrain.py --input=/tmp/bench-shards \
      --vocab=/work/shared/golden/vocab-bert-base-uncased.txt --model=tiny --steps=30
"""

import argparse
import glob
import json
import math
import os
import sys
import time

import fastavro
import numpy as np
import torch
import torch.nn.functional as F
import transformers
from transformers import BertConfig, BertForPreTraining

# (layers, hidden, heads); feed-forward 4 x hidden, heads of 64 (the Java trainer's presets).
PRESETS = {
    "tiny": (2, 128, 2),
    "mini": (4, 256, 4),
    "small": (4, 512, 8),
    "medium": (8, 512, 8),
    "base": (12, 768, 12),
    "large": (24, 1024, 16),
}

INT_FIELDS = ("input_ids", "input_mask", "segment_ids", "masked_lm_positions", "masked_lm_ids")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True,
                   help="shard folder (with _metadata.json) or a glob of .avro shards")
    p.add_argument("--vocab", required=True, help="vocabulary file; its line count is the vocab size")
    p.add_argument("--model", default="tiny", choices=list(PRESETS))
    p.add_argument("--steps", type=int, default=30, help="optimizer steps")
    p.add_argument("--batchSize", type=int, default=32, help="instances per micro-batch")
    p.add_argument("--accumulate", type=int, default=1, help="micro-batches per optimizer step")
    p.add_argument("--learningRate", type=float, default=1e-4)
    p.add_argument("--warmupSteps", type=int, default=10)
    p.add_argument("--schedule", default="linear", choices=("constant", "linear", "cosine"))
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                   help="cuda: the first GPU; the result then holds its peak allocated memory")
    p.add_argument("--attn", default="sdpa", choices=("eager", "sdpa"),
                   help="attention implementation; sdpa is transformers' default for BertModel")
    p.add_argument("--warmup-skip", dest="warmup_skip", type=int, default=5,
                   help="first steps left out of the timing")
    p.add_argument("--output", help="also write the result JSON to this file")
    args = p.parse_args(argv)
    if args.steps <= args.warmup_skip:
        p.error(f"--steps ({args.steps}) must exceed --warmup-skip ({args.warmup_skip})")
    for name in ("batchSize", "accumulate", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    return args


def shard_files(spec):
    """The shard paths and the folder's _metadata.json (or None) for a folder or a glob."""
    if os.path.isdir(spec):
        with open(os.path.join(spec, "_metadata.json")) as f:
            metadata = json.load(f)
        return [os.path.join(spec, s["file"]) for s in metadata["shards"]], metadata
    files = sorted(glob.glob(spec))
    if not files:
        sys.exit(f"no shard matches {spec}")
    meta_path = os.path.join(os.path.dirname(files[0]), "_metadata.json")
    metadata = None
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            metadata = json.load(f)
    return files, metadata


def load_instances(spec):
    """Every instance as stacked numpy arrays, (N, T) or (N, P), plus max_seq_length."""
    files, metadata = shard_files(spec)
    columns = {name: [] for name in INT_FIELDS + ("masked_lm_weights", "next_sentence_labels")}
    for path in files:
        with open(path, "rb") as f:
            for record in fastavro.reader(f):
                for name, values in columns.items():
                    values.append(record[name])
    if not columns["input_ids"]:
        sys.exit(f"no instances in {spec}")
    data = {name: np.asarray(columns[name], dtype=np.int64) for name in INT_FIELDS}
    data["masked_lm_weights"] = np.asarray(columns["masked_lm_weights"], dtype=np.float32)
    data["next_sentence_labels"] = np.asarray(columns["next_sentence_labels"], dtype=np.int64)
    data["length"] = data["input_mask"].sum(axis=1)
    max_seq_length = data["input_ids"].shape[1]
    if metadata is not None and metadata["options"]["maxSeqLength"] != max_seq_length:
        sys.exit(f"records are {max_seq_length} long but _metadata.json says "
                 f"{metadata['options']['maxSeqLength']}")
    return data, max_seq_length


class Batches:
    """Micro-batches in a seeded shuffled order, reshuffled at each pass over the data."""

    def __init__(self, data, batch_size, max_seq_length, seed, device):
        self.device = device
        self.data = data
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self.rng = np.random.default_rng(seed)
        self.order = np.empty(0, dtype=np.int64)

    def next(self):
        # A pass too short for a whole batch is topped up from the next shuffle.
        while len(self.order) < self.batch_size:
            self.order = np.concatenate([self.order, self.rng.permutation(len(self.data["input_ids"]))])
        rows, self.order = self.order[:self.batch_size], self.order[self.batch_size:]
        longest = int(self.data["length"][rows].max())
        padded = min(-(-longest // 8) * 8, self.max_seq_length)
        batch = {name: torch.from_numpy(self.data[name][rows, :padded])
                 for name in ("input_ids", "input_mask", "segment_ids")}
        for name in ("masked_lm_positions", "masked_lm_ids", "masked_lm_weights",
                     "next_sentence_labels"):
            batch[name] = torch.from_numpy(self.data[name][rows])
        return {name: t.to(self.device) for name, t in batch.items()}, padded


def build_model(preset, vocab_size, max_seq_length, attn):
    layers, hidden, heads = PRESETS[preset]
    config = BertConfig(
        vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
        num_attention_heads=heads, intermediate_size=4 * hidden,
        max_position_embeddings=max_seq_length, type_vocab_size=2, hidden_act="gelu",
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, layer_norm_eps=1e-12,
        initializer_range=0.02, attn_implementation=attn)
    return BertForPreTraining(config)


def pretraining_loss(model, batch):
    """Loss, masked-LM hits and masked-LM count for one micro-batch."""
    encoded = model.bert(input_ids=batch["input_ids"], attention_mask=batch["input_mask"],
                         token_type_ids=batch["segment_ids"])
    sequence = encoded.last_hidden_state
    positions = batch["masked_lm_positions"]
    gathered = torch.gather(
        sequence, 1, positions.unsqueeze(-1).expand(-1, -1, sequence.size(-1)))
    mlm_logits, nsp_logits = model.cls(gathered, encoded.pooler_output)

    labels, weights = batch["masked_lm_ids"], batch["masked_lm_weights"]
    per_position = F.cross_entropy(mlm_logits.flatten(0, 1), labels.flatten(), reduction="none")
    weight_sum = weights.sum()
    mlm_loss = (per_position * weights.flatten()).sum() / (weight_sum + 1e-5)
    nsp_loss = F.cross_entropy(nsp_logits, batch["next_sentence_labels"])
    hits = ((mlm_logits.argmax(-1) == labels).float() * weights).sum()
    return mlm_loss + nsp_loss, hits.detach(), weight_sum


def lr_factor(schedule, warmup, steps):
    def factor(step):
        if step < warmup:
            return step / warmup
        if schedule == "constant":
            return 1.0
        progress = (step - warmup) / max(1, steps - warmup)
        if schedule == "linear":
            return max(0.0, 1.0 - progress)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    return factor


def optimizer_for(model, lr):
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        (no_decay if "LayerNorm" in name or name.endswith(".bias") else decay).append(param)
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
        lr=lr, betas=(0.9, 0.999), eps=1e-6)


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    data, max_seq_length = load_instances(args.input)
    with open(args.vocab, encoding="utf-8") as f:
        vocab_size = sum(1 for _ in f)
    device = torch.device(args.device)
    model = build_model(args.model, vocab_size, max_seq_length, args.attn).to(device)
    model.train()
    params = sum(p.numel() for p in model.parameters())
    optimizer = optimizer_for(model, args.learningRate)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lr_factor(args.schedule, args.warmupSteps, args.steps))
    batches = Batches(data, args.batchSize, max_seq_length, args.seed, device)

    print(f"torch {torch.__version__}, transformers {transformers.__version__}, "
          f"threads {torch.get_num_threads()}, attn {args.attn}; model {args.model}, "
          f"{params:,} parameters, vocab {vocab_size}, max_seq_length {max_seq_length}; "
          f"{len(data['input_ids']):,} instances in memory", file=sys.stderr)

    timed_step_seconds = []
    timed_padded = []
    loss_value = float("nan")
    for step in range(1, args.steps + 1):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss_sum = hits_sum = count_sum = 0.0
        padded_lengths = []
        for _ in range(args.accumulate):
            batch, padded = batches.next()
            padded_lengths.append(padded)
            loss, hits, count = pretraining_loss(model, batch)
            (loss / args.accumulate).backward()
            loss_sum += loss.item()
            hits_sum += hits.item()
            count_sum += count.item()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        seconds = time.perf_counter() - start

        loss_value = loss_sum / args.accumulate
        if step > args.warmup_skip:
            timed_step_seconds.append(seconds)
            timed_padded.extend(padded_lengths)
        print(f"step {step} loss {loss_value:.4f} mlm_acc {hits_sum / max(count_sum, 1e-5):.4f} "
              f"padded {'/'.join(map(str, padded_lengths))} seconds {seconds:.3f}"
              f"{'' if step > args.warmup_skip else ' (not timed)'}", file=sys.stderr)

    timed_steps = args.steps - args.warmup_skip
    timed_seconds = sum(timed_step_seconds)
    samples_per_step = args.batchSize * args.accumulate
    # The median step is far less sensitive than the mean to other work on a shared machine.
    median_step = float(np.median(timed_step_seconds))
    result = {
        "model": args.model,
        "attn": args.attn,
        "params": params,
        "vocab_size": vocab_size,
        "max_seq_length": max_seq_length,
        "batch": args.batchSize,
        "accumulate": args.accumulate,
        "steps": args.steps,
        "timed_steps": timed_steps,
        "seconds": round(timed_seconds, 4),
        "samples_per_second": round(timed_steps * samples_per_step / timed_seconds, 2),
        "median_step_seconds": round(median_step, 4),
        "samples_per_second_median_step": round(samples_per_step / median_step, 2),
        "mean_padded_length": round(float(np.mean(timed_padded)), 2),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "threads": torch.get_num_threads(),
        "final_loss": round(loss_value, 4),
        "device": args.device,
    }
    if args.device == "cuda":
        result["gpu"] = torch.cuda.get_device_name(0)
        result["peak_allocated_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    text = json.dumps(result, indent=2)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
