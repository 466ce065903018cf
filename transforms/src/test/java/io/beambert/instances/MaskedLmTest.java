package io.beambert.instances;

import static io.beambert.instances.TinyVocab.A;
import static io.beambert.instances.TinyVocab.B;
import static io.beambert.instances.TinyVocab.C;
import static io.beambert.instances.TinyVocab.D;
import static io.beambert.instances.TinyVocab.MASK;
import static io.beambert.instances.TinyVocab.X;
import static io.beambert.instances.TinyVocab.Y;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.random.PythonRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaskedLmTest {

  private static MaskedLm masker(InstanceOptions.Builder b) {
    return new MaskedLm(b.build(), TinyVocab.vocab());
  }

  @Test
  void numToPredictRoundsHalfToEven() {
    assertEquals(4, MaskedLm.numToPredict(30, 0.15, 20)); // 4.5 -> 4
    assertEquals(10, MaskedLm.numToPredict(70, 0.15, 20)); // 10.5 -> 10
    assertEquals(16, MaskedLm.numToPredict(110, 0.15, 20)); // 16.5 -> 16
    assertEquals(19, MaskedLm.numToPredict(128, 0.15, 20));
    assertEquals(2, MaskedLm.numToPredict(10, 0.25, 20)); // 2.5 -> 2
    assertEquals(4, MaskedLm.numToPredict(14, 0.25, 20)); // 3.5 -> 4
    assertEquals(1, MaskedLm.numToPredict(5, 0.05, 20)); // at least one
    assertEquals(5, MaskedLm.numToPredict(128, 0.15, 5)); // capped
  }

  @Test
  void candidatesSkipClsAndSepAndDecisionsFollowShuffledOrder() {
    // [CLS] a b [SEP] c [SEP]: candidates 1, 2, 4; reversed shuffle -> 4, 2, 1; budget 2.
    MaskedLm m = masker(InstanceOptions.builder().maskedLmProb(0.3)); // round(1.8) = 2
    ScriptedRandom rng =
        new ScriptedRandom()
            .randoms(0.9, 0.7 /* position 4: random word */, 0.1 /* position 2: [MASK] */)
            .ints(13 /* table index 13 = "f" */);
    rng.reverseShuffles = true;
    TrainingInstance t =
        m.mask(SegmentPair.of(new int[] {A, B}, new int[] {C}, true), rng);
    assertTrue(rng.exhausted());
    assertArrayEquals(new int[] {2, A, MASK, 3, 13, 3}, t.tokens());
    assertArrayEquals(new int[] {2, 4}, t.maskedPositions());
    assertArrayEquals(new int[] {B, C}, t.maskedLabels());
    assertEquals(2, t.lengthA());
    assertTrue(t.isRandomNext());
  }

  @Test
  void keepDecisionKeepsTheToken() {
    MaskedLm m = masker(InstanceOptions.builder().maskedLmProb(0.1)); // round(0.6) = 1
    ScriptedRandom rng = new ScriptedRandom().randoms(0.8, 0.49);
    TrainingInstance t = m.mask(SegmentPair.of(new int[] {A, B}, new int[] {C}, false), rng);
    assertTrue(rng.exhausted());
    assertArrayEquals(new int[] {2, A, B, 3, C, 3}, t.tokens());
    assertArrayEquals(new int[] {1}, t.maskedPositions());
    assertArrayEquals(new int[] {A}, t.maskedLabels());
  }

  @Test
  void wholeWordGroupThatDoesNotFitIsSkippedNotBreaking() {
    // [CLS] a ##x ##y [SEP] b [SEP]: groups {1,2,3} and {5}; budget round(7 * 0.3) = 2.
    MaskedLm m = masker(InstanceOptions.builder().maskedLmProb(0.3).doWholeWordMask(true));
    ScriptedRandom rng = new ScriptedRandom().randoms(0.0);
    TrainingInstance t = m.mask(SegmentPair.of(new int[] {A, X, Y}, new int[] {B}, false), rng);
    assertTrue(rng.exhausted());
    assertArrayEquals(new int[] {5}, t.maskedPositions());
    assertArrayEquals(new int[] {B}, t.maskedLabels());
  }

  @Test
  void continuationAtStartOfBJoinsLastWordOfA() {
    // [CLS] a [SEP] ##x b [SEP]: groups {1, 3} (across [SEP]) and {4}.
    MaskedLm m = masker(InstanceOptions.builder().maskedLmProb(1.0).doWholeWordMask(true));
    RecordingRandom rec = new RecordingRandom(7);
    TrainingInstance t = m.mask(SegmentPair.of(new int[] {A}, new int[] {X, B}, false), rec);
    assertEquals("shuffle(2)", rec.calls.get(0));
    assertArrayEquals(new int[] {1, 3, 4}, t.maskedPositions());
    // Without whole-word masking every position is its own candidate.
    rec = new RecordingRandom(7);
    masker(InstanceOptions.builder().maskedLmProb(1.0))
        .mask(SegmentPair.of(new int[] {A}, new int[] {X, B}, false), rec);
    assertEquals("shuffle(3)", rec.calls.get(0));
  }

  @Test
  void continuationAtStartOfAStartsItsOwnGroup() {
    // [CLS] ##x a [SEP] b [SEP]: groups {1}, {2}, {4}.
    MaskedLm m = masker(InstanceOptions.builder().maskedLmProb(1.0).doWholeWordMask(true));
    RecordingRandom rec = new RecordingRandom(7);
    m.mask(SegmentPair.of(new int[] {X, A}, new int[] {B}, false), rec);
    assertEquals("shuffle(3)", rec.calls.get(0));
  }

  @Test
  void referenceDecidesPerPieceInsideAWord() {
    // Group {1,2,3} fits budget 3 (round(7 * 0.5) = 4 -> min with maxPredictions 3).
    MaskedLm m =
        masker(
            InstanceOptions.builder().maskedLmProb(0.5).maxPredictionsPerSeq(3)
                .doWholeWordMask(true));
    ScriptedRandom rng =
        new ScriptedRandom().randoms(0.0, 0.9, 0.1 /* keep */, 0.9, 0.9 /* random */).ints(D);
    TrainingInstance t = m.mask(SegmentPair.of(new int[] {A, X, Y}, new int[] {B}, false), rng);
    assertTrue(rng.exhausted());
    assertArrayEquals(new int[] {2, MASK, X, D, 3, B, 3}, t.tokens());
    assertArrayEquals(new int[] {1, 2, 3}, t.maskedPositions());
  }

  @Test
  void perWordDecisionAppliesOneDecisionToTheWholeWord() {
    MaskedLm m =
        masker(
            InstanceOptions.builder().maskedLmProb(0.5).maxPredictionsPerSeq(3)
                .doWholeWordMask(true).perWordMaskDecision(true));
    ScriptedRandom rng = new ScriptedRandom().randoms(0.0); // one M2 for three pieces
    TrainingInstance t = m.mask(SegmentPair.of(new int[] {A, X, Y}, new int[] {B}, false), rng);
    assertTrue(rng.exhausted());
    assertArrayEquals(new int[] {2, MASK, MASK, MASK, 3, B, 3}, t.tokens());
    // "keep" keeps every piece.
    rng = new ScriptedRandom().randoms(0.9, 0.1);
    t = m.mask(SegmentPair.of(new int[] {A, X, Y}, new int[] {B}, false), rng);
    assertTrue(rng.exhausted());
    assertArrayEquals(new int[] {2, A, X, Y, 3, B, 3}, t.tokens());
    // "random word": one M4 per piece after a single M2/M3.
    rng = new ScriptedRandom().randoms(0.9, 0.9).ints(D, 12, 13);
    t = m.mask(SegmentPair.of(new int[] {A, X, Y}, new int[] {B}, false), rng);
    assertTrue(rng.exhausted());
    assertArrayEquals(new int[] {2, D, 12, 13, 3, B, 3}, t.tokens());
    assertArrayEquals(new int[] {A, X, Y}, t.maskedLabels());
  }

  @Test
  void perWordDecisionGivesWholeWordsOneOutcomeStatistically() {
    MaskedLm m =
        masker(
            InstanceOptions.builder().maskedLmProb(1.0).maxPredictionsPerSeq(100)
                .doWholeWordMask(true).perWordMaskDecision(true)
                // so that a random word is never [MASK] itself
                .nonSpecialReplacements(true));
    PythonRandom rng = new PythonRandom(11);
    int mixedWords = 0;
    for (int i = 0; i < 2000; i++) {
      TrainingInstance t = m.mask(SegmentPair.of(new int[] {A, X, Y}, new int[] {B}, false), rng);
      boolean first = t.tokenAt(1) == MASK;
      if ((t.tokenAt(2) == MASK) != first || (t.tokenAt(3) == MASK) != first) {
        mixedWords++;
      }
    }
    assertEquals(0, mixedWords);
    // The reference mixes outcomes inside a word: P(not all same) = 1 - 0.8^3 - 0.2^3 ~ 0.48.
    MaskedLm reference =
        masker(
            InstanceOptions.builder().maskedLmProb(1.0).maxPredictionsPerSeq(100)
                .doWholeWordMask(true).nonSpecialReplacements(true));
    for (int i = 0; i < 2000; i++) {
      TrainingInstance t =
          reference.mask(SegmentPair.of(new int[] {A, X, Y}, new int[] {B}, false), rng);
      boolean first = t.tokenAt(1) == MASK;
      if ((t.tokenAt(2) == MASK) != first || (t.tokenAt(3) == MASK) != first) {
        mixedWords++;
      }
    }
    assertTrue(mixedWords > 800 && mixedWords < 1100, "mixed words: " + mixedWords);
  }

  @Test
  void nonSpecialReplacementsNeverDrawBracketedEntries() {
    InstanceVocab vocab = TinyVocab.vocab();
    assertEquals(16, vocab.referenceReplacementCount());
    assertEquals(10, vocab.nonSpecialReplacementCount());
    Set<Integer> special = Set.of(0, 1, 2, 3, 4, 5);
    MaskedLm nonSpecial =
        new MaskedLm(
            InstanceOptions.builder().maskedLmProb(1.0).nonSpecialReplacements(true).build(),
            vocab);
    MaskedLm reference =
        new MaskedLm(InstanceOptions.builder().maskedLmProb(1.0).build(), vocab);
    PythonRandom rng = new PythonRandom(3);
    Set<Integer> drawnNonSpecial = new HashSet<>();
    Set<Integer> drawnReference = new HashSet<>();
    SegmentPair pair = SegmentPair.of(new int[] {A, B, C}, new int[] {D, A, B}, false);
    for (int i = 0; i < 3000; i++) {
      collectRandomReplacements(nonSpecial.mask(pair, rng), drawnNonSpecial);
      collectRandomReplacements(reference.mask(pair, rng), drawnReference);
    }
    for (int id : drawnNonSpecial) {
      assertFalse(special.contains(id), "special id drawn: " + id);
    }
    assertTrue(drawnNonSpecial.size() >= 8, drawnNonSpecial.toString());
    // The reference draws specials too (except [MASK] and the originals, which are not counted).
    assertTrue(drawnReference.contains(0) && drawnReference.contains(5), drawnReference.toString());
  }

  private static void collectRandomReplacements(TrainingInstance t, Set<Integer> out) {
    int[] positions = t.maskedPositions();
    int[] labels = t.maskedLabels();
    for (int k = 0; k < positions.length; k++) {
      int now = t.tokenAt(positions[k]);
      if (now != MASK && now != labels[k]) {
        out.add(now);
      }
    }
  }

  @Test
  void nonSpecialReplacementsNeedANonSpecialEntry() {
    InstanceVocab onlySpecial =
        InstanceVocab.fromTokens(List.of("[CLS]", "[SEP]", "[MASK]", "[UNK]"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MaskedLm(
                    InstanceOptions.builder().nonSpecialReplacements(true).build(), onlySpecial));
    assertTrue(e.getMessage().contains("nonSpecialReplacements"), e.getMessage());
  }

  @Test
  void maskingRatesMatchEightyTenTen() {
    MaskedLm m = masker(InstanceOptions.builder().maskedLmProb(1.0).maxPredictionsPerSeq(50));
    PythonRandom rng = new PythonRandom(99);
    int[] a = new int[20];
    java.util.Arrays.fill(a, A);
    int masked = 0;
    int kept = 0;
    int total = 0;
    List<Integer> lengths = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      TrainingInstance t = m.mask(SegmentPair.of(a, new int[] {B}, false), rng);
      lengths.add(t.maskedCount());
      for (int p : t.maskedPositions()) {
        total++;
        if (t.tokenAt(p) == MASK) {
          masked++;
        } else if (t.tokenAt(p) == t.maskedLabels()[0]) {
          kept++;
        }
      }
    }
    assertEquals(21 * 1000, total); // budget 24 > 21 candidates: every candidate masked
    assertEquals(0.8, masked / (double) total, 0.015);
    assertEquals(0.1 + 0.1 / 16, kept / (double) total, 0.012);
  }

  @Test
  void lazyShuffleSelectsLikeTheFullShuffleButWithFewerDraws() {
    // [CLS] a ##x b ##y c d [SEP] a b [SEP]: whole-word groups {1,2}, {3,4}, {5}, {6}, {8}, {9};
    // budget round(11 * 0.3) = 3, so a pair group can be skipped late in the order.
    for (boolean wholeWord : new boolean[] {false, true}) {
      InstanceOptions options =
          InstanceOptions.builder().maskedLmProb(0.3).doWholeWordMask(wholeWord).build();
      MaskedLm full = new MaskedLm(options, TinyVocab.vocab());
      MaskedLm lazy = new MaskedLm(options, TinyVocab.vocab(), true);
      SegmentPair pair = SegmentPair.of(new int[] {A, X, B, Y, C, D}, new int[] {A, B}, false);
      java.util.Map<String, int[]> counts = new java.util.TreeMap<>();
      int trials = 20_000;
      long fullDraws = 0;
      long lazyDraws = 0;
      for (int seed = 0; seed < trials; seed++) {
        RecordingRandom a = new RecordingRandom(seed);
        RecordingRandom b = new RecordingRandom(seed);
        counts.computeIfAbsent(
                java.util.Arrays.toString(full.mask(pair, a).maskedPositions()), k -> new int[2])[0]++;
        counts.computeIfAbsent(
                java.util.Arrays.toString(lazy.mask(pair, b).maskedPositions()), k -> new int[2])[1]++;
        fullDraws += draws(a.calls);
        lazyDraws += draws(b.calls);
      }
      assertTrue(counts.size() > 10, "selections seen: " + counts.keySet());
      for (java.util.Map.Entry<String, int[]> e : counts.entrySet()) {
        // Two binomial counts of the same p: their difference has sd sqrt(2 n p (1 - p)).
        double p = (e.getValue()[0] + e.getValue()[1]) / (2.0 * trials);
        double sd = Math.sqrt(2 * trials * p * (1 - p));
        assertTrue(
            Math.abs(e.getValue()[0] - e.getValue()[1]) < 5 * sd + 1,
            "wholeWord=" + wholeWord + " selection " + e.getKey() + ": full " + e.getValue()[0]
                + ", lazy " + e.getValue()[1]);
      }
      assertTrue(lazyDraws < fullDraws, "draws: lazy " + lazyDraws + ", full " + fullDraws);
    }
  }

  @Test
  void lazySinglesPathDrawsLikeTheGeneralLazyPath() {
    // Without "##" pieces, whole-word groups are single positions: the general lazy path and the
    // fast path for single candidates must make the same draws and give the same instance.
    InstanceOptions singles = InstanceOptions.builder().maskedLmProb(0.4).build();
    InstanceOptions grouped = singles.toBuilder().doWholeWordMask(true).build();
    MaskedLm fast = new MaskedLm(singles, TinyVocab.vocab(), true);
    MaskedLm general = new MaskedLm(grouped, TinyVocab.vocab(), true);
    for (int seed = 0; seed < 500; seed++) {
      SegmentPair pair = SegmentPair.of(new int[] {A, B, C, D, A}, new int[] {C, D, B}, seed % 2 == 0);
      RecordingRandom a = new RecordingRandom(seed);
      RecordingRandom b = new RecordingRandom(seed);
      TrainingInstance x = fast.mask(pair, a);
      TrainingInstance y = general.mask(pair, b);
      assertEquals(b.calls, a.calls);
      assertArrayEquals(y.tokens(), x.tokens());
      assertArrayEquals(y.maskedPositions(), x.maskedPositions());
      assertArrayEquals(y.maskedLabels(), x.maskedLabels());
    }
  }

  /** Elementary draws of recorded calls: a shuffle of n makes n - 1, any other call one. */
  private static long draws(List<String> calls) {
    long n = 0;
    for (String call : calls) {
      n += call.startsWith("shuffle(")
          ? Integer.parseInt(call.substring(8, call.length() - 1)) - 1
          : 1;
    }
    return n;
  }
}
