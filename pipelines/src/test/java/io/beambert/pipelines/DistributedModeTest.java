package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed mode: deterministic shards, the same on every run and runner, sane statistics. */
class DistributedModeTest {

  private static final Path VOCAB = GoldenFiles.path("golden/vocab-bert-base-uncased.txt");
  private static final Path CORPUS = GoldenFiles.path("golden/edge_corpus.txt");
  private static final List<String> SHARDS =
      List.of("part-00000-of-00003.avro", "part-00001-of-00003.avro", "part-00002-of-00003.avro");

  private static void run(Path out, String... extra) throws IOException {
    List<String> args = new ArrayList<>();
    args.add("--input=" + CORPUS);
    args.add("--vocab=" + VOCAB);
    args.add("--output=" + out);
    args.add("--mode=distributed");
    args.add("--numShards=3");
    args.add("--dupeFactor=3");
    args.addAll(List.of(extra));
    PretrainingDataPipeline.main(args.toArray(new String[0]));
  }

  @Test
  void sameBytesOnRerunAndOnFlink(@TempDir Path dir) throws IOException {
    Path a = dir.resolve("direct-1");
    Path b = dir.resolve("direct-2");
    Path c = dir.resolve("flink");
    run(a);
    run(b);
    run(c, "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2");
    for (String shard : SHARDS) {
      byte[] expected = Files.readAllBytes(a.resolve(shard));
      assertArrayEquals(expected, Files.readAllBytes(b.resolve(shard)), shard);
      assertArrayEquals(expected, Files.readAllBytes(c.resolve(shard)), shard + " on Flink");
    }
  }

  @Test
  void instancesAreWellFormedAndCounted(@TempDir Path out) throws IOException {
    run(out, "--maxSeqLength=64", "--maxPredictionsPerSeq=10");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    InspectCommand.run(new String[] {"--input=" + out}, text);
    List<JsonNode> instances = GoldenFiles.jsonLines(text.toString(StandardCharsets.UTF_8));
    JsonNode meta = new ObjectMapper().readTree(out.resolve("_metadata.json").toFile());
    assertEquals(instances.size(), meta.get("counts").get("instances").asInt());
    long sum = 0;
    for (JsonNode s : meta.get("shards")) {
      sum += s.get("instances").asLong();
      assertTrue(s.get("instances").asLong() > 0);
    }
    assertEquals(instances.size(), sum);
    int randomNext = 0;
    for (JsonNode n : instances) {
      assertEquals(64, n.get("input_ids").size());
      assertEquals(10, n.get("masked_lm_positions").size());
      int real = 0;
      for (JsonNode m : n.get("input_mask")) {
        real += m.asInt();
      }
      assertEquals(101, n.get("input_ids").get(0).asInt());
      assertEquals(102, n.get("input_ids").get(real - 1).asInt());
      randomNext += n.get("next_sentence_labels").get(0).asInt();
      for (int i = 0; i < 10; i++) {
        if (n.get("masked_lm_weights").get(i).asDouble() == 1.0) {
          int pos = n.get("masked_lm_positions").get(i).asInt();
          assertTrue(pos > 0 && pos < real - 1);
        }
      }
    }
    // Reference: 0.534-0.541 (one-sentence chunks are always random next); edge_corpus has many.
    double share = (double) randomNext / instances.size();
    assertTrue(share > 0.45 && share < 0.75, "random-next share " + share);
    // The reference's instance count for the same corpus and flags is within a few percent.
    int reference =
        GoldenFiles.jsonLines(GoldenFiles.path("golden/instances/edge_cased.jsonl")).size() * 3;
    assertTrue(
        Math.abs(instances.size() - reference) < 0.2 * reference,
        instances.size() + " vs about " + reference);
  }
}
