package io.beambert.bench;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-line CPU-time profile of the two tokenizers of {@link TokenizerBenchmark}: times each
 * distinct source line (thread CPU time, best of 5 rounds), weights it by its number of
 * occurrences, and prints the totals and the lines that cost Hugging Face the most.
 *
 * <p>Thread CPU time, unlike wall time, does not depend on how many other processes share the
 * cores. Run from the repository root: {@code java -cp
 * benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
 * io.beambert.bench.TokenizerLineProfile english|edge [TOP [TOKENIZER_JSON]]}; with a third
 * argument it also writes the Hugging Face {@code tokenizer.json} it uses there (for {@code
 * benchmarks/node/encode-hf.js}).
 */
public final class TokenizerLineProfile {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private TokenizerLineProfile() {}

  /** Prints the profile; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    String text = args.length > 0 ? args[0] : "english";
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    List<String> source = HuggingFaceBert.sourceLines(text);
    Map<String, Integer> count = new LinkedHashMap<>();
    for (String line : source) {
      count.merge(line, 1, Integer::sum);
    }
    List<String> distinct = new ArrayList<>(count.keySet());
    Vocab vocab = Vocab.load(HuggingFaceBert.vocabFile());
    BertTokenizer ours = new BertTokenizer(vocab, true);
    if (args.length > 2) {
      Files.writeString(Paths.get(args[2]), HuggingFaceBert.tokenizerJson(vocab));
    }
    long handle = HuggingFaceBert.createRaw(vocab);
    try {
      for (String line : distinct) {
        if (!HuggingFaceBert.sameIds(ours.tokenizeToIds(line), HuggingFaceBert.ids(handle, line))) {
          throw new IllegalStateException("tokenizers disagree on: " + line);
        }
      }
      for (int warm = 0; warm < 20; warm++) {
        for (String line : distinct) {
          hfNanos(handle, line, 1);
          oursNanos(ours, line, 5);
        }
      }
      int n = distinct.size();
      double[] hf = new double[n];
      double[] mine = new double[n];
      double hfTotal = 0;
      double oursTotal = 0;
      long bytes = 0;
      for (int i = 0; i < n; i++) {
        String line = distinct.get(i);
        hf[i] = Double.MAX_VALUE;
        mine[i] = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
          hf[i] = Math.min(hf[i], hfNanos(handle, line, 10));
          mine[i] = Math.min(mine[i], oursNanos(ours, line, 50));
        }
        int c = count.get(line);
        hfTotal += hf[i] * c;
        oursTotal += mine[i] * c;
        bytes += (long) (line.getBytes(StandardCharsets.UTF_8).length + 1) * c;
      }
      System.out.printf("text=%s: %d lines (%d distinct), %d bytes%n", text, source.size(), n, bytes);
      System.out.printf("Hugging Face (raw JNI, ids only): %.3f ms CPU, %.2f MB per CPU-second%n",
          hfTotal / 1e6, bytes * 1e3 / hfTotal);
      System.out.printf("beambert (tokenizeToIdBuffer):    %.3f ms CPU, %.2f MB per CPU-second%n",
          oursTotal / 1e6, bytes * 1e3 / oursTotal);
      System.out.printf("ratio: %.1f%n", hfTotal / oursTotal);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
      order.sort((x, y) -> Double.compare(hf[y] * count.get(distinct.get(y)),
          hf[x] * count.get(distinct.get(x))));
      double cumulative = 0;
      System.out.println("HF us/line  HF ns/B  ours us/line  ours ns/B  bytes  count  HF share"
          + "  cumulative  line");
      for (int k = 0; k < Math.min(top, n); k++) {
        int i = order.get(k);
        String line = distinct.get(i);
        int c = count.get(line);
        int b = line.getBytes(StandardCharsets.UTF_8).length + 1;
        double share = hf[i] * c / hfTotal;
        cumulative += share;
        String shown = line.replaceAll("\\p{Cc}", "?");
        System.out.printf("%10.1f  %7.0f  %12.2f  %9.1f  %5d  %5d  %7.1f%%  %9.1f%%  %s%n",
            hf[i] / 1e3, hf[i] / b, mine[i] / 1e3, mine[i] / b, b, c, 100 * share,
            100 * cumulative, shown.length() > 60 ? shown.substring(0, 60) + "..." : shown);
      }
    } finally {
      TokenizersLibrary.LIB.deleteTokenizer(handle);
    }
  }

  private static double hfNanos(long handle, String line, int reps) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (int r = 0; r < reps; r++) {
      HuggingFaceBert.ids(handle, line);
    }
    return (THREADS.getCurrentThreadCpuTime() - start) / (double) reps;
  }

  private static long sink;

  private static double oursNanos(BertTokenizer ours, String line, int reps) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (int r = 0; r < reps; r++) {
      sink += ours.tokenizeToIdBuffer(line);
    }
    return (THREADS.getCurrentThreadCpuTime() - start) / (double) reps;
  }
}
