"""Checks that a beambert model folder loads in Hugging Face transformers as a standard BERT.

Usage: python check_hf_folder.py MODEL_DIR EXPECTED.safetensors TOKENS.jsonl

EXPECTED.safetensors holds the inputs of a batch (input_ids, token_type_ids, attention_mask,
masked_lm_positions) and beambert's own outputs for it in evaluation mode (mlm_logits at the masked
positions, nsp_logits). TOKENS.jsonl holds one {"text": ..., "ids": [...]} per line: beambert's
token ids for the text, [CLS] and [SEP] included.

Prints one JSON object with the measured differences and exits 1 when a check fails: a weight the
folder lacks or has to spare, logits further than --tolerance from beambert's, or a tokenization
that differs.
"""
import argparse
import json
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoTokenizer, BertForPreTraining


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("expected")
    parser.add_argument("tokens")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    failures = []
    model, info = BertForPreTraining.from_pretrained(args.model_dir, output_loading_info=True)
    # from_pretrained initialises missing weights at random without failing: that would hide a
    # naming mistake, so any missing or unexpected key is a failure.
    for kind in ("missing_keys", "unexpected_keys", "mismatched_keys"):
        if info.get(kind):
            failures.append(f"{kind}: {sorted(map(str, info[kind]))}")
    model.eval()

    expected = load_file(args.expected)
    with torch.no_grad():
        out = model(
            input_ids=expected["input_ids"],
            token_type_ids=expected["token_type_ids"],
            attention_mask=expected["attention_mask"],
        )
    positions = expected["masked_lm_positions"]
    hidden = out.prediction_logits.shape[-1]
    mlm = torch.gather(out.prediction_logits, 1, positions.unsqueeze(-1).expand(-1, -1, hidden))
    mlm_diff = (mlm - expected["mlm_logits"]).abs().max().item()
    nsp_diff = (out.seq_relationship_logits - expected["nsp_logits"]).abs().max().item()
    if not mlm_diff <= args.tolerance:
        failures.append(f"masked-LM logits differ by {mlm_diff}")
    if not nsp_diff <= args.tolerance:
        failures.append(f"next-sentence logits differ by {nsp_diff}")

    tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
    lines = 0
    differing = []
    with open(args.tokens, encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            lines += 1
            ids = tokenizer(case["text"])["input_ids"]
            if ids != case["ids"]:
                differing.append({"text": case["text"][:200], "hf": ids[:40], "beambert": case["ids"][:40]})
    if differing:
        failures.append(f"{len(differing)} of {lines} lines tokenize differently, first: {differing[0]}")

    print(json.dumps({
        "instances": int(positions.shape[0]),
        "masked_positions_compared": int(positions.numel()),
        "mlm_max_abs_diff": mlm_diff,
        "nsp_max_abs_diff": nsp_diff,
        "tokenizer_lines": lines,
        "tokenizer_lines_differing": len(differing),
        "tokenizer_class": type(tokenizer).__name__,
        "failures": failures,
    }))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
