package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.instances.InstanceOptions;
import io.beambert.io.ShardOutput;
import io.beambert.io.WindowFolders;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming mode ({@link PretrainingDataStream}) on the DirectRunner, fed by Beam's {@link
 * TestStream} with event times and watermarks under the test's control.
 */
class PretrainingDataStreamTest {
  @TempDir Path tmp;

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ShardOutput output(Path dir) {
    return ShardOutput.to(dir.toString())
        .withRunDescription("{\"mode\":\"distributed\"}", "test", "test-run");
  }

  private static PretrainingDataStream stream(Path out, InstanceOptions options)
      throws IOException {
    return PretrainingDataStream.of(Vocab.of(PretrainingDataTest.vocab()), options)
        .withWindow(Duration.standardSeconds(10))
        .withWindowDocuments(1000)
        .withAllowedLateness(Duration.standardSeconds(60))
        .to(output(out));
  }

  private static void run(TestStream<String> input, PretrainingDataStream stream) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(input).apply(stream);
    p.run().waitUntilFinish();
  }

  private static TimestampedValue<String> at(String doc, long seconds) {
    return TimestampedValue.of(doc, T0.plus(Duration.standardSeconds(seconds)));
  }

  /** Window [0, 10) s: docs a; [10, 20): nothing; [20, 30): docs b; one late, one too late. */
  private static TestStream<String> threeWindows(List<String> a, List<String> b, String late,
      String tooLate) {
    TestStream.Builder<String> s = TestStream.create(StringUtf8Coder.of()).advanceWatermarkTo(T0);
    for (int i = 0; i < a.size(); i++) {
      s = s.addElements(at(a.get(i), 1 + i % 9));
    }
    s = s.advanceWatermarkTo(T0.plus(Duration.standardSeconds(10)));
    for (int i = 0; i < b.size(); i++) {
      s = s.addElements(at(b.get(i), 21 + i % 9));
    }
    return s.advanceWatermarkTo(T0.plus(Duration.standardSeconds(35)))
        .addElements(at(late, 5)) // behind the watermark, within the allowed 60 s
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(100)))
        .addElements(at(tooLate, 6)) // 90 s after its window's end: dropped
        .advanceWatermarkToInfinity();
  }

  private static List<String> folders(Path out) throws IOException {
    return WindowFolders.committed(out).stream().map(p -> p.getFileName().toString()).toList();
  }

  private static JsonNode metadata(Path folder) throws IOException {
    return JSON.readTree(folder.resolve("_metadata.json").toFile());
  }

  @Test
  void severalWindowsAnEmptyOneAndLateData() throws IOException {
    List<String> docs = PretrainingDataTest.corpusDocuments(37, 7);
    List<String> a = docs.subList(0, 20);
    List<String> b = docs.subList(20, 35);
    Path out = tmp.resolve("stream");
    run(threeWindows(a, b, docs.get(35), docs.get(36)), stream(out, PretrainingDataTest.OPTIONS));

    assertEquals(
        List.of(
            "window-20261207T100000Z-20261207T100010Z-pane-00000",
            "window-20261207T100000Z-20261207T100010Z-pane-00001",
            "window-20261207T100020Z-20261207T100030Z-pane-00000"),
        folders(out),
        "no folder for the empty window [10, 20) s");
    List<Path> committed = WindowFolders.committed(out);
    assertEquals("ON_TIME", metadata(committed.get(0)).path("window").path("timing").asText());
    assertEquals(20, metadata(committed.get(0)).path("counts").path("documents_used").asLong());
    assertEquals("LATE", metadata(committed.get(1)).path("window").path("timing").asText());
    assertEquals(1, metadata(committed.get(1)).path("counts").path("documents_used").asLong());
    assertEquals(15, metadata(committed.get(2)).path("counts").path("documents_used").asLong());
    assertEquals("2026-12-07T10:00:20Z",
        metadata(committed.get(2)).path("window").path("start").asText());

    JsonNode manifest = JSON.readTree(out.resolve(WindowFolders.MANIFEST).toFile());
    assertEquals(3, manifest.path("windows").size());
    assertEquals(36, manifest.path("documents_used").asLong(), "the too-late document is dropped");
    long instances = 0;
    for (Path folder : committed) {
      instances += metadata(folder).path("counts").path("instances").asLong();
      assertEquals(1, ShardContents.shards(folder).size());
    }
    assertEquals(instances, manifest.path("instances").asLong());
    assertTrue(instances > 0);
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".")).toList(), "temporary files left");
    }
  }

  /** A window's shard is batch mode's shard for the same documents with one shard. */
  @Test
  void aWindowHoldsTheInstancesOfBatchModeForItsDocuments() throws IOException {
    List<String> docs = PretrainingDataTest.corpusDocuments(37, 7);
    Path out = tmp.resolve("stream");
    run(threeWindows(docs.subList(0, 20), docs.subList(20, 35), docs.get(35), docs.get(36)),
        stream(out, PretrainingDataTest.OPTIONS));
    String input = PretrainingDataTest.writeCorpus(tmp.resolve("batch-in"), docs.subList(20, 35), 2);
    Path batch = tmp.resolve("batch");
    PretrainingDataTest.run(
        PretrainingData.from(input, Vocab.of(PretrainingDataTest.vocab()), PretrainingDataTest.OPTIONS)
            .withNumShards(1)
            .to(output(batch)));
    Path window = WindowFolders.committed(out).get(2);
    assertEquals(ShardContents.read(batch), ShardContents.read(window));
    assertArrayEquals(Files.readAllBytes(ShardContents.shards(batch).get(0)),
        Files.readAllBytes(ShardContents.shards(window).get(0)));
  }

  /** An early pane fires once a window holds the document count; every document lands once. */
  @Test
  void earlyPanesByDocumentCount() throws IOException {
    List<String> docs = PretrainingDataTest.corpusDocuments(25, 3);
    TestStream.Builder<String> s = TestStream.create(StringUtf8Coder.of()).advanceWatermarkTo(T0);
    for (int from = 0; from < docs.size(); from += 10) {
      List<TimestampedValue<String>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(docs.size(), from + 10); i++) {
        batch.add(at(docs.get(i), 1 + i % 9));
      }
      s = s.addElements(batch.get(0), batch.subList(1, batch.size()).toArray(TimestampedValue[]::new));
    }
    Path out = tmp.resolve("early");
    run(s.advanceWatermarkToInfinity(),
        stream(out, PretrainingDataTest.OPTIONS).withWindowDocuments(10));
    List<Path> committed = WindowFolders.committed(out);
    assertTrue(committed.size() >= 2, committed.toString());
    assertEquals("EARLY", metadata(committed.get(0)).path("window").path("timing").asText());
    long used = 0;
    for (Path folder : committed) {
      used += metadata(folder).path("counts").path("documents_used").asLong();
    }
    assertEquals(25, used);
  }

  /**
   * A rerun over the same documents finds its panes committed with the same bytes and keeps them;
   * a run whose panes would differ (other options) is refused rather than mixed in.
   */
  @Test
  void aRetriedPaneRewritesTheSameBytes() throws IOException {
    List<String> docs = PretrainingDataTest.corpusDocuments(37, 7);
    Path out = tmp.resolve("stream");
    TestStream<String> input =
        threeWindows(docs.subList(0, 20), docs.subList(20, 35), docs.get(35), docs.get(36));
    run(input, stream(out, PretrainingDataTest.OPTIONS));
    byte[] first = Files.readAllBytes(ShardContents.shards(WindowFolders.committed(out).get(0)).get(0));
    run(input, stream(out, PretrainingDataTest.OPTIONS));
    assertEquals(3, folders(out).size());
    assertArrayEquals(first,
        Files.readAllBytes(ShardContents.shards(WindowFolders.committed(out).get(0)).get(0)));

    InstanceOptions other = InstanceOptions.builder().dupeFactor(3).nspPoolSize(40).build();
    Exception e = assertThrows(Exception.class, () -> run(input, stream(out, other)));
    assertTrue(String.valueOf(e.getMessage()).contains("was committed before with other contents"),
        String.valueOf(e.getMessage()));
  }
}
