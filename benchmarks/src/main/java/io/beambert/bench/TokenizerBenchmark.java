package io.beambert.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Single-thread tokenization throughput, text to ids: our {@link BertTokenizer} against Hugging
 * Face's Rust tokenizer (through the DJL binding) on the same lines, in the same JVM.
 *
 * <p>One operation tokenizes every line of a corpus of about {@code corpusMiB} MiB of UTF-8 text,
 * built by repeating the lines of {@code golden/sample_text.txt} and {@code golden/edge_corpus.txt};
 * MB/s = ops/s x corpus size (printed at setup). The Hugging Face tokenizer is built from a
 * tokenizer.json written at setup for the same vocabulary (BertNormalizer with lower-casing and
 * accent stripping, BertPreTokenizer, WordPiece with {@code max_input_chars_per_word = 200}, no added
 * tokens, no post-processor, no truncation or padding). Setup checks that both give identical tokens
 * on every line used, and fails otherwise. Lines on which the two tokenizers are known to disagree
 * (none expected) would make setup fail rather than be silently dropped.
 *
 * <p>Run: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
 * org.openjdk.jmh.Main TokenizerBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}, from the repository root
 * ({@code -Dbeambert.shared=DIR} if the shared folder is not {@code ../shared}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenizerBenchmark {
  @Param({"4"})
  public int corpusMiB;

  private String[] lines;
  private List<String[]> batches;
  private String wholeText;
  private long rawHandle;
  private BertTokenizer ours;
  private HuggingFaceTokenizer huggingFace;
  private Path tokenizerJson;

  @Setup
  public void setup() throws IOException {
    Path shared = Paths.get(System.getProperty("beambert.shared", "../shared"));
    Path vocabFile = shared.resolve("golden/vocab-bert-base-uncased.txt");
    List<String> source = new ArrayList<>();
    source.addAll(Files.readAllLines(shared.resolve("golden/sample_text.txt")));
    source.addAll(Files.readAllLines(shared.resolve("golden/edge_corpus.txt")));
    long target = (long) corpusMiB << 20;
    List<String> corpus = new ArrayList<>();
    long bytes = 0;
    while (bytes < target) {
      for (String line : source) {
        corpus.add(line);
        bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
      }
    }
    lines = corpus.toArray(new String[0]);
    batches = new ArrayList<>();
    for (int i = 0; i < lines.length; i += BATCH) {
      batches.add(Arrays.copyOfRange(lines, i, Math.min(lines.length, i + BATCH)));
    }

    Vocab vocab = Vocab.load(vocabFile);
    ours = new BertTokenizer(vocab, true);
    tokenizerJson = Files.createTempFile("bert-base-uncased-", ".tokenizer.json");
    Files.writeString(tokenizerJson, tokenizerJson(vocab));
    huggingFace = HuggingFaceTokenizer.newInstance(tokenizerJson,
        Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));

    rawHandle = TokenizersLibrary.LIB.createTokenizerFromString(Files.readString(tokenizerJson));

    int mismatches = 0;
    StringBuilder report = new StringBuilder();
    for (String line : source) {
      List<String> a = ours.tokenize(line);
      List<String> b = Arrays.asList(huggingFace.encode(line, false, false).getTokens());
      if (!a.equals(b)) {
        mismatches++;
        report.append("\n  ").append(line).append("\n    ours: ").append(a)
            .append("\n    hf:   ").append(b);
      }
    }
    wholeText = String.join("\n", lines);
    long rawEncoding = TokenizersLibrary.LIB.encode(rawHandle, wholeText, false);
    long[] hfWhole = TokenizersLibrary.LIB.getTokenIds(rawEncoding);
    TokenizersLibrary.LIB.deleteEncoding(rawEncoding);
    int[] oursWhole = ours.tokenizeToIds(wholeText);
    boolean wholeSame = hfWhole.length == oursWhole.length;
    for (int i = 0; wholeSame && i < oursWhole.length; i++) {
      wholeSame = hfWhole[i] == oursWhole[i];
    }
    if (!wholeSame) {
      mismatches++;
      report.append("\n  the whole text gives different ids");
    }
    System.out.printf("corpus: %d lines, %d bytes (%.3f MB); %d distinct source lines, %d differ%n",
        lines.length, bytes, bytes / 1e6, source.size(), mismatches);
    if (mismatches > 0) {
      throw new IllegalStateException("tokenizers disagree on " + mismatches + " lines:" + report);
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    huggingFace.close();
    TokenizersLibrary.LIB.deleteTokenizer(rawHandle);
    Files.deleteIfExists(tokenizerJson);
  }

  /** Our tokenizer, text to ids. */
  @Benchmark
  public long beambert() {
    long total = 0;
    for (String line : lines) {
      total += ours.tokenizeToIdBuffer(line);
    }
    return total;
  }

  /** Our tokenizer through the allocating API ({@code int[]} per line). */
  @Benchmark
  public long beambertIntArrays() {
    long total = 0;
    for (String line : lines) {
      total += ours.tokenizeToIds(line).length;
    }
    return total;
  }

  /** Hugging Face's Rust tokenizer through DJL, text to ids. */
  @Benchmark
  public long huggingFace() {
    long total = 0;
    for (String line : lines) {
      Encoding e = huggingFace.encode(line, false, false);
      total += e.getIds().length;
    }
    return total;
  }

  /**
   * Hugging Face in batches of {@value #BATCH} lines (fewer JNI crossings); single-threaded only when
   * the environment sets {@code TOKENIZERS_PARALLELISM=false}.
   */
  @Benchmark
  public long huggingFaceBatch() {
    long total = 0;
    for (String[] batch : batches) {
      for (Encoding e : huggingFace.batchEncode(batch, false, false)) {
        total += e.getIds().length;
      }
    }
    return total;
  }

  private static final int BATCH = 256;

  /**
   * Hugging Face through the binding's raw JNI entry points, fetching only the ids: the Rust
   * tokenizer plus three JNI calls per line, without building DJL's {@code Encoding} (tokens,
   * offsets, masks) on the Java side.
   */
  @Benchmark
  public long huggingFaceIdsOnly() {
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long total = 0;
    for (String line : lines) {
      long encoding = lib.encode(rawHandle, line, false);
      total += lib.getTokenIds(encoding).length;
      lib.deleteEncoding(encoding);
    }
    return total;
  }

  /** {@link #huggingFaceIdsOnly()} on the whole corpus as one string: one encode call. */
  @Benchmark
  public long huggingFaceIdsOnlyWholeText() {
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long encoding = lib.encode(rawHandle, wholeText, false);
    long n = lib.getTokenIds(encoding).length;
    lib.deleteEncoding(encoding);
    return n;
  }

  /** Our tokenizer on the whole corpus as one string (lines joined with newlines). */
  @Benchmark
  public long beambertWholeText() {
    return ours.tokenizeToIdBuffer(wholeText);
  }

  /**
   * Hugging Face on the whole corpus as one string: one JNI call, so this measures the Rust code
   * itself rather than the per-call cost of the binding.
   */
  @Benchmark
  public long huggingFaceWholeText() {
    return huggingFace.encode(wholeText, false, false).getIds().length;
  }

  private static String tokenizerJson(Vocab vocab) {
    StringBuilder json = new StringBuilder(1 << 20);
    json.append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],")
        .append("\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,")
        .append("\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true},")
        .append("\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":null,")
        .append("\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},")
        .append("\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",")
        .append("\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":200,")
        .append("\"vocab\":{");
    boolean first = true;
    for (int id = 0; id < vocab.size(); id++) {
      String token = vocab.tokenAt(id);
      if (vocab.idOf(token) != id) {
        continue;
      }
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(json, token).append(':').append(id);
    }
    return json.append("}}}").toString();
  }

  private static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"');
  }
}
