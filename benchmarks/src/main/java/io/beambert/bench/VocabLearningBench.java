package io.beambert.bench;

import io.beambert.transforms.LearnVocab;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Utf8Lines;
import io.beambert.text.Vocab;
import io.beambert.vocab.HeldOut;
import io.beambert.vocab.LearnedVocab;
import io.beambert.vocab.VocabReport;
import io.beambert.vocab.WordPieceLearner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Vocabulary-learning benchmark against Hugging Face's WordPiece trainer (see BENCHMARKS.md).
 *
 * <pre>
 * split CORPUS DIR              writes DIR/train.txt and DIR/heldout.txt (the 1% held-out rule)
 * learn DIR VOCAB_SIZE MIN_FREQ LIMIT_ALPHABET REPEATS [FREQUENCY|LIKELIHOOD]
 *                               times reading + basic tokenization + counting + learning on
 *                               DIR/train.txt, and learning alone; writes DIR/ours.txt
 * fertility DIR VOCAB[:N]...   fertility and [UNK] rate of each vocab on DIR/heldout.txt, all
 *                               measured with our BertTokenizer ([UNK] appended when absent);
 *                               VOCAB:N keeps the first N lines of the file (the vocabulary a
 *                               merge-order trainer has after N tokens)
 * </pre>
 *
 * <p>One JVM; counting uses every core, learning one; times are wall-clock per repeat.
 */
public final class VocabLearningBench {
  private VocabLearningBench() {}

  public static void main(String[] args) throws IOException {
    switch (args[0]) {
      case "split" -> split(Path.of(args[1]), Path.of(args[2]));
      case "learn" ->
          learn(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
              Integer.parseInt(args[4]), Integer.parseInt(args[5]),
              args.length > 6 ? WordPieceLearner.Scoring.valueOf(args[6])
                  : WordPieceLearner.Scoring.FREQUENCY);
      case "fertility" -> {
        List<String> vocabs = List.of(args).subList(2, args.length);
        fertility(Path.of(args[1]), vocabs);
      }
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  private static void split(Path corpus, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (InputStream in = Files.newInputStream(corpus);
        Utf8Lines lines = new Utf8Lines(in);
        OutputStream train = new BufferedOutputStream(Files.newOutputStream(dir.resolve("train.txt")));
        OutputStream held = new BufferedOutputStream(Files.newOutputStream(dir.resolve("heldout.txt")))) {
      long nTrain = 0;
      long nHeld = 0;
      for (String line = lines.next(); line != null; line = lines.next()) {
        boolean h = HeldOut.isHeldOut(line, 1);
        (h ? held : train).write((line + "\n").getBytes(StandardCharsets.UTF_8));
        if (h) {
          nHeld++;
        } else {
          nTrain++;
        }
      }
      System.out.printf("train lines %d, held-out lines %d%n", nTrain, nHeld);
    }
  }

  /**
   * Reads the file, then basic-tokenizes and counts its lines on every core (one tokenizer and one
   * map per thread, merged at the end), as the Beam pipeline and Hugging Face's trainer both do.
   */
  private static Map<String, Long> countWords(Path file) throws IOException {
    List<String> all = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        Utf8Lines lines = new Utf8Lines(in)) {
      for (String line = lines.next(); line != null; line = lines.next()) {
        all.add(line);
      }
    }
    int threads = Runtime.getRuntime().availableProcessors();
    List<Map<String, Long>> partial = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Map<String, Long> counts = new HashMap<>();
      partial.add(counts);
      List<String> slice = all.subList(all.size() * t / threads, all.size() * (t + 1) / threads);
      Thread worker =
          new Thread(
              () -> {
                BertTokenizer basic = new BertTokenizer(Vocab.of(List.of(Vocab.UNK)), true);
                for (String line : slice) {
                  basic.basicTokens(line, w -> counts.merge(w, 1L, Long::sum));
                }
              });
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    return LearnVocab.mergeCounts(partial);
  }

  private static void learn(
      Path dir, int vocabSize, long minFrequency, int limitAlphabet, int repeats,
      WordPieceLearner.Scoring scoring)
      throws IOException {
    WordPieceLearner learner =
        WordPieceLearner.create()
            .withVocabSize(vocabSize)
            .withMinFrequency(minFrequency)
            .withLimitAlphabet(limitAlphabet)
            .withScoring(scoring);
    LearnedVocab vocab = null;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      Map<String, Long> counts = countWords(dir.resolve("train.txt"));
      long t1 = System.nanoTime();
      vocab = learner.learn(counts);
      long t2 = System.nanoTime();
      System.out.printf(
          "repeat %d: total %.0f ms (read+basic tokens+count %.0f ms, learn %.0f ms)"
              + " vocab %d, alphabet %d, distinct words %d%n",
          r, (t2 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, vocab.size(),
          vocab.alphabetSize(), vocab.distinctWords());
    }
    Files.writeString(dir.resolve("ours.txt"), vocab.toVocabFile(), StandardCharsets.UTF_8);
  }

  private static void fertility(Path dir, List<String> vocabFiles) throws IOException {
    Map<String, Long> words = countWords(dir.resolve("heldout.txt"));
    for (String spec : vocabFiles) {
      int colon = spec.lastIndexOf(':');
      String file = colon > 0 ? spec.substring(0, colon) : spec;
      List<String> tokens = new ArrayList<>(Files.readAllLines(Path.of(file), StandardCharsets.UTF_8));
      if (colon > 0) {
        tokens = new ArrayList<>(tokens.subList(0, Math.min(tokens.size(),
            Integer.parseInt(spec.substring(colon + 1)))));
      }
      int size = tokens.size();
      if (!tokens.contains(Vocab.UNK)) {
        tokens.add(Vocab.UNK);
      }
      VocabReport.Stats stats =
          VocabReport.measure(new BertTokenizer(Vocab.of(tokens), true), words);
      System.out.printf(
          "%s: size %d, held-out words %d, pieces %d, fertility %.4f, unk rate %.5f%n",
          spec, size, stats.words(), stats.pieces(), stats.fertility(), stats.unkRate());
    }
  }
}
