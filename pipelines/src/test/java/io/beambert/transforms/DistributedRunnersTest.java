package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.InstanceStats;
import io.beambert.io.ShardOutput;
import io.beambert.pipelines.BeamArgs;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: the same corpus and options give the same multiset of instances on the DirectRunner
 * and the embedded FlinkRunner, with parallelism 1 and 4, and with the input as one file or split
 * into several files in another order.
 */
class DistributedRunnersTest {
  @TempDir static Path tmp;
  static List<String> vocab;
  static String oneFile;
  static String threeFiles;

  static Path shared(String relative) {
    return Paths.get(System.getProperty("beambert.shared", "../../shared")).resolve(relative);
  }

  @BeforeAll
  static void corpus() throws IOException {
    vocab = Files.readAllLines(shared("golden/vocab-bert-base-uncased.txt"), StandardCharsets.UTF_8);
    List<String> sentences = new ArrayList<>();
    for (String f : List.of("golden/sample_text.txt", "golden/edge_corpus.txt")) {
      for (String line : Files.readAllLines(shared(f), StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          sentences.add(line);
        }
      }
    }
    Random r = new Random(42);
    List<String> docs = new ArrayList<>();
    for (int d = 0; d < 120; d++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0, k = 2 + r.nextInt(14); i < k; i++) {
        sb.append(sentences.get(r.nextInt(sentences.size()))).append('\n');
      }
      docs.add(sb.toString());
    }
    Files.createDirectories(tmp.resolve("one"));
    Files.writeString(tmp.resolve("one/in-0.txt"), String.join("\n", docs));
    oneFile = tmp.resolve("one/in-*.txt").toString();
    List<String> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(7));
    Files.createDirectories(tmp.resolve("three"));
    for (int f = 0; f < 3; f++) {
      StringBuilder sb = new StringBuilder();
      for (int d = f; d < shuffled.size(); d += 3) {
        sb.append(shuffled.get(d)).append("\n\n");
      }
      Files.writeString(tmp.resolve("three/part-" + f + ".txt"), sb);
    }
    threeFiles = tmp.resolve("three/part-*.txt").toString();
  }

  static InstanceStats run(String name, String input, String... args) throws IOException {
    Path out = tmp.resolve(name);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(BeamArgs.prepare(args)).create());
    // What the command line runs: document locations through the grouping, large files in ranges
    // (small ones here, so that every runner reads the one-file corpus in several pieces).
    InstanceOptions options = InstanceOptions.builder().dupeFactor(3).nspPoolSize(30).build();
    Vocab words = Vocab.of(vocab);
    p.apply(ReadDocuments.from(input).withRangeBytes(16 << 10))
        .apply(GroupIntoPools.with(options))
        .apply(Tokenize.with(words, options))
        .apply(PackSegments.with(options))
        .apply(PairForNsp.with(options))
        .apply(Truncate.with(options))
        .apply(Mask.with(words, options))
        .apply(
            WriteShards.to(
                ShardOutput.to(out.toString()).withRunDescription("{}", "", "runners-test")));
    p.run().waitUntilFinish();
    InstanceStats stats = new InstanceStats(vocab);
    List<Path> shards = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(out, "part-*.avro")) {
      s.forEach(shards::add);
    }
    assertEquals(4, shards.size(), name); // ceil(120 / 30)
    for (Path shard : shards) {
      try (DataFileReader<PretrainingInstance> r =
          new DataFileReader<>(shard.toFile(), new SpecificDatumReader<>(PretrainingInstance.class))) {
        r.forEach(stats::add);
      }
    }
    JsonNode counts = new ObjectMapper().readTree(out.resolve("_metadata.json").toFile()).get("counts");
    assertEquals(120, counts.get("documents_read").asLong(), name);
    assertEquals(stats.instances(), counts.get("instances").asLong(), name);
    assertTrue(stats.formatProblems().isEmpty(), stats.formatProblems().toString());
    return stats;
  }

  @Test
  void sameMultisetOnEveryRunnerParallelismAndFileSplit() throws IOException {
    InstanceStats direct1 = run("direct-1", oneFile, "--targetParallelism=1");
    assertTrue(direct1.instances() > 500, "instances: " + direct1.instances());
    String expected = direct1.digestMultiset();
    assertEquals(expected, run("direct-4-split", threeFiles, "--targetParallelism=4").digestMultiset());
    assertEquals(
        expected,
        run("flink-1", oneFile, "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1")
            .digestMultiset());
    assertEquals(
        expected,
        run("flink-4-split", threeFiles, "--runner=FlinkRunner", "--flinkMaster=[local]",
                "--parallelism=4")
            .digestMultiset());
  }
}
