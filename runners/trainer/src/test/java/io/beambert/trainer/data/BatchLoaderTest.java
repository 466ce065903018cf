package io.beambert.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.text.Vocab;
import io.beambert.trainer.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {
  private static final int VOCAB = 30522;
  private static Path shards;
  private static ShardSet set;
  private static Vocab vocab;

  @BeforeAll
  static void shards() throws Exception {
    shards = TestData.sample();
    set = ShardSet.resolve(shards.toString());
    vocab = Vocab.load(TestData.vocab());
  }

  /** Loader settings: seed 3, shuffle buffer 200, prefetch 2, 15% masked, 20 slots. */
  static BatchLoader.Settings settings(int batch, Masking masking, int threads, int worldSize,
      int rank, boolean buckets) {
    return new BatchLoader.Settings(3, batch, 200, 2, threads, masking, 0.15, 20, worldSize, rank,
        buckets);
  }

  /** A fingerprint of an instance's content. */
  private static String key(Instance x) {
    return Arrays.toString(x.inputIds) + Arrays.toString(x.maskedPositions) + x.nextSentenceLabel;
  }

  private static Map<String, Integer> contents() throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    try (InstanceStream s = new InstanceStream(set, 0, false, 1, VOCAB)) {
      for (Instance x = s.next(); x != null; x = s.next()) {
        counts.merge(key(x), 1, Integer::sum);
      }
    }
    return counts;
  }

  @Test
  void metadataDescribesTheShards() throws Exception {
    assertEquals(2, set.shards().size());
    assertEquals(128, set.seqLength());
    assertEquals(20, set.predictions());
    assertEquals(Boolean.TRUE, set.doLowerCase());
    assertTrue(set.listedInstances() > 1000, "instances " + set.listedInstances());
    assertEquals(set.listedInstances(), set.check(VOCAB, true));
    // a glob and a single file name the same shards
    assertEquals(set.shards().stream().map(ShardSet.Shard::path).map(Path::toAbsolutePath).toList(),
        ShardSet.resolve(shards + "/part-*.avro").shards().stream().map(ShardSet.Shard::path)
            .map(Path::toAbsolutePath).toList());
    assertEquals(1, ShardSet.resolve(set.shards().get(1).path().toString()).shards().size());
  }

  @Test
  void eachEpochFeedsEveryInstanceOnceInANewOrder() throws Exception {
    Map<String, Integer> expected = contents();
    long total = set.listedInstances();
    try (InstanceStream s = new InstanceStream(set, 11, true, 500, VOCAB)) {
      List<List<String>> epochs = new ArrayList<>();
      for (int e = 0; e < 2; e++) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (long i = 0; i < total; i++) {
          String k = key(s.next());
          assertEquals(new LoaderPosition(e, i + 1), s.position());
          seen.merge(k, 1, Integer::sum);
          order.add(k);
        }
        assertEquals(expected, seen, "epoch " + e);
        epochs.add(order);
      }
      assertNotEquals(epochs.get(0), epochs.get(1));
      List<String> fileOrder = new ArrayList<>();
      try (InstanceStream plain = new InstanceStream(set, 0, false, 1, VOCAB)) {
        for (Instance x = plain.next(); x != null; x = plain.next()) {
          fileOrder.add(key(x));
        }
      }
      assertNotEquals(fileOrder, epochs.get(0));
    }
  }

  @Test
  void sameSeedSameOrderAndSeekResumesExactly() throws Exception {
    List<String> uninterrupted = new ArrayList<>();
    try (InstanceStream s = new InstanceStream(set, 5, true, 300, VOCAB)) {
      for (int i = 0; i < 3000; i++) {
        uninterrupted.add(key(s.next()));
      }
    }
    LoaderPosition middle;
    try (InstanceStream s = new InstanceStream(set, 5, true, 300, VOCAB)) {
      for (int i = 0; i < 1234; i++) {
        assertEquals(uninterrupted.get(i), key(s.next()));
      }
      middle = s.position();
    }
    try (InstanceStream s = new InstanceStream(set, 5, true, 300, VOCAB)) {
      s.seek(middle);
      for (int i = 1234; i < 3000; i++) {
        assertEquals(uninterrupted.get(i), key(s.next()), "instance " + i);
      }
    }
    try (InstanceStream other = new InstanceStream(set, 6, true, 300, VOCAB)) {
      List<String> first = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        first.add(key(other.next()));
      }
      assertNotEquals(uninterrupted.subList(0, 100), first);
    }
  }

  @Test
  void batchesArePaddedToTheLongestRoundedUpToEight() throws Exception {
    try (BatchLoader loader = BatchLoader.training(set, settings(16, Masking.STATIC, 1, 1, 0, false),
        vocab, LoaderPosition.START)) {
      for (int i = 0; i < 20; i++) {
        Batch b = loader.next();
        assertEquals(16, b.size());
        int longest = 0;
        for (int r = 0; r < b.size(); r++) {
          int n = 0;
          for (int t = 0; t < b.length(); t++) {
            n += (int) b.inputMask()[r * b.length() + t];
          }
          longest = Math.max(longest, n);
        }
        assertEquals(Math.min(128, Math.max(8, (longest + 7) / 8 * 8)), b.length());
        assertEquals(new LoaderPosition(0, 16L * (i + 1)), b.end());
      }
    }
    // batch size 1 works, and an evaluation pass ends with a short batch
    try (BatchLoader loader = BatchLoader.evaluation(set, 1, 3, VOCAB)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(1, loader.next().size());
      }
      assertNull(loader.next());
    }
    try (BatchLoader loader = BatchLoader.evaluation(set, 64, 100, VOCAB)) {
      assertEquals(64, loader.next().size());
      assertEquals(36, loader.next().size());
      assertNull(loader.next());
    }
  }

  @Test
  void aTruncatedShardIsNamedNeverReadAsAShorterOne(@TempDir Path tmp) throws Exception {
    Path copy = TestData.copy(shards, tmp.resolve("cut"));
    Path shard = copy.resolve("part-00001-of-00002.avro");
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    ShardSet cut = ShardSet.resolve(copy.toString());
    ShardException e = assertThrows(ShardException.class, () -> cut.check(VOCAB, true));
    assertTrue(e.getMessage().contains("part-00001-of-00002.avro"), e.getMessage());
    // and while training, when the scan was skipped
    assertEquals(cut.listedInstances(), cut.check(VOCAB, false));
    IOException streamed = assertThrows(IOException.class, () -> {
      try (InstanceStream s = new InstanceStream(cut, 0, false, 1, VOCAB)) {
        while (s.next() != null) {
          // read to the end
        }
      }
    });
    assertTrue(streamed.getMessage().contains("part-00001-of-00002.avro"), streamed.getMessage());
  }

  @Test
  void aShardCutAtABlockEndDisagreesWithTheMetadata(@TempDir Path tmp) throws Exception {
    Path copy = TestData.copy(shards, tmp.resolve("short"));
    // Rewrite the metadata to list one more instance than the shard holds: what a shard cut
    // exactly at a block boundary looks like.
    Path meta = copy.resolve(ShardSet.METADATA);
    long listed = set.shards().get(0).expectedInstances();
    Files.writeString(meta, Files.readString(meta).replace("\"instances\" : " + listed + "\n",
        "\"instances\" : " + (listed + 1) + "\n"));
    ShardException e = assertThrows(ShardException.class,
        () -> ShardSet.resolve(copy.toString()).check(VOCAB, true));
    assertTrue(e.getMessage().contains("part-00000-of-00002.avro")
        && e.getMessage().contains("lists " + (listed + 1)), e.getMessage());
  }

  @Test
  void aFileThatIsNotAShardIsNamed(@TempDir Path tmp) throws Exception {
    Path copy = TestData.copy(shards, tmp.resolve("foreign"));
    Files.writeString(copy.resolve("part-00001-of-00002.avro"), "not avro at all\n");
    ShardException e = assertThrows(ShardException.class,
        () -> ShardSet.resolve(copy.toString()).check(VOCAB, false));
    assertTrue(e.getMessage().contains("part-00001-of-00002.avro"), e.getMessage());
  }

  @Test
  void aFolderMustHoldExactlyTheShardsItsMetadataLists(@TempDir Path tmp) throws Exception {
    Path missing = TestData.copy(shards, tmp.resolve("missing"));
    Files.delete(missing.resolve("part-00001-of-00002.avro"));
    IOException lacks = assertThrows(IOException.class, () -> ShardSet.resolve(missing.toString()));
    assertTrue(lacks.getMessage().contains("lists the shard part-00001-of-00002.avro"), lacks.getMessage());
    Path extra = TestData.copy(shards, tmp.resolve("extra"));
    Files.copy(extra.resolve("part-00000-of-00002.avro"), extra.resolve("part-00000-of-00003.avro"));
    IOException unlisted = assertThrows(IOException.class, () -> ShardSet.resolve(extra.toString()));
    assertTrue(unlisted.getMessage().contains("part-00000-of-00003.avro, which"), unlisted.getMessage());
    // a glob may pick a subset on purpose
    assertEquals(1, ShardSet.resolve(missing + "/part-*.avro").shards().size());
  }

  @Test
  void valuesOutOfRangeAreNamed(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bad"));
    Path source = set.shards().get(0).path();
    Path target = dir.resolve("part-00000-of-00001.avro");
    try (DataFileReader<GenericRecord> in =
            new DataFileReader<>(source.toFile(), new GenericDatumReader<>());
        DataFileWriter<GenericRecord> out = new DataFileWriter<>(new GenericDatumWriter<>())) {
      out.create(in.getSchema(), target.toFile());
      for (int i = 0; i < 5; i++) {
        GenericRecord r = in.next();
        if (i == 3) {
          @SuppressWarnings("unchecked")
          List<Integer> segments = (List<Integer>) r.get("segment_ids");
          segments.set(0, 2);
        }
        out.append(r);
      }
    }
    ShardSet bad = ShardSet.resolve(target.toString());
    IOException e = assertThrows(IOException.class, () -> {
      try (InstanceStream s = new InstanceStream(bad, 0, false, 1, VOCAB)) {
        while (s.next() != null) {
          // read to the bad record
        }
      }
    });
    assertTrue(e.getMessage().contains("part-00000-of-00001.avro: record 4 has a segment id or mask"
        + " value 2"), e.getMessage());
  }

  @Test
  void idsBeyondTheVocabularyAreNamed() throws Exception {
    ShardException e = assertThrows(ShardException.class, () -> set.check(1000, false));
    assertTrue(e.getMessage().contains("outside the vocabulary of 1000 entries")
        && e.getMessage().contains("part-00000-of-00002.avro"), e.getMessage());
  }

  @Test
  void aGlobMatchingNothingSaysSo() {
    IOException e = assertThrows(IOException.class,
        () -> ShardSet.resolve(shards + "/nothing-*.avro"));
    assertTrue(e.getMessage().startsWith("no shard matches"), e.getMessage());
    IOException missing = assertThrows(IOException.class,
        () -> ShardSet.resolve("/no/such/folder/part-*.avro"));
    assertTrue(missing.getMessage().contains("no folder"), missing.getMessage());
  }

  @Test
  void aLoaderFailureReachesTheTrainer(@TempDir Path tmp) throws Exception {
    Path copy = TestData.copy(shards, tmp.resolve("bad"));
    Path shard = copy.resolve("part-00000-of-00002.avro");
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    ShardSet bad = ShardSet.resolve(copy.toString());
    try (BatchLoader loader = BatchLoader.evaluation(bad, 64, Long.MAX_VALUE, VOCAB)) {
      IOException e = assertThrows(IOException.class, () -> {
        while (loader.next() != null) {
          // read to the failure
        }
      });
      assertTrue(e.getMessage().contains("part-00000-of-00002.avro"), e.getMessage());
    }
  }
}
