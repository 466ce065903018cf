package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.random.PythonRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Corner-case corpora go through like in the reference: no crash, reference-shaped output. */
class EdgeDocumentsTest {

  private static void checkShape(TrainingInstance t, InstanceOptions o) {
    assertTrue(t.length() <= o.maxSeqLength(), "length " + t.length());
    assertTrue(t.lengthA() >= 1 && t.lengthB() >= 1);
    assertEquals(TinyVocab.CLS, t.tokenAt(0));
    assertEquals(TinyVocab.SEP, t.tokenAt(t.length() - 1));
    int expectedMasks = MaskedLm.numToPredict(t.length(), o.maskedLmProb(), o.maxPredictionsPerSeq());
    assertTrue(t.maskedCount() <= expectedMasks);
    // Encoding with the configured widths must succeed.
    InstanceEncoder.toAvro(t, o.maxSeqLength(), o.maxPredictionsPerSeq());
  }

  private static int[] sentence(int length, int seed) {
    int[] s = new int[length];
    for (int i = 0; i < length; i++) {
      s[i] = 6 + ((seed + i) % 10); // ids 6..15, never [CLS]/[SEP]
    }
    return s;
  }

  @Test
  void emptyCorpusGivesNoInstances() {
    ReferenceGenerator g = new ReferenceGenerator(InstanceOptions.defaults(), TinyVocab.vocab());
    assertEquals(List.of(), g.generateAll(List.of()));
    assertEquals(
        List.of(), g.generateAll(List.of(new int[0][], new int[][] {new int[0], new int[0]})));
  }

  @Test
  void singleDocumentCorpusUsesItselfAsPartnerAfterTenDraws() {
    InstanceOptions o = InstanceOptions.builder().dupeFactor(3).build();
    List<int[][]> docs = new ArrayList<>();
    docs.add(new int[][] {sentence(50, 0), sentence(60, 1), sentence(70, 2), sentence(5, 3)});
    RecordingRandom rec = new RecordingRandom(1);
    List<TrainingInstance> out = new ArrayList<>();
    long n = new ReferenceGenerator(o, TinyVocab.vocab()).generate(docs, rec, out::add);
    assertEquals(n, out.size());
    assertTrue(n >= 3);
    long randomNext = out.stream().filter(TrainingInstance::isRandomNext).count();
    long partnerDraws = rec.calls.stream().filter("randint(0,0)"::equals).count();
    // Each random next: ten C3 misses, then C4 over 4 sentences (randint(0,3)).
    assertEquals(10 * randomNext, partnerDraws);
    out.forEach(t -> checkShape(t, o));
  }

  @Test
  void oneSentenceDocumentsAreAlwaysRandomNext() {
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).build();
    List<int[][]> docs = new ArrayList<>();
    for (int d = 0; d < 20; d++) {
      docs.add(new int[][] {sentence(3 + d, d)});
    }
    RecordingRandom rec = new RecordingRandom(12345);
    List<TrainingInstance> out = new ArrayList<>();
    new ReferenceGenerator(o, TinyVocab.vocab()).generate(docs, rec, out::add);
    assertEquals(40, out.size());
    assertTrue(out.stream().allMatch(TrainingInstance::isRandomNext));
    // No C1 (randint(1, *)) for one-sentence chunks.
    assertTrue(rec.calls.stream().noneMatch(c -> c.startsWith("randint(1,")), rec.calls.toString());
    out.forEach(t -> checkShape(t, o));
  }

  @Test
  void sentenceLongerThanMaxSeqLengthIsTruncated() {
    InstanceOptions o =
        InstanceOptions.builder().maxSeqLength(32).maxPredictionsPerSeq(5).dupeFactor(3).build();
    List<int[][]> docs = new ArrayList<>();
    docs.add(new int[][] {sentence(500, 0), sentence(4, 1), sentence(300, 2)});
    docs.add(new int[][] {sentence(1000, 3)});
    List<TrainingInstance> out = new ReferenceGenerator(o, TinyVocab.vocab()).generateAll(docs);
    assertTrue(out.size() >= 3 * 2);
    assertTrue(out.stream().anyMatch(t -> t.length() == 32));
    out.forEach(t -> checkShape(t, o));
  }

  @Test
  void millionTokenDocumentOfManySentences() {
    InstanceOptions o = InstanceOptions.builder().dupeFactor(1).build();
    int[][] manySentences = new int[10_000][];
    for (int s = 0; s < manySentences.length; s++) {
      manySentences[s] = sentence(100, s);
    }
    List<int[][]> docs = Arrays.asList(manySentences, new int[][] {sentence(9, 1)});
    long[] count = {0};
    long n =
        new ReferenceGenerator(o, TinyVocab.vocab())
            .generate(
                docs,
                t -> {
                  checkShape(t, o);
                  count[0]++;
                });
    assertEquals(n, count[0]);
    // Chunks of two sentences (200 >= 125) mostly; random nexts put one back.
    assertTrue(n > 5_000 && n < 10_000, "instances: " + n);
  }

  @Test
  void millionTokenSentenceIsTruncatedOneDrawPerToken() {
    // The reference removes one token per random() call; so do we, in O(tokens) without shifting.
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).build();
    List<int[][]> docs = Arrays.asList(new int[][] {sentence(1_000_000, 7)}, new int[][] {sentence(9, 1)});
    RecordingRandom rec = new RecordingRandom(12345);
    List<TrainingInstance> out = new ArrayList<>();
    new ReferenceGenerator(o, TinyVocab.vocab()).generate(docs, rec, out::add);
    out.forEach(t -> checkShape(t, o));
    assertTrue(out.size() >= 4);
    assertTrue(rec.calls.size() > 1_000_000);
  }

  @Test
  void sameSeedSameOutputAndInputUntouched() {
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).maxSeqLength(24).build();
    List<int[][]> docs = new ArrayList<>();
    for (int d = 0; d < 8; d++) {
      int[][] doc = new int[1 + d % 4][];
      for (int s = 0; s < doc.length; s++) {
        doc[s] = sentence(2 + (d * 7 + s * 3) % 15, d + s);
      }
      docs.add(doc);
    }
    List<int[][]> before = new ArrayList<>(docs);
    ReferenceGenerator g = new ReferenceGenerator(o, TinyVocab.vocab());
    List<TrainingInstance> first = g.generateAll(docs);
    assertEquals(before, docs);
    assertEquals(first, g.generateAll(docs));
    List<TrainingInstance> other =
        new ReferenceGenerator(o.toBuilder().randomSeed(1).build(), TinyVocab.vocab())
            .generateAll(docs);
    assertTrue(!first.equals(other));
    // Same instances as emitted before S2, in the permutation S2 gives.
    PythonRandom rng = new PythonRandom(o.randomSeed());
    InstanceStore store = g.generateUnshuffled(docs, rng);
    List<TrainingInstance> unshuffled = new ArrayList<>();
    for (int i = 0; i < store.size(); i++) {
      unshuffled.add(store.get(i));
    }
    rng.shuffle(unshuffled);
    assertEquals(first, unshuffled);
    Collections.reverse(unshuffled);
    assertTrue(!first.equals(unshuffled));
  }
}
