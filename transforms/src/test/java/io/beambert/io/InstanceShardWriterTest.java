package io.beambert.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.schemas.PretrainingInstance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceShardWriterTest {
  /** Opens the shards of a run with run key "key". */
  private static InstanceShardWriter open(Path dir, int shards) throws IOException {
    return ShardOutput.to(dir.toString()).withRunDescription("{}", "", "key").openAll(shards);
  }

  /** Commits a run written with {@code ShardOutput.to(dir)} and run key "key". */
  private static void commit(String dir, long[] counts) throws IOException {
    ShardOutput out = ShardOutput.to(dir).withRunDescription("{}", "", "key");
    OutputDirectory.commit(dir, counts, i -> out.openShard(i, counts.length));
  }


  static PretrainingInstance instance(int k) {
    return PretrainingInstance.newBuilder()
        .setInputIds(List.of(101, k, 102))
        .setInputMask(List.of(1, 1, 1))
        .setSegmentIds(List.of(0, 0, 0))
        .setMaskedLmPositions(List.of(1))
        .setMaskedLmIds(List.of(k))
        .setMaskedLmWeights(List.of(1.0f))
        .setNextSentenceLabels(k % 2)
        .build();
  }

  private static List<Integer> read(Path file) throws IOException {
    List<Integer> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        DataFileStream<PretrainingInstance> s =
            new DataFileStream<>(in, new SpecificDatumReader<>(PretrainingInstance.class))) {
      for (PretrainingInstance r : s) {
        out.add(r.getInputIds().get(1));
      }
    }
    return out;
  }

  private static void writeRun(Path dir, int shards, int records) throws IOException {
    try (InstanceShardWriter w = open(dir, shards)) {
      for (int k = 0; k < records; k++) {
        w.write(instance(k));
      }
    }
    OutputDirectory.commit(dir.toString(), shards);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void writesRoundRobinAndRenamesOnCommit(@TempDir Path dir) throws IOException {
    try (InstanceShardWriter w = open(dir, 3)) {
      for (int k = 0; k < 7; k++) {
        w.write(instance(k));
      }
      assertArrayEquals(new long[] {3, 2, 2}, w.countsPerShard());
    }
    assertEquals(
        List.of(
            ".part-00000-of-00003.avro.inprogress",
            ".part-00001-of-00003.avro.inprogress",
            ".part-00002-of-00003.avro.inprogress"),
        names(dir));
    OutputDirectory.commit(dir.toString(), 3);
    assertSevenRecordsCommittedRoundRobin(dir);
  }

  /** Records 0 to 6 over three committed shards, round-robin. */
  private static void assertSevenRecordsCommittedRoundRobin(Path dir) throws IOException {
    assertEquals(
        List.of("part-00000-of-00003.avro", "part-00001-of-00003.avro", "part-00002-of-00003.avro"),
        names(dir));
    assertEquals(List.of(0, 3, 6), read(dir.resolve("part-00000-of-00003.avro")));
    assertEquals(List.of(1, 4), read(dir.resolve("part-00001-of-00003.avro")));
    assertEquals(List.of(2, 5), read(dir.resolve("part-00002-of-00003.avro")));
  }

  @Test
  void aRetriedCommitKeepsTheShardsAnEarlierAttemptRenamed(@TempDir Path dir) throws IOException {
    try (InstanceShardWriter w = open(dir, 3)) {
      for (int k = 0; k < 7; k++) {
        w.write(instance(k));
      }
    }
    // An attempt that renamed only the first shard, then failed.
    Files.move(
        dir.resolve(".part-00000-of-00003.avro.inprogress"),
        dir.resolve("part-00000-of-00003.avro"));
    long[] counts = {3, 2, 2};
    commit(dir.toString(), counts);
    commit(dir.toString(), counts); // and once more after a complete one
    assertSevenRecordsCommittedRoundRobin(dir);
  }

  @Test
  void aShardWithoutRecordsAndWithoutAFileIsCommittedEmptyAndALostShardFailsTheCommit(
      @TempDir Path dir) throws IOException {
    try (InstanceShardWriter w = open(dir, 3)) {
      w.write(instance(0));
      w.write(instance(1));
    }
    Files.delete(dir.resolve(".part-00002-of-00003.avro.inprogress")); // it received nothing
    Files.delete(dir.resolve(".part-00001-of-00003.avro.inprogress")); // it held a record: lost
    IOException lost = assertThrows(IOException.class,
        () -> commit(dir.toString(), new long[] {1, 1, 0}));
    assertTrue(lost.getMessage().contains("part-00001-of-00003.avro"), lost.getMessage());
    assertThrows(IOException.class, () -> OutputDirectory.commit(dir.toString(), 3));

    Path other = dir.resolve("other");
    try (InstanceShardWriter w = open(other, 3)) {
      w.write(instance(0));
    }
    Files.delete(other.resolve(".part-00002-of-00003.avro.inprogress"));
    commit(other.toString(), new long[] {1, 0, 0});
    assertEquals(List.of(0), read(other.resolve("part-00000-of-00003.avro")));
    assertEquals(List.of(), read(other.resolve("part-00002-of-00003.avro")));
  }

  @Test
  void encodedRecordsGiveTheSameFilesAsRecords(@TempDir Path a, @TempDir Path b)
      throws IOException {
    writeRun(a, 2, 300); // through write(PretrainingInstance)
    org.apache.avro.specific.SpecificDatumWriter<PretrainingInstance> datum =
        new org.apache.avro.specific.SpecificDatumWriter<>(PretrainingInstance.class);
    try (InstanceShardWriter w = open(b, 2)) {
      for (int k = 0; k < 300; k++) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder =
            org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
        datum.write(instance(k), encoder);
        encoder.flush();
        byte[] record = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() + 7);
        w.writeEncoded(record, 0, bytes.size()); // bytes past the length are not written
      }
      assertArrayEquals(new long[] {150, 150}, w.countsPerShard());
    }
    OutputDirectory.commit(b.toString(), 2);
    for (String shard : List.of("part-00000-of-00002.avro", "part-00001-of-00002.avro")) {
      assertArrayEquals(
          Files.readAllBytes(a.resolve(shard)), Files.readAllBytes(b.resolve(shard)), shard);
    }
  }

  @Test
  void rerunGivesByteIdenticalShards(@TempDir Path a, @TempDir Path b) throws IOException {
    writeRun(a, 2, 50);
    writeRun(b, 2, 50);
    for (String name : names(a)) {
      assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)));
    }
    assertFalse(
        java.util.Arrays.equals(
            ShardNames.syncMarker(ShardOutput.DISTRIBUTED_MARKERS, "key", 0, 2),
            ShardNames.syncMarker(ShardOutput.DISTRIBUTED_MARKERS, "key", 1, 2)));
  }

  @Test
  void prepareRefusesNonEmptyDirectoryUnlessOverwrite(@TempDir Path dir) throws IOException {
    OutputDirectory.prepare(dir.resolve("new").toString(), false);
    writeRun(dir, 1, 3);
    OutputDirectory.writeMetadata(dir.toString(), "{}\n");
    Files.writeString(dir.resolve("notes.txt"), "mine");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> OutputDirectory.prepare(dir.toString(), false));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertTrue(e.getMessage().contains("--overwrite=true"), e.getMessage());
    OutputDirectory.prepare(dir.toString(), true);
    assertEquals(List.of("notes.txt"), names(dir));
  }

  @Test
  void leftoversOfAFailedRunDoNotCountAsContent(@TempDir Path dir) throws IOException {
    try (InstanceShardWriter w = open(dir, 2)) {
      w.write(instance(1));
    }
    OutputDirectory.prepare(dir.toString(), false);
    assertEquals(List.of(), names(dir));
  }

  @Test
  void metadataIsWrittenUnderItsFinalName(@TempDir Path dir) throws IOException {
    OutputDirectory.writeMetadata(dir.toString(), "{\"a\": 1}\n");
    assertEquals(List.of("_metadata.json"), names(dir));
    assertEquals("{\"a\": 1}\n", Files.readString(dir.resolve("_metadata.json")));
  }

  /** A commit finds shards that another run wrote into the same folder and refuses the output. */
  @Test
  void commitRefusesShardsItDidNotWrite(@TempDir Path dir) throws IOException {
    try (InstanceShardWriter w = open(dir, 2)) {
      w.write(instance(1));
      w.write(instance(2));
    }
    Files.writeString(dir.resolve("part-00001-of-00003.avro"), "another run's shard");
    IOException e = assertThrows(IOException.class, () -> OutputDirectory.commit(dir.toString(), 2));
    assertTrue(e.getMessage().contains("holds part-00001-of-00003.avro, which this run did not"
        + " write: another run wrote into the same folder"), e.getMessage());
  }
}
