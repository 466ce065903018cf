package io.beambert.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.instances.InstanceVocab;
import io.beambert.instances.MaskedLm;
import io.beambert.instances.SpanMasking;
import io.beambert.random.KeyedRandom;
import io.beambert.text.Vocab;
import io.beambert.trainer.testing.TestData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statistics of each masking strategy on real shards (the sample corpus with the
 * bert-base-uncased vocabulary), over four epochs of fresh masks.
 */
class MaskingTest {
  private static Vocab vocab;
  private static InstanceVocab ids;
  private static List<Instance> instances;

  @BeforeAll
  static void load() throws Exception {
    vocab = Vocab.load(TestData.vocab());
    ids = InstanceVocab.from(vocab);
    ShardSet set = ShardSet.resolve(TestData.sample().toString());
    instances = new ArrayList<>();
    try (InstanceStream s = new InstanceStream(set, 0, false, 1, vocab.size())) {
      for (Instance x = s.next(); x != null; x = s.next()) {
        instances.add(x);
      }
    }
    assertTrue(instances.size() > 1500, "instances: " + instances.size());
  }

  /** Counts of what masking anew did over every instance. */
  private static final class Tally {
    long masked;
    long budget;
    long asMask;
    long kept;
    long replaced;
    long instancesShort;
  }

  private static final int EPOCHS = 4;

  private static Tally check(Masking masking, double prob) throws Exception {
    return check(masking, prob, 20);
  }

