package io.beambert.instances.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.instances.InstanceEncoder;
import io.beambert.instances.InstanceMaker;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.MaskedLm;
import io.beambert.instances.NextSentencePairer;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.TrainingInstance;
import io.beambert.random.KeyedRandom;
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
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class PoolGeneratorTest {

  /** A document with its content id. */
  record Doc(String id, int[][] tokens) {}

  static List<Doc> docs(List<List<String>> raw, BertTokenizer tokenizer) {
    List<Doc> out = new ArrayList<>();
    for (List<String> sentences : raw) {
      List<int[][]> t = TestCorpus.tokenize(List.of(sentences), tokenizer);
      if (!t.isEmpty()) {
        out.add(new Doc(ContentId.of(sentences), t.get(0)));
      }
    }
    return out;
  }

  /** What the distributed mode computes: pools by id, each sorted by id, then concatenated. */
  static List<TrainingInstance> distributed(
      List<Doc> docs, int pools, InstanceOptions options, InstanceVocab vocab) {
    Map<Integer, List<Doc>> byPool = new TreeMap<>();
    for (Doc d : docs) {
      byPool.computeIfAbsent(ContentId.pool(d.id(), pools), k -> new ArrayList<>()).add(d);
    }
    PoolGenerator generator = new PoolGenerator(options, vocab);
    List<TrainingInstance> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Doc>> e : byPool.entrySet()) {
      List<Doc> pool = new ArrayList<>(e.getValue());
      pool.sort((a, b) -> a.id().compareTo(b.id()));
      List<String> ids = new ArrayList<>();
      List<int[][]> tokens = new ArrayList<>();
      for (Doc d : pool) {
        ids.add(d.id());
        tokens.add(d.tokens());
      }
      generator.generate(
          ids, tokens, e.getKey() + "-of-" + pools, out::add,
          f -> {
            throw f.cause();
          });
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

  @Test
  void encoderWritesTheBytesOfAvrosDatumWriter() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<int[][]> docs =
        TestCorpus.tokenize(
            TestCorpus.documents(Shared.path("golden/sample_text.txt")),
            new BertTokenizer(vocab, true));
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
    InstanceVocab iv = instanceVocab(vocab);
    List<TrainingInstance> a = distributed(docs, 3, o, iv);
    List<Doc> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(9));
    List<TrainingInstance> b = distributed(shuffled, 3, o, iv);
    assertEquals(a, b); // per-pool order too, since pools are sorted by id
    List<TrainingInstance> otherSeed =
        distributed(docs, 3, o.toBuilder().randomSeed(1).build(), iv);
    assertNotEquals(stats(a, o).digestMultiset(), stats(otherSeed, o).digestMultiset());
  }

  @Test
  void oneDocumentPoolPairsTheDocumentWithItselfLikeTheReference() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    InstanceVocab iv = instanceVocab(vocab);
    List<Doc> docs =
        docs(TestCorpus.recombined(1, 11), new BertTokenizer(vocab, true));
    InstanceOptions o = InstanceOptions.builder().dupeFactor(3).build();
    List<TrainingInstance> got = distributed(docs, 1, o, iv);
    // Expected: each pass on its own stream, partners drawn over a one-document corpus.
    InstanceMaker maker = new InstanceMaker(o, new MaskedLm(o, iv, true));
    List<TrainingInstance> expected = new ArrayList<>();
    List<int[][]> corpus = new ArrayList<>();
    corpus.add(docs.get(0).tokens());
    for (int pass = 0; pass < 3; pass++) {
      maker.createInstances(
          corpus.get(0),
          NextSentencePairer.referencePartners(corpus, 0),
          KeyedRandom.forKey(o.randomSeed(), docs.get(0).id(), pass, PoolGenerator.STEP_INSTANCES),
          expected::add);
    }
    assertEquals(stats(expected, o).digestMultiset(), stats(got, o).digestMultiset());
    assertNotEquals(stats(expected, o).digestOrdered(), stats(got, o).digestOrdered());
  }

  @Test
  void encodedGenerationGivesTheSameRecordsInTheSameOrder() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    List<Doc> docs = docs(TestCorpus.recombined(40, 8), new BertTokenizer(vocab, true));
    docs.sort((a, b) -> a.id().compareTo(b.id()));
    List<String> ids = new ArrayList<>();
    List<int[][]> tokens = new ArrayList<>();
    docs.forEach(d -> { ids.add(d.id()); tokens.add(d.tokens()); });
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).build();
    PoolGenerator g = new PoolGenerator(o, instanceVocab(vocab));
    AvroInstanceEncoder encoder = new AvroInstanceEncoder(o.maxSeqLength(), o.maxPredictionsPerSeq());
    List<byte[]> expected = new ArrayList<>();
    g.generate(ids, tokens, "p", i -> expected.add(Arrays.copyOf(encoder.buffer(), encoder.encode(i))),
        f -> { throw f.cause(); });
    List<byte[]> got = new ArrayList<>();
    AvroInstanceEncoder encoder2 = new AvroInstanceEncoder(o.maxSeqLength(), o.maxPredictionsPerSeq());
    List<io.beambert.instances.TrainingInstance> made = new ArrayList<>();
    g.generate(ids, tokens, "p", made::add, f -> { throw f.cause(); });
    PoolGenerator.Totals totals = g.generateEncoded(ids, tokens, "p", encoder2,
        (b, off, len) -> got.add(Arrays.copyOfRange(b, off, off + len)), f -> { throw f.cause(); });
    int n = (int) totals.instances();
    assertEquals(expected.size(), n);
    assertEquals(made.stream().mapToLong(i -> i.length()).sum(), totals.instanceTokens());
    assertEquals(made.stream().mapToLong(i -> i.maskedCount()).sum(), totals.maskedPositions());
    assertEquals(made.stream().filter(i -> i.isRandomNext()).count(), totals.randomNext());
    assertTrue(totals.randomNext() > 0 && totals.randomNext() < n, totals.toString());
    assertTrue(n > 100);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(expected.get(i), got.get(i));
    }
  }

  /** A document whose generation throws is reported, leaves nothing behind, and the rest go on. */
  @Test
  void failingDocumentIsReportedAndTheOthersAreKept() {
    InstanceVocab iv =
        InstanceVocab.fromTokens(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"));
    InstanceOptions o = InstanceOptions.builder().dupeFactor(10).build();
    PoolGenerator g = new PoolGenerator(o, iv);
    int[][] shortDoc = {{5, 6}, {6, 5}};
    int[] longSentence = new int[60];
    Arrays.fill(longSentence, 5);
    int[][] longDoc = {longSentence, longSentence};
    // An encoder for 20 tokens cannot take the long document's instances: its encoding throws.
    AvroInstanceEncoder small = new AvroInstanceEncoder(20, o.maxPredictionsPerSeq());
    List<PoolGenerator.Failure> failures = new ArrayList<>();
    List<byte[]> records = new ArrayList<>();
    PoolGenerator.Totals all =
        g.generateEncoded(
            List.of("a", "b", "c"),
            Arrays.<int[][]>asList(shortDoc, longDoc, shortDoc),
            "p",
            small,
            (b, off, len) -> records.add(Arrays.copyOfRange(b, off, off + len)),
            failures::add);
    // Every document pairs with the long one in one of its ten passes (random next; true for
    // these ids and seed), so all three fail;
    // the partial output of each is rolled back and the call still completes.
    assertEquals(List.of(0, 1, 2), failures.stream().map(PoolGenerator.Failure::index).toList());
    assertTrue(failures.get(1).cause() instanceof IllegalArgumentException);
    assertEquals(new PoolGenerator.Totals(0, 0, 0, 0), all);
    assertEquals(0, records.size());
    // Without the long document the same documents go through.
    failures.clear();
    int m =
        (int) g.generateEncoded(
                List.of("a", "c"), Arrays.<int[][]>asList(shortDoc, shortDoc), "p", small,
                (b, off, len) -> records.add(Arrays.copyOfRange(b, off, off + len)), failures::add)
            .instances();
    assertTrue(failures.isEmpty());
    assertTrue(m >= 4 && records.size() == m, "instances: " + m);
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
    assertEquals(9, s.block(1)[s.offset(1)]);
    assertEquals(7, s.block(0)[s.offset(0)]);
    assertEquals(200_000, s.offset(1));
  }

  /** A pool's output is shuffled: no document's instances form a contiguous run. */
  @Test
  void documentsAreInterleavedInThePoolsOrder() throws IOException {
    Vocab vocab = TestCorpus.vocab();
    InstanceVocab iv = instanceVocab(vocab);
    List<Doc> docs = docs(TestCorpus.recombined(20, 12), new BertTokenizer(vocab, true));
    docs.sort((a, b) -> a.id().compareTo(b.id()));
    List<String> ids = new ArrayList<>();
    List<int[][]> tokens = new ArrayList<>();
    docs.forEach(d -> { ids.add(d.id()); tokens.add(d.tokens()); });
    InstanceOptions o = InstanceOptions.builder().dupeFactor(3).build();
    // Which document made each instance: the same streams and partners, one document at a time.
    InstanceMaker maker = new InstanceMaker(o, new MaskedLm(o, iv, true));
    Map<TrainingInstance, Integer> owner = new java.util.HashMap<>();
    for (int d = 0; d < tokens.size(); d++) {
      final int current = d;
      for (int pass = 0; pass < 3; pass++) {
        maker.createInstances(
            tokens.get(d),
            rng -> tokens.get(NextSentencePairer.drawPartnerIndex(rng, tokens.size(), current)),
            KeyedRandom.forKey(o.randomSeed(), ids.get(d), pass, PoolGenerator.STEP_INSTANCES),
            i -> owner.put(i, current));
      }
    }
    List<Integer> order = new ArrayList<>();
    new PoolGenerator(o, iv).generate(ids, tokens, "p", i -> order.add(owner.get(i)), f -> {
      throw f.cause();
    });
    assertEquals(owner.size(), order.size());
    int longest = 1;
    for (int i = 1, run = 1; i < order.size(); i++) {
      run = order.get(i).equals(order.get(i - 1)) ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    int perDocument = order.size() / tokens.size();
    assertTrue(perDocument >= 10, "instances per document: " + perDocument);
    assertTrue(longest <= 4, "longest run of one document: " + longest + " of ~" + perDocument);
  }

  @Test
  void rejectsUnsortedIds() {
    PoolGenerator g =
        new PoolGenerator(
            InstanceOptions.defaults(),
            InstanceVocab.fromTokens(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a")));
    int[][] doc = {{5, 5}};
    assertThrows(
        IllegalArgumentException.class,
        () -> g.generate(List.of("b", "a"), Arrays.<int[][]>asList(doc, doc), "0", i -> {}, f -> {}));
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
