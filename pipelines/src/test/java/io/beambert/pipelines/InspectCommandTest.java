package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beambert.cli.UsageException;
import io.beambert.io.InstanceShardWriter;
import io.beambert.io.OutputDirectory;
import io.beambert.io.ShardOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

  private static String inspect(String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InspectCommand.run(args, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void writeShards(Path dir, List<JsonNode> instances, int shards) throws IOException {
    ShardOutput output = ShardOutput.to(dir.toString()).withRunDescription("{}", "", "test");
    try (InstanceShardWriter w = output.openAll(shards)) {
      for (JsonNode n : instances) {
        w.write(GoldenFiles.toRecord(n));
      }
    }
    OutputDirectory.commit(dir.toString(), shards);
  }

  @Test
  void printsTheGoldenLayoutExactly(@TempDir Path dir) throws IOException {
    Path golden = GoldenFiles.path("golden/instances/edge_cased.jsonl");
    writeShards(dir, GoldenFiles.jsonLines(golden), 1);
    assertEquals(Files.readString(golden), inspect("--input=" + dir.resolve("part-*.avro")));
  }

  @Test
  void readsShardsInNameOrderAndHonoursLimit(@TempDir Path dir) throws IOException {
    List<JsonNode> golden =
        GoldenFiles.jsonLines(GoldenFiles.path("golden/instances/sample_seed0.jsonl"));
    writeShards(dir, golden, 3);
    List<JsonNode> all = GoldenFiles.jsonLines(inspect("--input=" + dir));
    // Round-robin: shard 0 holds 0, 3, 6, ...; reading shards in name order regroups them.
    int k = 0;
    for (int shard = 0; shard < 3; shard++) {
      for (int i = shard; i < golden.size(); i += 3) {
        assertEquals(golden.get(i), all.get(k++));
      }
    }
    assertEquals(golden.size(), k);
    assertEquals(2, GoldenFiles.jsonLines(inspect("--input=" + dir, "--limit=2")).size());
    assertEquals("", inspect("--input=" + dir, "--limit=0"));
  }

  @Test
  void badArguments(@TempDir Path dir) {
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> inspect("--input=" + dir.resolve("nothing-*.avro")));
    assertTrue(none.getMessage().contains("no file matches --input="), none.getMessage());
    assertThrows(UsageException.class, () -> inspect());
    assertThrows(UsageException.class, () -> inspect("--input=x", "--limit=-1"));
    assertThrows(UsageException.class, () -> inspect("--input=x", "--bogus=1"));
  }

  @Test
  void notAnAvroFileIsAnIoError(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("part-00000-of-00001.avro"), "not avro");
    assertThrows(IOException.class, () -> inspect("--input=" + dir));
  }
}
