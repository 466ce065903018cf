package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.InstanceStats;
import io.beambert.io.ShardNames;
import io.beambert.io.ShardOutput;
import io.beambert.text.Vocab;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed mode's pipeline ({@link PretrainingData}: the named transforms) on the
 * DirectRunner, with its immutability and encodability checks.
 */
class PretrainingDataTest {
  @TempDir Path tmp;

  static List<String> vocab() throws IOException {
    return Files.readAllLines(Shared.path("golden/vocab-bert-base-uncased.txt"), StandardCharsets.UTF_8);
  }

  /** Documents (blank-line separated blocks) of the golden corpora, recombined to {@code n}. */
  static List<String> corpusDocuments(int n, long seed) throws IOException {
    List<String> sentences = new ArrayList<>();
    for (String f : List.of("golden/sample_text.txt", "golden/edge_corpus.txt")) {
      for (String line : Files.readAllLines(Shared.path(f), StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          sentences.add(line);
        }
      }
    }
    Random r = new Random(seed);
    List<String> docs = new ArrayList<>();
    for (int d = 0; d < n; d++) {
      StringBuilder sb = new StringBuilder();
      int k = 2 + r.nextInt(12);
      for (int i = 0; i < k; i++) {
        sb.append(sentences.get(r.nextInt(sentences.size()))).append('\n');
      }
      docs.add(sb.toString());
    }
    return docs;
  }

