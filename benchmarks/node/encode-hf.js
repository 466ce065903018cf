// Cross-check for "## Tokenizer throughput" in BENCHMARKS.md: CPU time of Hugging Face's Rust
// tokenizer through its Node binding (a different binding than the JVM one), encoding a text file
// without special tokens, as one string and as a batch of lines.
// Usage: TOKENIZERS_PARALLELISM=false node encode-hf.js TOKENIZER_JSON TEXT_FILE
// (TOKENIZER_JSON: written by io.beambert.bench.TokenizerLineProfile english 0 FILE).
'use strict';
const fs = require('fs');
const tk = require('@anush008/tokenizers');

const [json, file] = process.argv.slice(2);
if (!json || !file) {
  console.error('usage: node encode-hf.js TOKENIZER_JSON TEXT_FILE');
  process.exit(2);
}
const text = fs.readFileSync(file, 'utf8');
const lines = text.split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const bytes = Buffer.byteLength(text);
const tokenizer = tk.Tokenizer.fromFile(json);

async function timed(label, run) {
  const cpu0 = process.cpuUsage();
  const ids = await run();
  const cpu = process.cpuUsage(cpu0);
  const ms = (cpu.user + cpu.system) / 1e3;
  console.log(`${label}: ${ids} ids, process CPU ${ms.toFixed(0)} ms, ` +
      `${(bytes / ms / 1e3).toFixed(2)} MB per CPU-second`);
}

(async () => {
  for (let round = 0; round < 4; round++) {
    await timed('whole text', async () =>
      (await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds().length);
    await timed('batch of lines', async () => {
      let n = 0;
      for (const e of await tokenizer.encodeBatch(lines, { addSpecialTokens: false })) {
        n += e.getIds().length;
      }
      return n;
    });
  }
})();
