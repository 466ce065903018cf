package io.beambert.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.instances.InstanceVocab;
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

  private static List<Batch> batches(BatchLoader.Settings s, LoaderPosition start, int count)
      throws Exception {
    List<Batch> out = new ArrayList<>();
    try (BatchLoader loader = BatchLoader.training(set, s, vocab, start)) {
      for (int i = 0; i < count; i++) {
        out.add(loader.next());
      }
    }
    return out;
  }

  private static void assertSameBatches(List<Batch> a, List<Batch> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).inputIds(), b.get(i).inputIds(), "batch " + i);
      assertArrayEquals(a.get(i).maskedPositions(), b.get(i).maskedPositions(), "batch " + i);
      assertArrayEquals(a.get(i).maskedIds(), b.get(i).maskedIds(), "batch " + i);
      assertEquals(a.get(i).end(), b.get(i).end(), "batch " + i);
    }
  }

  /** Each row of the batches, with its masked-LM labels put back: the instance as the shard holds it. */
  private static Map<String, Integer> originals(List<Batch> batches) {
    Map<String, Integer> counts = new HashMap<>();
    for (Batch b : batches) {
      for (int r = 0; r < b.size(); r++) {
        long[] row = Arrays.copyOfRange(b.inputIds(), r * b.length(), (r + 1) * b.length());
        for (int k = 0; k < b.predictions(); k++) {
          if (b.maskedWeights()[r * b.predictions() + k] > 0) {
            row[(int) b.maskedPositions()[r * b.predictions() + k]] = b.maskedIds()[r * b.predictions() + k];
          }
        }
        int length = 0;
        for (int t = 0; t < b.length(); t++) {
          length += (int) b.inputMask()[r * b.length() + t];
        }
        counts.merge(Arrays.toString(Arrays.copyOf(row, length)), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static Map<String, Integer> shardOriginals() throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    InstanceVocab ids = InstanceVocab.from(vocab);
    try (InstanceStream s = new InstanceStream(set, 0, false, 1, VOCAB)) {
      for (Instance x = s.next(); x != null; x = s.next()) {
        counts.merge(Arrays.toString(Remasker.originals(x, x.length(), ids)), 1, Integer::sum);
      }
    }
    return counts;
  }

  @Test
  void severalLoaderThreadsFeedTheSameBatchesAndEachInstanceOncePerEpoch() throws Exception {
    long total = set.listedInstances();
    // Whole epochs in whole batches: the largest batch size of 4 to 16 that divides the epoch.
    int batch = 16;
    while (batch >= 4 && total % batch != 0) {
      batch--;
    }
    assertTrue(batch >= 4, total + " instances: no batch size of 4 to 16 divides the epoch");
    int perEpoch = (int) (total / batch);
    BatchLoader.Settings one = settings(batch, Masking.DYNAMIC, 1, 1, 0, false);
    BatchLoader.Settings four = settings(batch, Masking.DYNAMIC, 4, 1, 0, false);
    List<Batch> a = batches(one, LoaderPosition.START, 2 * perEpoch);
    List<Batch> b = batches(four, LoaderPosition.START, 2 * perEpoch);
    assertSameBatches(a, b);
    Map<String, Integer> expected = shardOriginals();
    assertEquals(expected, originals(b.subList(0, perEpoch)), "epoch 0");
    assertEquals(expected, originals(b.subList(perEpoch, 2 * perEpoch)), "epoch 1");
    assertEquals(new LoaderPosition(0, total), b.get(perEpoch - 1).end());
  }

  @Test
  void ranksFeedDisjointPartsOfEveryEpochAndTogetherAllOfIt() throws Exception {
    int world = 3;
    long total = set.listedInstances();
    List<java.util.Set<String>> seen = new ArrayList<>();
    for (int rank = 0; rank < world; rank++) {
      java.util.Set<String> mine = new java.util.HashSet<>();
      try (InstanceStream s = new InstanceStream(set, 9, true, 100, VOCAB, world, rank)) {
        long share = total / world + (rank < total % world ? 1 : 0);
        for (long i = 0; i < share; i++) {
          Instance x = s.next();
          assertEquals(0, x.epoch);
          assertTrue(mine.add(x.stableId()), "fed twice: " + x.stableId());
        }
        assertEquals(1, s.next().epoch, "rank " + rank + " has had its share of epoch 0");
      }
      seen.add(mine);
    }
    java.util.Set<String> all = new java.util.HashSet<>();
    for (java.util.Set<String> mine : seen) {
      for (String id : mine) {
        assertTrue(all.add(id), id + " fed to two ranks");
      }
    }
    assertEquals(total, all.size(), "the ranks together feed the whole epoch");
  }

  @Test
  void bucketingByLengthFeedsTheSameInstancesWithLessPadding() throws Exception {
    int window = 8 * BatchLoader.BUCKET_WINDOW;
    int windows = (int) (set.listedInstances() / window);
    List<Batch> plain = batches(settings(8, Masking.STATIC, 1, 1, 0, false), LoaderPosition.START,
        windows * BatchLoader.BUCKET_WINDOW);
    List<Batch> bucketed = batches(settings(8, Masking.STATIC, 1, 1, 0, true), LoaderPosition.START,
        windows * BatchLoader.BUCKET_WINDOW);
    assertEquals(originals(plain), originals(bucketed), "the same instances, in another order");
    long plainSlots = 0;
    long bucketedSlots = 0;
    long real = 0;
    for (int i = 0; i < plain.size(); i++) {
      plainSlots += (long) plain.get(i).size() * plain.get(i).length();
      bucketedSlots += (long) bucketed.get(i).size() * bucketed.get(i).length();
      real += plain.get(i).realTokens();
    }
    double plainPadding = 1 - (double) real / plainSlots;
    double bucketedPadding = 1 - (double) real / bucketedSlots;
    assertTrue(bucketedPadding < plainPadding / 2,
        "padded fraction " + plainPadding + " without, " + bucketedPadding + " with bucketing");
  }

  @Test
  void aLoaderStartedMidWindowFeedsWhatTheUninterruptedOneFed() throws Exception {
    // Rank 1 of 2 gets half the instances, an epoch: its third window of batches of 8 straddles
    // the end of epoch 0.
    long batchesPerEpoch = set.listedInstances() / 2 / 8;
    assertTrue(
        batchesPerEpoch >= 2 * BatchLoader.BUCKET_WINDOW
            && batchesPerEpoch < 3 * BatchLoader.BUCKET_WINDOW,
        batchesPerEpoch + " batches an epoch: epoch 0 does not end in the third window");
    BatchLoader.Settings s = settings(8, Masking.SPAN, 2, 2, 1, true);
    int count = 3 * BatchLoader.BUCKET_WINDOW + 10;
    List<Batch> uninterrupted = batches(s, LoaderPosition.START, count);
    for (int cut : new int[] {BatchLoader.BUCKET_WINDOW + 17, 2 * BatchLoader.BUCKET_WINDOW + 17,
        2 * BatchLoader.BUCKET_WINDOW + 30}) {
      LoaderPosition position = uninterrupted.get(cut - 1).end();
      assertEquals(cut % BatchLoader.BUCKET_WINDOW, position.batchesIntoWindow());
      assertSameBatches(uninterrupted.subList(cut, count), batches(s, position, count - cut));
    }
  }

  @Test
  void aFailureOnAWorkerThreadReachesTheTrainerAndStays(@TempDir Path tmp) throws Exception {
    Path copy = TestData.copy(shards, tmp.resolve("corrupt"));
    for (String name : List.of("part-00000-of-00002.avro", "part-00001-of-00002.avro")) {
      Path shard = copy.resolve(name);
      Path rewritten = copy.resolve(name + ".tmp");
      try (DataFileReader<GenericRecord> in = new DataFileReader<>(shard.toFile(), new GenericDatumReader<>());
          DataFileWriter<GenericRecord> out = new DataFileWriter<>(new GenericDatumWriter<>())) {
        out.create(in.getSchema(), rewritten.toFile());
        while (in.hasNext()) {
          GenericRecord r = in.next();
          @SuppressWarnings("unchecked")
          List<Integer> positions = (List<Integer>) r.get("masked_lm_positions");
          positions.set(0, 0); // every record's first masked position on [CLS]
          out.append(r);
        }
      }
      Files.move(rewritten, shard, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    ShardSet bad = ShardSet.resolve(copy.toString());
    try (BatchLoader loader = BatchLoader.training(bad, settings(8, Masking.DYNAMIC, 3, 1, 0, false),
        vocab, LoaderPosition.START)) {
      IOException first = assertThrows(IOException.class, loader::next);
      assertTrue(first.getMessage().contains("cannot be masked again"), first.getMessage());
      assertSame(first, assertThrows(IOException.class, loader::next), "the failure stays");
    }
  }

  @Test
  void sameNamedShardsOfTwoFoldersGetDistinctNames(@TempDir Path tmp) throws Exception {
    TestData.copy(shards, tmp.resolve("a"));
    TestData.copy(shards, tmp.resolve("b"));
    ShardSet both = ShardSet.resolve(tmp + "/*/part-*.avro");
    assertEquals(List.of("a/part-00000-of-00002.avro", "a/part-00001-of-00002.avro",
        "b/part-00000-of-00002.avro", "b/part-00001-of-00002.avro"),
        both.shards().stream().map(ShardSet.Shard::name).toList());
    assertEquals(List.of("part-00000-of-00002.avro", "part-00001-of-00002.avro"),
        set.shards().stream().map(ShardSet.Shard::name).toList());
  }

  @Test
  void moreRanksThanInstancesIsAnError(@TempDir Path tmp) throws Exception {
    Path one = Files.createDirectories(tmp.resolve("one"));
    Path target = one.resolve("part-00000-of-00001.avro");
    try (DataFileReader<GenericRecord> in =
            new DataFileReader<>(set.shards().get(0).path().toFile(), new GenericDatumReader<>());
        DataFileWriter<GenericRecord> out = new DataFileWriter<>(new GenericDatumWriter<>())) {
      out.create(in.getSchema(), target.toFile());
      out.append(in.next());
      out.append(in.next());
    }
    try (InstanceStream s = new InstanceStream(ShardSet.resolve(target.toString()), 1, true, 10,
        VOCAB, 3, 2)) {
      IOException e = assertThrows(IOException.class, s::next);
      assertTrue(e.getMessage().contains("fewer instances than there are ranks"), e.getMessage());
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
