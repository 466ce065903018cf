package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.io.ReadCorpus;
import io.beambert.schemas.CorpusLine;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import io.beambert.vocab.HeldOut;
import io.beambert.vocab.VocabReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestPipelineExtension.class)
class CountCorpusWordsTest {
  private static final int PERCENT = 30;
  private static final String TOO_LONG =
      "z".repeat(BertTokenizer.MAX_INPUT_CHARS_PER_WORD + 1);

  @TempDir Path dir;

  /** Lines with punctuation, accents, '\r', a too-long word; as decoded from the files. */
  private static List<String> lines(int file) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      lines.add("Line " + (i % 13) + " of file " + file + ": Café, naïve w" + i
          + (i % 50 == 0 ? " " + TOO_LONG : "") + (i % 7 == 0 ? "\r" : ""));
    }
    return lines;
  }

  /** Writes the lines of {@code file}, one invalid byte inside the first line (dropped on read). */
  private Path write(int file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> lines = lines(file);
    for (int i = 0; i < lines.size(); i++) {
      byte[] line = lines.get(i).getBytes(StandardCharsets.UTF_8);
      if (i == 0) {
        bytes.write(line, 0, 4);
        bytes.write(0xff);
        bytes.write(line, 4, line.length - 4);
      } else {
        bytes.write(line, 0, line.length);
      }
      bytes.write('\n');
    }
    Path path = dir.resolve("part-" + file + ".txt");
    Files.write(path, bytes.toByteArray());
    return path;
  }

  private static Map<String, Long> count(List<String> lines, boolean heldOut) {
    BertTokenizer basic = new BertTokenizer(Vocab.of(List.of(Vocab.UNK)), true);
    Map<String, Long> counts = new HashMap<>();
    for (String line : lines) {
      if (HeldOut.isHeldOut(line, PERCENT) == heldOut) {
        basic.basicTokens(line, w -> counts.merge(
            w.length() > BertTokenizer.MAX_INPUT_CHARS_PER_WORD ? VocabReport.TOO_LONG_WORDS : w,
            1L, Long::sum));
      }
    }
    return counts;
  }

  private static PCollection<Map<String, Long>> gather(
      String name, PCollection<Map<String, Long>> maps) {
    return maps.apply(name, Combine.globally(new LearnVocab.SumCounts()));
  }

  @Test
  void countsEachSliceLikeThePerLinePathAndKeepsHeldOutLinesApart(TestPipeline pipeline)
      throws IOException {
    write(1);
    write(2);
    Files.write(dir.resolve("part-3.txt"), new byte[0]);
    String pattern = dir.resolve("part-*.txt").toString();
    List<String> all = new ArrayList<>(lines(1));
    all.addAll(lines(2));
    Map<String, Long> training = count(all, false);
    Map<String, Long> heldOut = count(all, true);
    assertFalse(heldOut.isEmpty());
    assertTrue(heldOut.keySet().stream().anyMatch(w -> !training.containsKey(w)),
        "some words only in held-out lines, so a leak would show");

    for (int flush : new int[] {3, LearnVocab.FLUSH_ENTRIES}) {
      PCollectionTuple counts =
          pipeline
              .apply("Files" + flush, ReadCorpus.from(pattern).withMatchWhenBuilt().files())
              .apply("Count" + flush,
                  CountCorpusWords.create().withHeldOutPercent(PERCENT).withFlushEntries(flush));
      PAssert.thatSingleton(gather("Training" + flush, counts.get(CountCorpusWords.TRAINING)))
          .isEqualTo(training);
      PAssert.thatSingleton(gather("HeldOut" + flush, counts.get(CountCorpusWords.HELD_OUT)))
          .isEqualTo(heldOut);
    }

    // The per-line path: ReadCorpus, the held-out choice, LearnVocab.countWords on each side.
    PCollection<String> text =
        pipeline
            .apply("Read", ReadCorpus.from(pattern))
            .apply("Text", MapElements.into(TypeDescriptors.strings()).via(CorpusLine::getText))
            .setCoder(StringUtf8Coder.of());
    PAssert.thatSingleton(
            gather("PerLineTraining",
                text.apply("NotHeldOut", Filter.by(l -> !HeldOut.isHeldOut(l, PERCENT)))
                    .apply("CountTraining", LearnVocab.countWords(true))))
        .isEqualTo(training);
    PAssert.thatSingleton(
            gather("PerLineHeldOut",
                text.apply("IsHeldOut", Filter.by(l -> HeldOut.isHeldOut(l, PERCENT)))
                    .apply("CountHeldOut", LearnVocab.countWords(true))))
        .isEqualTo(heldOut);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void holdsOutNothingAtZeroPercentAndCountsNothingForEmptyFiles(TestPipeline pipeline)
      throws IOException {
    write(1);
    Files.write(dir.resolve("empty.txt"), new byte[0]);
    PCollectionTuple counts =
        pipeline
            .apply("Files", ReadCorpus.from(dir.resolve("part-1.txt").toString()).files())
            .apply("Count", CountCorpusWords.create().withHeldOutPercent(0));
    Map<String, Long> expected = new HashMap<>(count(lines(1), false));
    count(lines(1), true).forEach((w, n) -> expected.merge(w, n, Long::sum));
    PAssert.thatSingleton(gather("Training", counts.get(CountCorpusWords.TRAINING)))
        .isEqualTo(expected);
    PAssert.that(counts.get(CountCorpusWords.HELD_OUT)).empty();
    PCollectionTuple empty =
        pipeline
            .apply("EmptyFiles", ReadCorpus.from(dir.resolve("empty.txt").toString()).files())
            .apply("CountEmpty", CountCorpusWords.create());
    PAssert.that(empty.get(CountCorpusWords.TRAINING)).empty();
    PAssert.that(empty.get(CountCorpusWords.HELD_OUT)).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void readsLargeFilesInRangesWithEveryLineOnce(TestPipeline pipeline) throws IOException {
    Path file = write(1);
    Path gz = dir.resolve("part-2.txt.gz");
    try (java.io.OutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(String.join("\n", lines(2)).getBytes(StandardCharsets.UTF_8));
    }
    List<String> all = new ArrayList<>(lines(1));
    all.addAll(lines(2));
    // Ranges of 97 bytes: shorter than some lines, so some ranges hold no line start.
    assertTrue(Files.size(file) > 97 * 20);
    PCollectionTuple counts =
        pipeline
            .apply("Files", ReadCorpus.from(dir.resolve("part-*").toString()).files())
            .apply("Count", CountCorpusWords.create().withHeldOutPercent(PERCENT).withSplitBytes(97));
    PAssert.thatSingleton(gather("Training", counts.get(CountCorpusWords.TRAINING)))
        .isEqualTo(count(all, false));
    PAssert.thatSingleton(gather("HeldOut", counts.get(CountCorpusWords.HELD_OUT)))
        .isEqualTo(count(all, true));
    org.apache.beam.sdk.PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    org.apache.beam.sdk.metrics.MetricQueryResults metrics =
        result.metrics().queryMetrics(org.apache.beam.sdk.metrics.MetricsFilter.builder()
            .addNameFilter(org.apache.beam.sdk.metrics.MetricNameFilter.named(
                ReadCorpus.class, "corpus_lines_read"))
            .build());
    long linesRead = 0;
    for (org.apache.beam.sdk.metrics.MetricResult<Long> c : metrics.getCounters()) {
      linesRead += c.getAttempted();
    }
    org.junit.jupiter.api.Assertions.assertEquals(all.size(), linesRead);
  }

  @Test
  void countsInProcessWhatThePipelineCountsWithTheSameCounters() throws IOException {
    write(1); // one invalid byte
    write(2);
    Path gz = dir.resolve("part-3.txt.gz"); // read whole, decompressed
    try (java.io.OutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(String.join("\n", lines(3)).getBytes(StandardCharsets.UTF_8));
    }
    Files.write(dir.resolve("part-4.txt"), new byte[0]);
    List<String> all = new ArrayList<>(lines(1));
    all.addAll(lines(2));
    all.addAll(lines(3));
    List<org.apache.beam.sdk.io.fs.MatchResult.Metadata> files =
        ReadCorpus.matchFiles(dir.resolve("part-*").toString());
    assertEquals(4, files.size());
    long words = 0;
    for (String line : all) {
      words += count(List.of(line), false).entrySet().stream()
          .filter(e -> !e.getKey().equals(VocabReport.TOO_LONG_WORDS))
          .mapToLong(Map.Entry::getValue).sum();
      words += count(List.of(line), true).entrySet().stream()
          .filter(e -> !e.getKey().equals(VocabReport.TOO_LONG_WORDS))
          .mapToLong(Map.Entry::getValue).sum();
    }

    // Ranges of 97 bytes (some hold no line start), whole files, early flushes, 1 to 4 threads.
    for (long split : new long[] {97, CountCorpusWords.SPLIT_BYTES}) {
      for (int flush : new int[] {3, LearnVocab.FLUSH_ENTRIES}) {
        for (int threads : new int[] {1, 4}) {
          InProcessMetrics metrics = new InProcessMetrics();
          CountCorpusWords.Counts counts;
          try (java.io.Closeable scope =
              org.apache.beam.sdk.metrics.MetricsEnvironment.scopedMetricsContainer(metrics)) {
            counts = CountCorpusWords.create().withHeldOutPercent(PERCENT)
                .withSplitBytes(split).withFlushEntries(flush).countInProcess(files, threads);
          }
          String run = "split " + split + ", flush " + flush + ", threads " + threads;
          assertEquals(count(all, false), counts.training(), run);
          assertEquals(count(all, true), counts.heldOut(), run);
          Map<String, Long> counters = metrics.counters("io.beambert.");
          assertEquals(all.size(), counters.get("corpus_lines_read"), run);
          assertEquals(2L, counters.get("invalid_utf8_bytes_dropped"), run);
          assertEquals(words, counters.get("words_counted"), run);
          assertEquals(all.stream().filter(l -> l.contains(TOO_LONG)).count(),
              counters.get("words_too_long_skipped"), run);
        }
      }
    }
    assertEquals(
        new HashMap<>(),
        CountCorpusWords.create().countInProcess(List.of(), 2).training());
    assertThrows(IllegalArgumentException.class,
        () -> CountCorpusWords.create().countInProcess(files, 0));
  }

  @Test
  void countingInProcessFailsOnAFileThatCannotBeReadAndStopsTheOtherThreads() throws IOException {
    for (int file = 1; file <= 8; file++) {
      write(file);
    }
    List<org.apache.beam.sdk.io.fs.MatchResult.Metadata> files =
        ReadCorpus.matchFiles(dir.resolve("part-*.txt").toString());
    assertEquals(8, files.size());
    Files.delete(dir.resolve("part-5.txt"));
    IOException e =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(60),
            () -> assertThrows(IOException.class,
                () -> CountCorpusWords.create().withSplitBytes(97).countInProcess(files, 4)));
    assertTrue(String.valueOf(e.getMessage()).contains("part-5.txt"), String.valueOf(e));
  }

  @Test
  void rejectsValuesOutOfRange() {
    assertThrows(IllegalArgumentException.class,
        () -> CountCorpusWords.create().withHeldOutPercent(101));
    assertThrows(IllegalArgumentException.class,
        () -> CountCorpusWords.create().withHeldOutPercent(-1));
    assertThrows(IllegalArgumentException.class,
        () -> CountCorpusWords.create().withMaxLineBytes(3));
  }
}