  /** Writes the documents into {@code files} files (round robin), blank line between documents. */
  static String writeCorpus(Path dir, List<String> docs, int files) throws IOException {
    Files.createDirectories(dir);
    List<StringBuilder> parts = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      parts.add(new StringBuilder());
    }
    for (int d = 0; d < docs.size(); d++) {
      parts.get(d % files).append(docs.get(d)).append('\n');
    }
    for (int i = 0; i < files; i++) {
      Files.writeString(dir.resolve("in-" + i + ".txt"), parts.get(i), StandardCharsets.UTF_8);
    }
    return dir.resolve("in-*.txt").toString();
  }

  static PipelineResult run(PretrainingData generate) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(generate);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(PretrainingData.METRICS, name))
                    .build())
            .getCounters()) {
      sum += c.getCommitted();
    }
    return sum;
  }

  static final InstanceOptions OPTIONS =
      InstanceOptions.builder().dupeFactor(2).nspPoolSize(40).build();

  static PretrainingData generate(String input, Path out, InstanceOptions options)
      throws IOException {
    return PretrainingData.from(input, Vocab.of(vocab()), options)
        .to(
            ShardOutput.to(out.toString())
                .withRunDescription("{\"mode\":\"distributed\"}", "test", "test-run"));
  }

  static PretrainingData generate(String input, Path out) throws IOException {
    return generate(input, out, OPTIONS);
  }

  static JsonNode metadata(Path out) throws IOException {
    return new ObjectMapper().readTree(out.resolve("_metadata.json").toFile());
  }

  @Test
  void sameInstancesWhateverTheFileSplitAndOrder() throws IOException {
    List<String> docs = corpusDocuments(150, 1);
    String one = writeCorpus(tmp.resolve("one"), docs, 1);
    List<String> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(2));
    String three = writeCorpus(tmp.resolve("three"), shuffled, 3);

    run(generate(one, tmp.resolve("out1")));
    run(generate(three, tmp.resolve("out3")));
    InstanceStats a = ShardContents.stats(tmp.resolve("out1"), vocab());
    InstanceStats b = ShardContents.stats(tmp.resolve("out3"), vocab());
    assertTrue(a.instances() > 500, "instances: " + a.instances());
    assertTrue(a.formatProblems().isEmpty(), a.formatProblems().toString());
    assertEquals(a.digestMultiset(), b.digestMultiset());
    // The shards themselves are the same bytes: pools depend only on content.
    List<Path> sa = ShardContents.shards(tmp.resolve("out1"));
    List<Path> sb = ShardContents.shards(tmp.resolve("out3"));
    assertEquals(4, sa.size()); // ceil(150 / 40)
    for (int i = 0; i < sa.size(); i++) {
      assertArrayEquals(Files.readAllBytes(sa.get(i)), Files.readAllBytes(sb.get(i)));
    }
    JsonNode counts = metadata(tmp.resolve("out1")).get("counts");
    assertEquals(150, counts.get("documents_read").asLong());
    assertEquals(a.instances(), counts.get("instances").asLong());
  }

  @Test
  void rerunWritesIdenticalBytesAndNoTemporaryFiles() throws IOException {
    String input = writeCorpus(tmp.resolve("in"), corpusDocuments(60, 3), 2);
    run(generate(input, tmp.resolve("a")));
    run(generate(input, tmp.resolve("b")));
    List<Path> a = ShardContents.shards(tmp.resolve("a"));
    assertEquals(2, a.size());
    for (Path shard : a) {
      assertArrayEquals(
          Files.readAllBytes(shard), Files.readAllBytes(tmp.resolve("b").resolve(shard.getFileName())));
    }
    try (var files = Files.list(tmp.resolve("a"))) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".inprogress")));
    }
  }

  @Test
  void deadLettersAndEmptyDocumentsAreAccountedFor() throws IOException {
    List<String> docs = new ArrayList<>(corpusDocuments(20, 4));
    String longSentence = "word ".repeat(400).trim();
    docs.add("A short first sentence.\n" + longSentence + "\n");
    docs.add("\u0007\u0007\n\u0001\n"); // only control characters: tokenizes to nothing
    String input = writeCorpus(tmp.resolve("in"), docs, 1);
    Path out = tmp.resolve("out");
    PipelineResult result =
        run(
            generate(input, out, OPTIONS.toBuilder().maxSentenceBytes(1000).build())
                .withNumShards(3));
    assertEquals(22, counter(result, "documents_read"));
    assertEquals(20, counter(result, "documents_used"));
    assertEquals(1, counter(result, "documents_empty"));
    assertEquals(1, counter(result, "documents_dead_lettered"));

    JsonNode counts = metadata(out).get("counts");
    assertEquals(22, counts.get("documents_read").asLong());
    assertEquals(1, counts.get("documents_dead_lettered").asLong());
    assertEquals(1, counts.get("documents_empty").asLong());
    assertEquals(20, counts.get("documents_used").asLong());
    assertEquals(3, counts.get("shards").asLong());
    List<Path> letters = new ArrayList<>();
    try (var files = Files.list(out.resolve(ShardNames.DEAD_LETTER_DIR))) {
      files.forEach(letters::add);
    }
    assertEquals(1, letters.size(), letters.toString());
    JsonNode letter = new ObjectMapper().readTree(Files.readAllLines(letters.get(0)).get(0));
    assertEquals("read", letter.get("step").asText());
    assertTrue(letter.get("reason").asText().contains("1999 bytes exceeds"), letter.toString());
    assertEquals("A short first sentence.\n" + longSentence, letter.get("text").asText());
    assertEquals(32, letter.get("id").asText().length());
    long instances = 0;
    for (List<PretrainingInstance> shard : ShardContents.read(out)) {
      instances += shard.size();
    }
    assertEquals(counts.get("instances").asLong(), instances);
    assertEquals(instances, counter(result, "instances"));
    assertEquals(3, ShardContents.shards(out).size());
  }

  @Test
  void noDocumentsStillCommitsAnEmptyRun() throws IOException {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Files.writeString(in.resolve("in-0.txt"), "\n\n   \n");
    Path out = tmp.resolve("out");
    run(generate(in.resolve("in-*.txt").toString(), out));
    JsonNode counts = metadata(out).get("counts");
    assertEquals(0, counts.get("documents_read").asLong());
    assertEquals(0, counts.get("instances").asLong());
    assertEquals(1, ShardContents.shards(out).size());
    assertEquals(1, counts.get("shards").asLong()); // as many as there are files
    assertEquals(1, metadata(out).get("shards").size());
    assertFalse(Files.exists(out.resolve(ShardNames.DEAD_LETTER_DIR)));
  }

  @Test
  void rejectsBadSettings() throws IOException {
    assertThrows(
        IllegalArgumentException.class,
        () -> InstanceOptions.builder().nspPoolSize(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> ShardOutput.to(tmp.toString()).withCodec("deflate-12"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PretrainingData.from("x", Vocab.of(List.of("[PAD]", "a")), OPTIONS));
    assertTrue(e.getMessage().contains("[CLS]"), e.getMessage());
  }

  /** Compressed files carry their texts through the grouping instead of locations: same shards. */
  @Test
  void compressedFilesGiveTheSameShards() throws IOException {
    List<String> docs = corpusDocuments(120, 5);
    String plain = writeCorpus(tmp.resolve("plain"), docs, 2);
    // The same documents, one file gzip-compressed (cannot be read from an offset).
    Path mixed = tmp.resolve("mixed");
    writeCorpus(mixed, docs, 2);
    Path gz = mixed.resolve("in-1.txt.gz");
    try (java.io.OutputStream os =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      os.write(Files.readAllBytes(mixed.resolve("in-1.txt")));
    }
    Files.delete(mixed.resolve("in-1.txt"));

    run(generate(plain, tmp.resolve("sources")));
    run(generate(mixed.resolve("in-*").toString(), tmp.resolve("mixed-out")));
    List<Path> sources = ShardContents.shards(tmp.resolve("sources"));
    List<Path> mixedShards = ShardContents.shards(tmp.resolve("mixed-out"));
    assertEquals(3, sources.size()); // ceil(120 / 40)
    for (int i = 0; i < sources.size(); i++) {
      assertArrayEquals(Files.readAllBytes(sources.get(i)), Files.readAllBytes(mixedShards.get(i)));
    }
  }

  @Test
  void aFileChangedBeforeItsPoolIsReadFailsNamingIt() throws IOException {
    Path file = tmp.resolve("doc.txt");
    Files.writeString(file, "First sentence.\nSecond one.\n\nAnother document.\n");
    DocumentSource s = DocumentSource.at(file.toString(), 0, 28, "First sentence.\nSecond one.".hashCode());
    assertEquals("First sentence.\nSecond one.", s.read());
    Files.writeString(file, "First sentence!\nSecond one.\n\nAnother document.\n");
    IOException e = assertThrows(IOException.class, s::read);
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("changed"),
        e.getMessage());
    Files.writeString(file, "Short.");
    e = assertThrows(IOException.class, s::read);
    assertTrue(e.getMessage().contains("shorter"), e.getMessage());
  }

  @Test
  void aFixedNumberOfShardsKeysWithoutWaitingForTheCount() throws IOException {
    List<String> docs = corpusDocuments(60, 8);
    String input = writeCorpus(tmp.resolve("in"), docs, 1);
    run(generate(input, tmp.resolve("fixed")).withNumShards(5));
    assertEquals(5, ShardContents.shards(tmp.resolve("fixed")).size());
    assertEquals(60, metadata(tmp.resolve("fixed")).get("counts").get("documents_read").asLong());
  }
}
