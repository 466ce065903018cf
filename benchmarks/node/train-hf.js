// Baseline for "## Vocabulary learning" in BENCHMARKS.md: trains Hugging Face's WordPiece trainer
// (Rust, through its Node binding) on the given files and writes the learned vocabulary, one token
// per line in id order. The binding's trainer uses the Rust defaults: vocab size 30000,
// "##" continuation prefix, no alphabet limit, min frequency 0, no special tokens.
// Usage: node train-hf.js OUT_VOCAB FILE...
'use strict';
const fs = require('fs');
const tk = require('@anush008/tokenizers');

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) {
  console.error('usage: node train-hf.js OUT_VOCAB FILE...');
  process.exit(2);
}
const tokenizer = new tk.Tokenizer(tk.WordPiece.empty());
tokenizer.setNormalizer(tk.bertNormalizer({ lowercase: true, stripAccents: true, cleanText: true, handleChineseChars: true }));
tokenizer.setPreTokenizer(tk.bertPreTokenizer());
const t0 = process.hrtime.bigint();
tokenizer.train(files);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const vocab = tokenizer.getVocab(true);
const tokens = Object.entries(vocab).sort((a, b) => a[1] - b[1]).map(([t]) => t);
fs.writeFileSync(out, tokens.join('\n') + '\n');
console.log(JSON.stringify({ train_ms: Math.round(ms), vocab_size: tokens.length }));
