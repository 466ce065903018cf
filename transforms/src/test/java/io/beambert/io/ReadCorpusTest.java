package io.beambert.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beambert.schemas.CorpusLine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestPipelineExtension.class)
class ReadCorpusTest {
  @TempDir Path dir;

  private static CorpusLine line(Path file, long index, String text) {
    return CorpusLine.newBuilder().setFile(file.toString()).setLine(index).setText(text).build();
  }

  static long counter(PipelineResult result, String name) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(ReadCorpus.class, name)).build());
    Iterator<MetricResult<Long>> it = metrics.getCounters().iterator();
    return it.hasNext() ? it.next().getAttempted() : 0L;
  }

  @Test
  void countersAreUpdatedWhileAFileIsReadAndTotalExactly() throws IOException {
    int n = 2 * ReadCorpus.COUNTER_LINES + 123;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append("line ").append(i).append('\n');
    }
    org.apache.beam.runners.core.metrics.MetricsContainerImpl container =
        new org.apache.beam.runners.core.metrics.MetricsContainerImpl("read");
    org.apache.beam.sdk.metrics.MetricName linesRead =
        org.apache.beam.sdk.metrics.MetricName.named(ReadCorpus.class, "corpus_lines_read");
    java.util.List<Long> seen = new java.util.ArrayList<>();
    try (java.io.Closeable scope =
        org.apache.beam.sdk.metrics.MetricsEnvironment.scopedMetricsContainer(container)) {
      new ReadCorpus.ReadLinesFn(ReadCorpus.DEFAULT_MAX_LINE_BYTES)
          .read(
              "mem",
              new java.io.ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)),
              line -> seen.add(container.getCounter(linesRead).getCumulative()));
    }
    assertEquals(n, seen.size());
    // Line i is emitted after the counter was updated for every full block before it.
    for (int i : new int[] {0, ReadCorpus.COUNTER_LINES - 1, ReadCorpus.COUNTER_LINES,
        2 * ReadCorpus.COUNTER_LINES + 5, n - 1}) {
      assertEquals((long) i / ReadCorpus.COUNTER_LINES * ReadCorpus.COUNTER_LINES, seen.get(i),
          "at line " + i);
    }
    assertEquals(n, container.getCounter(linesRead).getCumulative());
  }

  @Test
  void readsLinesWithIndexesDroppingInvalidUtf8(TestPipeline p) throws IOException {
    Path a = dir.resolve("a.txt");
    Path b = dir.resolve("b.txt");
    Path empty = dir.resolve("empty.txt");
    Files.write(a, concat("First line.\r\n".getBytes(StandardCharsets.UTF_8),
        new byte[] {'b', (byte) 0xFF, 'a', 'd', '\n', 0, 'n', 'u', 'l', 0, '\n', '\n'},
        "  last without newline ".getBytes(StandardCharsets.UTF_8)));
    Files.write(b, "\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8));
    Files.write(empty, new byte[0]);

    PCollection<CorpusLine> lines = p.apply(ReadCorpus.from(dir.resolve("*.txt").toString()));
    PAssert.that(lines).containsInAnyOrder(
        line(a, 0, "First line.\r"), line(a, 1, "bad"), line(a, 2, "\u0000nul\u0000"),
        line(a, 3, ""), line(a, 4, "  last without newline "), line(b, 0, "\u00e9t\u00e9"));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(6, counter(result, "corpus_lines_read"));
    assertEquals(1, counter(result, "invalid_utf8_bytes_dropped"));
    assertEquals(0, counter(result, "lines_truncated"));
  }

  @Test
  void emptyFileGivesNoLines(TestPipeline p) throws IOException {
    Path empty = dir.resolve("empty.txt");
    Files.write(empty, new byte[0]);
    PAssert.that(p.apply(ReadCorpus.from(empty.toString()))).empty();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(0, counter(result, "corpus_lines_read"));
  }

  @Test
  void hugeLineWithoutNewlineIsCutToTheBound(TestPipeline p) throws IOException {
    Path huge = dir.resolve("huge.txt");
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'x');
    try (OutputStream out = Files.newOutputStream(huge)) {
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
    }
    PCollection<CorpusLine> lines = p.apply(ReadCorpus.from(huge.toString()));
    PAssert.that(lines).satisfies(all -> {
      Iterator<CorpusLine> it = all.iterator();
      CorpusLine only = it.next();
      assertEquals(false, it.hasNext());
      assertEquals(0L, only.getLine());
      assertEquals(ReadCorpus.DEFAULT_MAX_LINE_BYTES, only.getText().length());
      return null;
    });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(1, counter(result, "corpus_lines_read"));
    assertEquals(1, counter(result, "lines_truncated"));
    assertEquals(50L * (1 << 20) - ReadCorpus.DEFAULT_MAX_LINE_BYTES,
        counter(result, "bytes_dropped_long_lines"));
  }

  @Test
  void smallerBoundCutsOnACharacterBoundary(TestPipeline p) throws IOException {
    Path f = dir.resolve("f.txt");
    Files.write(f, "a\u00e9\u00e9\nok".getBytes(StandardCharsets.UTF_8));
    PAssert.that(p.apply(ReadCorpus.from(f.toString()).withMaxLineBytes(4)))
        .containsInAnyOrder(line(f, 0, "a\u00e9"), line(f, 1, "ok"));
    p.run().waitUntilFinish();
  }

  @Test
  void checkMatchesFailsClearlyBeforeThePipelineRuns() throws IOException {
    String pattern = dir.resolve("*.missing").toString();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReadCorpus.checkMatches(pattern));
    assertEquals("no file matches --input=" + pattern, e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ReadCorpus.checkMatches(dir.resolve("nope.txt").toString()));
    Path f = dir.resolve("present.txt");
    Files.writeString(f, "x\n");
    assertDoesNotThrow(() -> ReadCorpus.checkMatches(dir.resolve("*.txt").toString()));
    assertDoesNotThrow(() -> ReadCorpus.checkMatches(f.toString()));
    assertThrows(IllegalArgumentException.class, () -> ReadCorpus.from(""));
    assertThrows(IllegalArgumentException.class,
        () -> ReadCorpus.from("x").withMaxLineBytes(3));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] part : parts) {
      n += part.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, o, part.length);
      o += part.length;
    }
    return out;
  }
}
