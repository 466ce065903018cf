package io.beambert.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Single-thread tokenization throughput, text to WordPiece ids without special tokens: our {@link
 * BertTokenizer} against Hugging Face's Rust tokenizer (through the DJL binding) on the same lines,
 * in the same JVM.
 *
 * <p>{@code text=english} (the headline) repeats the lines of {@code data/sample/sample-corpus.txt}
 * (ordinary English prose); {@code text=edge} repeats {@code golden/sample_text.txt} plus {@code
 * golden/edge_corpus.txt} (CJK, Thai, accents, control characters, a 141-letter word, ...). Either
 * is repeated to about {@code corpusMiB} MiB of UTF-8; one operation tokenizes every line, so MB/s =
 * ops/s x corpus size (printed at setup). The Hugging Face tokenizer is configured by {@link
 * HuggingFaceBert}. Setup checks that both tokenizers give the same ids, id for id, on every
 * distinct source line and on the whole text joined by newlines, and fails otherwise.
 *
 * <p>The secondary result {@code cpuShare} is the CPU time the benchmark thread used per second of
 * wall time (1.0 = a whole core): on a shared machine, MB per CPU-second = MB/s / cpuShare is the
 * figure that does not depend on the load.
 *
 * <p>Run: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
 * org.openjdk.jmh.Main TokenizerBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}, from the repository root
 * ({@code -Dbeambert.shared=DIR} if the shared folder is not {@code ../shared}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenizerBenchmark {
  @Param({"english", "edge"})
  public String text;

  @Param({"2"})
  public int corpusMiB;

  private String[] lines;
  private List<String[]> batches;
  private String wholeText;
  private long rawHandle;
  private BertTokenizer ours;
  private HuggingFaceTokenizer huggingFace;

  /** CPU time of the benchmark thread, reported per second of wall time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU seconds used by the benchmark thread (JMH divides by the iteration's wall seconds). */
    public double cpuShare;

    private long start;

    @Setup(Level.Iteration)
    public void reset() {
      cpuShare = 0;
    }

    @Setup(Level.Invocation)
    public void start() {
      start = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Invocation)
    public void stop() {
      cpuShare += (THREADS.getCurrentThreadCpuTime() - start) / 1e9;
    }
  }

  @Setup
  public void setup() throws IOException {
    List<String> source = HuggingFaceBert.sourceLines(text);
    long target = (long) corpusMiB << 20;
    List<String> corpus = new ArrayList<>();
    long bytes = 0;
    long sourceBytes = HuggingFaceBert.utf8Bytes(source);
    while (bytes < target) {
      corpus.addAll(source);
      bytes += sourceBytes;
    }
    lines = corpus.toArray(new String[0]);
    batches = new ArrayList<>();
    for (int i = 0; i < lines.length; i += BATCH) {
      batches.add(Arrays.copyOfRange(lines, i, Math.min(lines.length, i + BATCH)));
    }
    wholeText = String.join("\n", lines);

    Vocab vocab = Vocab.load(HuggingFaceBert.vocabFile());
    ours = new BertTokenizer(vocab, true);
    String json = HuggingFaceBert.tokenizerJson(vocab);
    rawHandle = HuggingFaceBert.createRaw(vocab);
    huggingFace = HuggingFaceTokenizer.newInstance(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));

    LinkedHashSet<String> distinct = new LinkedHashSet<>(source);
    int mismatches = 0;
    StringBuilder report = new StringBuilder();
    for (String line : distinct) {
      int[] a = ours.tokenizeToIds(line);
      long[] raw = HuggingFaceBert.ids(rawHandle, line);
      if (!HuggingFaceBert.sameIds(a, raw)
          || !Arrays.equals(raw, huggingFace.encode(line, false, false).getIds())) {
        mismatches++;
        report.append("\n  ").append(line);
      }
    }
    long[] hfWhole = HuggingFaceBert.ids(rawHandle, wholeText);
    int[] oursWhole = ours.tokenizeToIds(wholeText);
    if (!HuggingFaceBert.sameIds(oursWhole, hfWhole)) {
      mismatches++;
      report.append("\n  the whole text gives different ids");
    }
    System.out.printf("text=%s: %d lines, %d bytes (%.3f MB), %d ids; %d distinct source lines;"
            + " %d differ%n", text, lines.length, bytes, bytes / 1e6, oursWhole.length,
        distinct.size(), mismatches);
    if (mismatches > 0) {
      throw new IllegalStateException("tokenizers disagree on " + mismatches + " lines:" + report);
    }
  }

  @TearDown
  public void tearDown() {
    huggingFace.close();
    TokenizersLibrary.LIB.deleteTokenizer(rawHandle);
  }

  /** Our tokenizer, text to ids, one line at a time (ids into a reused buffer). */
  @Benchmark
  public long beambert(CpuClock cpu) {
    long total = 0;
    for (String line : lines) {
      total += ours.tokenizeToIdBuffer(line);
    }
    return total;
  }

  /** Our tokenizer through the allocating API ({@code int[]} per line). */
  @Benchmark
  public long beambertIntArrays(CpuClock cpu) {
    long total = 0;
    for (String line : lines) {
      total += ours.tokenizeToIds(line).length;
    }
    return total;
  }

  /**
   * Hugging Face, text to ids, one line at a time, through the binding's raw JNI calls ({@code
   * encode} + {@code getTokenIds} + {@code deleteEncoding}): the same work as {@link #beambert}
   * plus what the Rust side always does (offsets, char offsets, token strings).
   */
  @Benchmark
  public long huggingFaceIdsOnly(CpuClock cpu) {
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long total = 0;
    for (String line : lines) {
      long encoding = lib.encode(rawHandle, line, false);
      total += lib.getTokenIds(encoding).length;
      lib.deleteEncoding(encoding);
    }
    return total;
  }

  /**
   * Hugging Face through DJL's {@code HuggingFaceTokenizer.encode}, which also copies tokens, type
   * ids, word ids, masks and char spans into a Java {@code Encoding}.
   */
  @Benchmark
  public long huggingFace(CpuClock cpu) {
    long total = 0;
    for (String line : lines) {
      Encoding e = huggingFace.encode(line, false, false);
      total += e.getIds().length;
    }
    return total;
  }

  /**
   * Hugging Face in batches of {@value #BATCH} lines; single-threaded only when the environment sets
   * {@code TOKENIZERS_PARALLELISM=false}.
   */
  @Benchmark
  public long huggingFaceBatch(CpuClock cpu) {
    long total = 0;
    for (String[] batch : batches) {
      for (Encoding e : huggingFace.batchEncode(batch, false, false)) {
        total += e.getIds().length;
      }
    }
    return total;
  }

  private static final int BATCH = 256;

  /** Our tokenizer on the whole corpus as one string (lines joined with newlines). */
  @Benchmark
  public long beambertWholeText(CpuClock cpu) {
    return ours.tokenizeToIdBuffer(wholeText);
  }

  /** {@link #huggingFaceIdsOnly} on the whole corpus as one string: one encode call. */
  @Benchmark
  public long huggingFaceIdsOnlyWholeText(CpuClock cpu) {
    return HuggingFaceBert.ids(rawHandle, wholeText).length;
  }
}