  private static Tally check(Masking masking, double prob, int slots) throws Exception {
    Remasker remasker = new Remasker(masking, vocab, prob, slots, 17);
    Tally t = new Tally();
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      for (Instance x : instances) {
        x.epoch = epoch;
        tally(t, masking, prob, slots, x, remasker.apply(x));
      }
    }
    for (Instance x : instances) {
      x.epoch = 0;
    }
    return t;
  }

  private static void tally(Tally t, Masking masking, double prob, int slots, Instance x,
      Instance y) throws Exception {
    {
      int length = x.length();
      int[] originals = Remasker.originals(x, length, ids);
      // The restored sequence is exactly the shard's original one.
      assertArrayEquals(originals, Remasker.originals(y, length, ids), x.stableId());
      assertArrayEquals(Arrays.copyOfRange(x.inputMask, 0, x.seqLength()), y.inputMask);
      int budget = MaskedLm.numToPredict(length, prob, slots);
      boolean[] masked = new boolean[length];
      int count = 0;
      for (int k = 0; k < y.predictions(); k++) {
        if (y.maskedWeights[k] == 0) {
          continue;
        }
        int p = y.maskedPositions[k];
        int original = originals[p];
        assertTrue(p > 0 && p < length - 1 && original != ids.sepId() && original != ids.clsId(),
            "a special token or padding masked in " + x.stableId());
        assertEquals(original, y.maskedIds[k]);
        masked[p] = true;
        count++;
        if (y.inputIds[p] == ids.maskId()) {
          t.asMask++;
        } else if (y.inputIds[p] == original) {
          t.kept++;
        } else {
          t.replaced++;
        }
      }
      assertTrue(count <= budget, "over budget in " + x.stableId());
      if (count < budget) {
        t.instancesShort++;
      }
      t.masked += count;
      t.budget += budget;
      if (masking != Masking.DYNAMIC) {
        // Whole words: a "##" piece is masked exactly when the piece before it (same segment) is.
        for (int i = 1; i < length; i++) {
          if (ids.isContinuation(originals[i]) && originals[i - 1] != ids.sepId()
              && originals[i - 1] != ids.clsId()) {
            assertEquals(masked[i - 1], masked[i], "a word split by masking in " + x.stableId());
          }
        }
      }
    }
  }

  private static void assertShares(Tally t, double tolerance) {
    double n = t.masked;
    assertEquals(0.8, t.asMask / n, tolerance, "share replaced by [MASK]");
    assertEquals(0.1, t.kept / n, tolerance, "share kept");
    assertEquals(0.1, t.replaced / n, tolerance, "share replaced by a random word");
  }

  @Test
  void dynamicMasksTheBudgetWithTheReferenceSplit() throws Exception {
    Tally t = check(Masking.DYNAMIC, 0.15);
    assertEquals(t.budget, t.masked, "every instance gets exactly its budget");
    assertTrue(t.masked > 90_000, "masked positions: " + t.masked);
    // 5 standard deviations of a share of 0.8 over 90,000 positions is 0.0067.
    assertShares(t, 0.007);
  }

  @Test
  void aHigherProbabilityWithMoreSlotsMasksMore() throws Exception {
    Tally low = check(Masking.DYNAMIC, 0.15, 64);
    Tally high = check(Masking.DYNAMIC, 0.4, 64);
    assertEquals(high.budget, high.masked);
    assertEquals(0.4 / 0.15, (double) high.masked / low.masked, 0.1);
  }

  @Test
  void wholeWordKeepsWordsWhole() throws Exception {
    Tally t = check(Masking.WHOLE_WORD, 0.15);
    // A word that would overflow the budget is skipped, so a few instances fall short.
    assertTrue(t.masked >= 0.97 * t.budget, t.masked + " of " + t.budget);
    assertShares(t, 0.01);
  }

  @Test
  void spansKeepWordsWholeAndFillTheBudget() throws Exception {
    Tally t = check(Masking.SPAN, 0.15);
    assertTrue(t.masked >= 0.95 * t.budget, t.masked + " of " + t.budget);
    // One decision per span (about 4 positions): the shares vary about twice as much.
    assertShares(t, 0.015);
  }

  @Test
  void spansAreRunsOfWholeWordsWithOneDecisionEach() throws Exception {
    // On real shards: the masked tokens form runs of whole words, each run inside a segment. With a
    // decision per span, a run mixes [MASK] with other outcomes only where two spans touch; with a
    // decision per word or per piece, most runs of 3 or more words would mix.
    Remasker remasker = new Remasker(Masking.SPAN, vocab, 0.15, 20, 17);
    long runs = 0;
    long words = 0;
    long longRuns = 0;
    long mixedLongRuns = 0;
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      for (Instance x : instances) {
        x.epoch = epoch;
        Instance y = remasker.apply(x);
        int length = x.length();
        int[] originals = Remasker.originals(x, length, ids);
        boolean[] masked = new boolean[length];
        for (int k = 0; k < y.predictions(); k++) {
          if (y.maskedWeights[k] > 0) {
            masked[y.maskedPositions[k]] = true;
          }
        }
        for (int i = 1; i < length; i++) {
          if (!masked[i] || masked[i - 1]) {
            continue; // not the start of a run
          }
          int runWords = 0;
          boolean anyMask = false;
          boolean anyOther = false;
          int j = i;
          for (; j < length && masked[j]; j++) {
            if (!ids.isContinuation(originals[j])) {
              runWords++;
            }
            if (y.inputIds[j] == ids.maskId()) {
              anyMask = true;
            } else {
              anyOther = true;
            }
          }
          assertTrue(j == length || !ids.isContinuation(originals[j]), "a run ends inside a word");
          runs++;
          words += runWords;
          if (runWords >= 3) {
            longRuns++;
            if (anyMask && anyOther) {
              mixedLongRuns++;
            }
          }
        }
      }
    }
    for (Instance x : instances) {
      x.epoch = 0;
    }
    double meanWords = (double) words / runs;
    // Draws average 3.8 words; overlaps with masked words and the budget shorten what lands.
    assertTrue(meanWords > 2.5 && meanWords < 4.5, "mean masked run: " + meanWords + " words");
    assertTrue(longRuns > 2000, "runs of 3+ words: " + longRuns);
    assertTrue(mixedLongRuns < 0.25 * longRuns, mixedLongRuns + " of " + longRuns + " runs mixed");
  }

  @Test
  void spanLengthsFollowSpanBertsDistribution() {
    KeyedRandom rng = KeyedRandom.forKey(1, "spans", 0, 0);
    int draws = 200_000;
    long[] counts = new long[SpanMasking.MAX_SPAN_WORDS + 2];
    double sum = 0;
    for (int i = 0; i < draws; i++) {
      int length = SpanMasking.spanLength(rng);
      counts[length]++;
      sum += length;
    }
    assertEquals(0, counts[0]);
    assertEquals(0, counts[SpanMasking.MAX_SPAN_WORDS + 1]);
    double normaliser = 1 - Math.pow(0.8, 10);
    for (int l = 1; l <= SpanMasking.MAX_SPAN_WORDS; l++) {
      double p = 0.2 * Math.pow(0.8, l - 1) / normaliser;
      double sd = Math.sqrt(p * (1 - p) / draws);
      assertEquals(p, counts[l] / (double) draws, 5 * sd, "length " + l);
    }
    assertEquals(3.8, sum / draws, 0.02, "mean span length (SpanBERT reports 3.8)");
  }

  @Test
  void eachEpochMasksAnewAndTheSameEpochAlike() throws Exception {
    Remasker remasker = new Remasker(Masking.DYNAMIC, vocab, 0.15, 20, 17);
    int same = 0;
    for (Instance x : instances) {
      x.epoch = 0;
      Instance first = remasker.apply(x);
      Instance again = remasker.apply(x);
      assertArrayEquals(first.inputIds, again.inputIds);
      x.epoch = 1;
      Instance next = remasker.apply(x);
      x.epoch = 0;
      if (Arrays.equals(first.maskedPositions, next.maskedPositions)) {
        same++;
      }
      assertArrayEquals(Remasker.originals(first, x.length(), ids),
          Remasker.originals(next, x.length(), ids));
    }
    // Only very short instances can draw the same positions twice by chance.
    assertTrue(same < 0.02 * instances.size(), same + " of " + instances.size());
  }

  @Test
  void staticMaskingFeedsTheShardsOwnInstance() throws Exception {
    Remasker remasker = new Remasker(Masking.STATIC, vocab, 0.15, 20, 17);
    assertSame(instances.get(0), remasker.apply(instances.get(0)));
  }

  @Test
  void masksThatDoNotFitTheSequenceNameTheShard() {
    Instance x = instances.get(0);
    Instance bad = new Instance(x.seqLength(), x.predictions());
    System.arraycopy(x.inputIds, 0, bad.inputIds, 0, x.seqLength());
    System.arraycopy(x.inputMask, 0, bad.inputMask, 0, x.seqLength());
    System.arraycopy(x.segmentIds, 0, bad.segmentIds, 0, x.seqLength());
    bad.maskedPositions[0] = 0; // [CLS]
    bad.maskedIds[0] = 1000;
    bad.maskedWeights[0] = 1f;
    bad.source = x.source;
    bad.record = 7;
    ShardException e = assertThrows(ShardException.class,
        () -> new Remasker(Masking.DYNAMIC, vocab, 0.15, 20, 17).apply(bad));
    assertTrue(e.getMessage().contains(x.shard) && e.getMessage().contains("record 7"),
        e.getMessage());
  }

  @Test
  void maskingAnewNeedsMask() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < vocab.size(); i++) {
      lines.add(vocab.tokenAt(i).equals("[MASK]") ? "[NOMASK]" : vocab.tokenAt(i));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Remasker(Masking.DYNAMIC, Vocab.of(lines), 0.15, 20, 1));
    assertTrue(e.getMessage().contains("[MASK]"), e.getMessage());
  }
}
