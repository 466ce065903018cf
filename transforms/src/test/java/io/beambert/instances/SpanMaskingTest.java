package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.random.KeyedRandom;
import org.junit.jupiter.api.Test;

class SpanMaskingTest {
  // [CLS] a ##x b c ##y ##x d [SEP] e f ##y g h a b [SEP]: words a##x, b, c##y##x, d | e, f##y, g, h, a, b
  private static final int[] SEQUENCE = {
    TinyVocab.CLS, TinyVocab.A, TinyVocab.X, TinyVocab.B, TinyVocab.C, TinyVocab.Y, TinyVocab.X,
    TinyVocab.D, TinyVocab.SEP, 12, 13, TinyVocab.Y, 14, 15, TinyVocab.A, TinyVocab.B, TinyVocab.SEP
  };

  private static SpanMasking masking(double prob, int slots) {
    return masking(prob, slots, TinyVocab.vocab());
  }

  private static SpanMasking masking(double prob, int slots, InstanceVocab vocab) {
    return new SpanMasking(
        InstanceOptions.builder().maskedLmProb(prob).maxPredictionsPerSeq(slots).build(), vocab);
  }

  /** TinyVocab's tokens and 50,000 more, so that a random replacement is almost never [MASK]. */
  private static InstanceVocab largeVocab() {
    java.util.List<String> tokens = new java.util.ArrayList<>(TinyVocab.TOKENS);
    for (int i = 0; i < 50_000; i++) {
      tokens.add("w" + i);
    }
    return InstanceVocab.fromTokens(tokens);
  }

  @Test
  void masksWholeWordsWithinASegmentUpToTheBudget() {
    for (int seed = 0; seed < 2000; seed++) {
      TrainingInstance t = masking(0.3, 20).maskSequence(SEQUENCE.clone(), 7, false,
          KeyedRandom.forKey(seed, "span", 0, 0));
      int budget = MaskedLm.numToPredict(SEQUENCE.length, 0.3, 20);
      assertTrue(t.maskedCount() <= budget && t.maskedCount() > 0, "seed " + seed);
      boolean[] masked = new boolean[SEQUENCE.length];
      int[] positions = t.maskedPositions();
      for (int k = 0; k < positions.length; k++) {
        masked[positions[k]] = true;
        assertEquals(SEQUENCE[positions[k]], t.maskedLabels()[k], "labels are the originals");
      }
      assertTrue(!masked[0] && !masked[8] && !masked[16], "[CLS] or [SEP] masked, seed " + seed);
      // words kept whole: a ##x; c ##y ##x; f ##y
      assertEquals(masked[1], masked[2]);
      assertEquals(masked[4], masked[5]);
      assertEquals(masked[5], masked[6]);
      assertEquals(masked[10], masked[11]);
      for (int i = 0; i < SEQUENCE.length; i++) {
        if (!masked[i]) {
          assertEquals(SEQUENCE[i], t.tokens()[i], "unmasked tokens stay");
        }
      }
    }
  }

  @Test
  void oneDecisionPerSpanAndTheSameStreamGivesTheSameMasks() {
    InstanceVocab large = largeVocab();
    int mixed = 0;
    int spansOverC = 0;
    for (int seed = 0; seed < 2000; seed++) {
      TrainingInstance a = masking(0.15, 20, large).maskSequence(SEQUENCE.clone(), 7, true,
          KeyedRandom.forKey(seed, "span", 0, 0));
      TrainingInstance b = masking(0.15, 20, large).maskSequence(SEQUENCE.clone(), 7, true,
          KeyedRandom.forKey(seed, "span", 0, 0));
      assertArrayEquals(a.tokens(), b.tokens());
      assertArrayEquals(a.maskedPositions(), b.maskedPositions());
      // With a budget of 3 tokens (17 x 0.15 = 2.55), an instance holds one or two spans; within
      // the word c##y##x every piece gets the same decision, so [MASK] never mixes with others there.
      int[] p = a.maskedPositions();
      boolean c = false;
      for (int position : p) {
        c |= position == 4;
      }
      if (c) {
        spansOverC++;
        boolean allMask = a.tokens()[4] == TinyVocab.MASK && a.tokens()[5] == TinyVocab.MASK
            && a.tokens()[6] == TinyVocab.MASK;
        boolean noneMask = a.tokens()[4] != TinyVocab.MASK && a.tokens()[5] != TinyVocab.MASK
            && a.tokens()[6] != TinyVocab.MASK;
        if (!allMask && !noneMask) {
          mixed++;
        }
      }
    }
    assertTrue(spansOverC > 100, "spans over c##y##x: " + spansOverC);
    assertEquals(0, mixed, "a span's pieces got different decisions");
  }
}
