package io.beambert.instances.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.instances.InstanceEncoder;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.TrainingInstance;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.testing.Shared;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class PoolStepsTest {

  /** A document with its content id, sentences and their ids. */
  record Doc(String id, List<String> sentences, int[][] tokens) {}

  static List<Doc> docs(List<List<String>> raw, BertTokenizer tokenizer) {
    List<Doc> out = new ArrayList<>();
    for (List<String> sentences : raw) {
      List<int[][]> t = TestCorpus.tokenize(List.of(sentences), tokenizer);
      if (!t.isEmpty()) {
        out.add(new Doc(ContentId.of(sentences), sentences, t.get(0)));
      }
    }
    return out;
  }

  /** The steps of the distributed mode, in order. */
  static List<PoolStep> steps(Vocab vocab, InstanceOptions options) {
    return List.of(
        PoolSteps.tokenize(vocab, options),
        PoolSteps.pack(options),
        PoolSteps.pair(options),
        PoolSteps.truncate(options),
        PoolSteps.mask(options, InstanceVocab.from(vocab)));
  }

  /** Runs the steps on one pool of {@code docs}. */
  static PoolData runPool(int index, int count, List<Doc> docs, List<PoolStep> steps) {
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Doc d : docs) {
      ids.add(d.id());
      texts.add(String.join("\n", d.sentences()));
    }
    PoolData pool = new PoolData(index, count, ids, texts);
    steps.forEach(pool::apply);
    return pool;
  }

  /** A pool's instances in its output order, decoded. */
  static List<TrainingInstance> instances(PoolData pool) {
    SpecificDatumReader<PretrainingInstance> reader =
        new SpecificDatumReader<>(PretrainingInstance.class);
    List<TrainingInstance> out = new ArrayList<>();
    pool.writeInstances(
        (buffer, offset, length) -> {
          try {
            out.add(
                InstanceEncoder.fromAvro(
                    reader.read(
                        null, DecoderFactory.get().binaryDecoder(buffer, offset, length, null))));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return out;
  }

  /** What the distributed mode computes: pools by id, each run through the steps, concatenated. */
  static List<TrainingInstance> distributed(
      List<Doc> docs, int pools, InstanceOptions options, Vocab vocab) {
    Map<Integer, List<Doc>> byPool = new TreeMap<>();
    for (Doc d : docs) {
      byPool.computeIfAbsent(ContentId.pool(d.id(), pools), k -> new ArrayList<>()).add(d);
    }
    List<PoolStep> steps = steps(vocab, options);
    List<TrainingInstance> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Doc>> e : byPool.entrySet()) {
      PoolData pool = runPool(e.getKey(), pools, e.getValue(), steps);
      assertEquals(List.of(), pool.deadLetters());
      out.addAll(instances(pool));
    }
    return out;
  }

  static InstanceStats stats(List<TrainingInstance> instances, InstanceOptions o) throws IOException {
    InstanceStats s = new InstanceStats(InstanceStatsTest.vocab());
    for (TrainingInstance i : instances) {
      s.add(InstanceEncoder.toAvro(i, o.maxSeqLength(), o.maxPredictionsPerSeq()));
    }
    return s;
  }

  static InstanceVocab instanceVocab(Vocab vocab) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < vocab.size(); i++) {
      lines.add(vocab.tokenAt(i));
    }
    return InstanceVocab.fromTokens(lines);
  }

  /** The golden sample_text.txt's documents, tokenized. */
  private static List<int[][]> goldenDocuments(Vocab vocab) throws IOException {
    return TestCorpus.tokenize(
        TestCorpus.documents(Shared.path("golden/sample_text.txt")), new BertTokenizer(vocab, true));
  }

  @Test
  void encoderWritesTheBytesOfAvrosDatumWriter() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<int[][]> docs = goldenDocuments(vocab);
    for (InstanceOptions o :
        List.of(
            InstanceOptions.builder().dupeFactor(2).build(),
            InstanceOptions.builder().dupeFactor(1).maxSeqLength(32).maxPredictionsPerSeq(5).build())) {
      List<TrainingInstance> instances =
          new ReferenceGenerator(o, instanceVocab(vocab)).generateAll(docs);
      AvroInstanceEncoder fast = new AvroInstanceEncoder(o.maxSeqLength(), o.maxPredictionsPerSeq());
      SpecificDatumWriter<PretrainingInstance> writer =
          new SpecificDatumWriter<>(PretrainingInstance.class);
      BinaryEncoder enc = null;
      for (TrainingInstance i : instances) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        enc = EncoderFactory.get().binaryEncoder(bytes, enc);
        writer.write(InstanceEncoder.toAvro(i, o.maxSeqLength(), o.maxPredictionsPerSeq()), enc);
        enc.flush();
        int n = fast.encode(i);
        assertArrayEquals(bytes.toByteArray(), Arrays.copyOf(fast.buffer(), n));
      }
      assertTrue(instances.size() > 10);
    }
  }

  @Test
  void sameDocumentsInAnyOrderGiveTheSameInstances() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<Doc> docs = docs(TestCorpus.recombined(300, 5), new BertTokenizer(vocab, true));
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).build();
    List<TrainingInstance> a = distributed(docs, 3, o, vocab);
    List<Doc> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(9));
    List<TrainingInstance> b = distributed(shuffled, 3, o, vocab);
    assertEquals(a, b); // per-pool order too, since pools are sorted by id
    List<TrainingInstance> otherSeed =
        distributed(docs, 3, o.toBuilder().randomSeed(1).build(), vocab);
    assertNotEquals(stats(a, o).digestMultiset(), stats(otherSeed, o).digestMultiset());
  }

  @Test
  void oneDocumentPoolPairsTheDocumentWithItselfLikeTheReference() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<Doc> docs = docs(TestCorpus.recombined(1, 11), new BertTokenizer(vocab, true));
    InstanceOptions o = InstanceOptions.builder().dupeFactor(3).build();
    List<TrainingInstance> got = distributed(docs, 1, o, vocab);
    // After ten draws of itself the reference takes the document as its own partner.
    assertTrue(got.stream().anyMatch(TrainingInstance::isRandomNext));
    assertTrue(got.size() >= 3, "instances: " + got.size());
  }

  /** The pool's counts are the sums over its instances; a rerun gives the same bytes. */
  @Test
  void countsAreTheInstancesSumsAndRerunsAreIdentical() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<Doc> docs = docs(TestCorpus.recombined(40, 8), new BertTokenizer(vocab, true));
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).build();
    PoolData pool = runPool(0, 1, docs, steps(vocab, o));
    List<TrainingInstance> made = instances(pool);
    var counts = pool.counts();
    int n = made.size();
    assertEquals(n, counts.getInstances());
    assertEquals(made.stream().mapToLong(i -> i.length()).sum(), counts.getInstanceTokens());
    assertEquals(made.stream().mapToLong(i -> i.maskedCount()).sum(), counts.getMaskedPositions());
    assertEquals(made.stream().filter(i -> i.isRandomNext()).count(), counts.getRandomNext());
    assertTrue(counts.getRandomNext() > 0 && counts.getRandomNext() < n, counts.toString());
    assertEquals(docs.size(), counts.getDocumentsUsed());
    assertEquals(List.of((long) n), counts.getShardInstances());
    assertTrue(n > 100);
    List<byte[]> first = new ArrayList<>();
    pool.writeInstances((b, off, len) -> first.add(Arrays.copyOfRange(b, off, off + len)));
    List<byte[]> again = new ArrayList<>();
    runPool(0, 1, docs, steps(vocab, o))
        .writeInstances((b, off, len) -> again.add(Arrays.copyOfRange(b, off, off + len)));
    assertEquals(first.size(), again.size());
    for (int i = 0; i < n; i++) {
      assertArrayEquals(first.get(i), again.get(i));
    }
  }

  /** A document whose step throws is dead-lettered, leaves nothing behind, and the rest go on. */
  @Test
  void failingDocumentIsReportedAndTheOthersAreKept() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<Doc> docs = docs(TestCorpus.recombined(12, 3), new BertTokenizer(vocab, true));
    InstanceOptions o = InstanceOptions.builder().dupeFactor(3).build();
    String victim = docs.get(4).id();
    PoolStep failing =
        PoolStep.of(
            "boom",
            PoolData.Stage.PAIRED,
            PoolData.Stage.PAIRED,
            pool ->
                pool.forEachRun(
                    "boom",
                    1,
                    9,
                    (run, rng) -> {
                      if (pool.id(run.get(0).document()).equals(victim) && run.get(0).pass() == 2) {
                        throw new IllegalStateException("broken");
                      }
                    }));
    List<PoolStep> steps = new ArrayList<>(steps(vocab, o));
    steps.add(4, failing);
    PoolData pool = runPool(0, 1, docs, steps);
    assertEquals(1, pool.deadLetters().size());
    PoolData.DeadLetter letter = pool.deadLetters().get(0);
    assertEquals(victim, letter.id());
    assertEquals("boom", letter.step());
    assertEquals("IllegalStateException: broken", letter.reason());
    assertEquals(String.join("\n", docs.get(4).sentences()), letter.text());
    var counts = pool.counts();
    assertEquals(docs.size() - 1, counts.getDocumentsUsed());
    assertEquals(1, counts.getDocumentsDeadLettered());
    // The victim's passes 0 and 1 were packed and paired, but none of its instances is left.
    PoolData paired = runPool(0, 1, docs, steps(vocab, o).subList(0, 4));
    int withoutVictim = 0;
    for (PoolData.Chunk c : paired.chunks()) {
      withoutVictim += paired.id(c.document()).equals(victim) ? 0 : 1;
    }
    assertEquals(withoutVictim, pool.instanceCount());
    assertEquals(withoutVictim, instances(pool).size());
  }

  /** Steps run in order only: masking chunks that have no B yet is refused. */
  @Test
  void stepsOutOfOrderAreRefused() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<Doc> docs = docs(TestCorpus.recombined(3, 3), new BertTokenizer(vocab, true));
    InstanceOptions o = InstanceOptions.defaults();
    PoolData pool = runPool(0, 1, docs, steps(vocab, o).subList(0, 2));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> pool.apply(PoolSteps.mask(o, InstanceVocab.from(vocab))));
    assertEquals("step mask needs pairs but the pool holds chunks", e.getMessage());
  }

  @Test
  void encodedStoreRollsBack() {
    EncodedStore s = new EncodedStore();
    byte[] big = new byte[200_000];
    big[0] = 7;
    s.add(big, big.length);
    int mark = s.size();
    s.add(big, big.length); // second block
    s.add(new byte[] {1, 2, 3}, 3);
    s.truncate(mark);
    assertEquals(1, s.size());
    s.add(new byte[] {9}, 1);
    assertEquals(2, s.size());
    assertArrayEquals(new byte[] {9}, read(s, 1));
    assertArrayEquals(big, read(s, 0));
    assertEquals(200_001, s.heldBytes());
  }

  /**
   * The store leaves out the encoder's zero runs and puts them back: a pool padded to 100,000
   * positions holds its tokens, not 300 KB an instance, and reads back the exact encoding.
   */
  @Test
  void encodedStoreLeavesOutPaddingAndPutsItBack() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<int[][]> docs = goldenDocuments(vocab);
    InstanceOptions o =
        InstanceOptions.builder().dupeFactor(1).maxSeqLength(100_000).maxPredictionsPerSeq(50).build();
    List<TrainingInstance> instances =
        new ReferenceGenerator(o, instanceVocab(vocab)).generateAll(docs);
    AvroInstanceEncoder encoder = new AvroInstanceEncoder(o.maxSeqLength(), o.maxPredictionsPerSeq());
    EncodedStore store = new EncodedStore();
    List<byte[]> expected = new ArrayList<>();
    long wire = 0;
    for (TrainingInstance i : instances) {
      int n = encoder.encode(i);
      expected.add(Arrays.copyOf(encoder.buffer(), n));
      store.add(encoder.buffer(), n, encoder.padding(), encoder.paddingRuns());
      wire += n;
    }
    assertTrue(instances.size() > 5);
    for (int k = 0; k < expected.size(); k++) {
      assertArrayEquals(expected.get(k), read(store, k), "instance " + k);
    }
    assertTrue(wire > 300_000L * instances.size(), "padded size " + wire);
    assertTrue(store.heldBytes() < wire / 50, store.heldBytes() + " bytes held of " + wire);
    // A rollback keeps the earlier records and their runs.
    store.truncate(2);
    int n = encoder.encode(instances.get(5));
    store.add(encoder.buffer(), n, encoder.padding(), encoder.paddingRuns());
    assertArrayEquals(expected.get(1), read(store, 1));
    assertArrayEquals(expected.get(5), read(store, 2));
  }

  private static byte[] read(EncodedStore store, int index) {
    byte[][] out = new byte[1][];
    store.read(index, (b, off, len) -> out[0] = Arrays.copyOfRange(b, off, off + len));
    return out[0];
  }

  /** A pool's output is shuffled: no document's instances form a contiguous run. */
  @Test
  void documentsAreInterleavedInThePoolsOrder() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<Doc> docs = docs(TestCorpus.recombined(20, 12), new BertTokenizer(vocab, true));
    InstanceOptions o = InstanceOptions.builder().dupeFactor(3).build();
    List<PoolStep> steps = steps(vocab, o);
    PoolData pool = runPool(0, 1, docs, steps.subList(0, 4));
    // Instances are made in chunk order: the owner of instance k is the document of chunk k.
    List<Integer> owner = new ArrayList<>();
    pool.chunks().forEach(c -> owner.add(c.document()));
    pool.apply(steps.get(4));
    List<Integer> order = new ArrayList<>();
    for (int k : pool.order) {
      order.add(owner.get(k));
    }
    assertEquals(owner.size(), order.size());
    int longest = 1;
    for (int i = 1, run = 1; i < order.size(); i++) {
      run = order.get(i).equals(order.get(i - 1)) ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    int perDocument = order.size() / docs.size();
    assertTrue(perDocument >= 10, "instances per document: " + perDocument);
    assertTrue(longest <= 4, "longest run of one document: " + longest + " of ~" + perDocument);
  }

  @Test
  void contentIdIgnoresOriginAndPoolIsInRange() {
    String id = ContentId.of(List.of("One sentence.", "Two."));
    assertEquals(id, ContentId.of(List.of("One sentence.", "Two.")));
    assertNotEquals(id, ContentId.of(List.of("One sentence.Two.")));
    assertEquals(32, id.length());
    // MurmurHash3 x64 128 of the sentences, each + '\n', as UTF-16LE; checked against Guava's.
    List<List<String>> cases =
        List.of(
            List.of(),
            List.of("a"),
            List.of("One sentence.", "Two."),
            List.of("\u00e9t\u00e9 \ud83d\ude00 x", "seven."),
            List.of("x".repeat(100)));
    for (List<String> sentences : cases) {
      StringBuilder text = new StringBuilder();
      sentences.forEach(t -> text.append(t).append('\n'));
      byte[] h =
          org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing.murmur3_128()
              .hashBytes(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_16LE))
              .asBytes();
      java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      assertEquals(
          String.format("%016x%016x", le.getLong(), le.getLong()), ContentId.of(sentences),
          sentences.toString());
    }
    for (int pools : new int[] {1, 2, 7, 1000}) {
      int p = ContentId.pool(id, pools);
      assertTrue(p >= 0 && p < pools);
    }
  }
}
