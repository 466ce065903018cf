package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackingPairingTruncationTest {

  @Test
  void targetLengthDrawsD2OnlyWhenD1Hits() {
    ScriptedRandom rng = new ScriptedRandom().randoms(0.05).ints(17);
    assertEquals(17, SegmentPacker.drawTargetLength(rng, 125, 0.1));
    assertTrue(rng.exhausted());
    rng = new ScriptedRandom().randoms(0.1); // not < 0.1
    assertEquals(125, SegmentPacker.drawTargetLength(rng, 125, 0.1));
    assertTrue(rng.exhausted());
    RecordingRandom rec = new RecordingRandom(12345);
    for (int i = 0; i < 200; i++) {
      SegmentPacker.drawTargetLength(rec, 125, 0.1);
    }
    assertTrue(rec.calls.contains("randint(2,125)"));
  }

  @Test
  void chunkEndAddsWholeSentencesUntilTargetOrEnd() {
    int[][] doc = {{1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3, 3}};
    assertEquals(2, SegmentPacker.chunkEnd(doc, 0, 6));
    assertEquals(2, SegmentPacker.chunkEnd(doc, 0, 7));
    assertEquals(3, SegmentPacker.chunkEnd(doc, 0, 8));
    assertEquals(3, SegmentPacker.chunkEnd(doc, 0, 1000));
    assertEquals(1, SegmentPacker.chunkEnd(doc, 0, 1));
    assertEquals(3, SegmentPacker.chunkEnd(doc, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> SegmentPacker.chunkEnd(doc, 3, 1));
  }

  @Test
  void splitDrawsEvenForTwoSentences() {
    RecordingRandom rec = new RecordingRandom(1);
    assertEquals(1, SegmentPacker.drawSplit(rec, 1));
    assertTrue(rec.calls.isEmpty());
    assertEquals(1, SegmentPacker.drawSplit(rec, 2));
    assertEquals(List.of("randint(1,1)"), rec.calls);
  }

  @Test
  void oneSentenceChunkIsRandomNextWithoutDrawing() {
    RecordingRandom rec = new RecordingRandom(1);
    assertTrue(NextSentencePairer.drawRandomNext(rec, 1));
    assertTrue(rec.calls.isEmpty());
    ScriptedRandom rng = new ScriptedRandom().randoms(0.49, 0.5);
    assertTrue(NextSentencePairer.drawRandomNext(rng, 2));
    assertFalse(NextSentencePairer.drawRandomNext(rng, 5));
  }

  @Test
  void partnerRetriesTenTimesThenUsesCurrent() {
    ScriptedRandom rng = new ScriptedRandom().ints(4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
    assertEquals(4, NextSentencePairer.drawPartnerIndex(rng, 9, 4));
    assertTrue(rng.exhausted());
    rng = new ScriptedRandom().ints(4, 4, 7, 1);
    assertEquals(7, NextSentencePairer.drawPartnerIndex(rng, 9, 4));
    assertFalse(rng.exhausted()); // stopped after the first miss of the current document
  }

  @Test
  void randomNextSegmentTakesWholeSentencesFromTheDrawnStart() {
    int[][] partner = {{1, 2}, {3}, {4, 5, 6}};
    assertArrayEquals(
        new int[] {1, 2, 3},
        NextSentencePairer.randomNextSegment(partner, 3, new ScriptedRandom().ints(0)));
    assertArrayEquals(
        new int[] {1, 2},
        NextSentencePairer.randomNextSegment(partner, -5, new ScriptedRandom().ints(0)));
    assertArrayEquals(
        new int[] {4, 5, 6},
        NextSentencePairer.randomNextSegment(partner, 100, new ScriptedRandom().ints(2)));
    // C4 draws even for a one-sentence partner.
    RecordingRandom rec = new RecordingRandom(3);
    NextSentencePairer.randomNextSegment(new int[][] {{9}}, 1, rec);
    assertEquals(List.of("randint(0,0)"), rec.calls);
  }

  @Test
  void truncationCutsLongerSideTieGoesToB() {
    // (5, 3) -> A twice: front then back.
    SeqPairTruncator.Cut cut = SeqPairTruncator.truncate(5, 3, 6, new ScriptedRandom().randoms(0.1, 0.9));
    assertEquals(1, cut.frontA());
    assertEquals(1, cut.backA());
    assertEquals(0, cut.frontB() + cut.backB());
    // (3, 3) -> tie, B loses one from the back.
    cut = SeqPairTruncator.truncate(3, 3, 5, new ScriptedRandom().randoms(0.5));
    assertEquals(1, cut.backB());
    assertEquals(0, cut.frontA() + cut.backA() + cut.frontB());
    // Already fits: no draw.
    assertTrue(SeqPairTruncator.truncate(2, 2, 4, new ScriptedRandom()).isEmpty());
    SegmentPair pair =
        SeqPairTruncator.truncate(
            SegmentPair.of(new int[] {1, 2, 3, 4, 5}, new int[] {6, 7, 8}, false), 6,
            new ScriptedRandom().randoms(0.1, 0.9));
    assertArrayEquals(new int[] {2, 3, 4}, pair.tokensA());
    assertArrayEquals(new int[] {6, 7, 8}, pair.tokensB());
    assertThrows(
        IllegalArgumentException.class,
        () -> SeqPairTruncator.truncate(3, 3, 1, new ScriptedRandom()));
  }

  @Test
  void truncationOfAMillionTokensDrawsOncePerToken() {
    RecordingRandom rec = new RecordingRandom(5);
    SeqPairTruncator.Cut cut = SeqPairTruncator.truncate(1_000_000, 1, 125, rec);
    assertEquals(1_000_000 - 124, cut.frontA() + cut.backA());
    assertEquals(1_000_000 - 124, rec.calls.size());
  }

  @Test
  void randomNextPutsBackTheSentencesAfterA() {
    InstanceOptions options = InstanceOptions.builder().maxSeqLength(13).build(); // budget 10
    InstanceMaker maker = new InstanceMaker(options, TinyVocab.vocab());
    int[][] doc = {{1, 1}, {2, 2}, {3, 3}, {4, 4}};
    int[][] partner = {{9, 9, 9}, {8, 8, 8}};
    ScriptedRandom rng =
        new ScriptedRandom()
            .randoms(0.9 /* D1 */, 0.3 /* C2: random next */, 0.7 /* C2: actual next */)
            .ints(1 /* C1 of 4 */, 1 /* C4 */, 2 /* C1 of 3 */);
    List<SegmentPair> pairs = new ArrayList<>();
    maker.createPairs(doc, r -> partner, rng, pairs::add);
    assertTrue(rng.exhausted());
    assertEquals(2, pairs.size());
    assertArrayEquals(new int[] {1, 1}, pairs.get(0).tokensA());
    assertArrayEquals(new int[] {8, 8, 8}, pairs.get(0).tokensB());
    assertTrue(pairs.get(0).isRandomNext());
    // Put back: the next chunk starts right after A, at sentence 1.
    assertArrayEquals(new int[] {2, 2, 3, 3}, pairs.get(1).tokensA());
    assertArrayEquals(new int[] {4, 4}, pairs.get(1).tokensB());
    assertFalse(pairs.get(1).isRandomNext());
  }

  @Test
  void oneSentenceDocumentDrawsOnlyTargetPartnerStartAndMasking() {
    InstanceOptions options = InstanceOptions.defaults();
    InstanceMaker maker = new InstanceMaker(options, TinyVocab.vocab());
    RecordingRandom rec = new RecordingRandom(12345);
    List<SegmentPair> pairs = new ArrayList<>();
    maker.createPairs(
        new int[][] {{6, 7, 8}},
        NextSentencePairer.referencePartners(java.util.Collections.singletonList(new int[][] {{6, 7, 8}}), 0),
        rec,
        pairs::add);
    assertEquals(1, pairs.size());
    assertTrue(pairs.get(0).isRandomNext());
    List<String> expected = new ArrayList<>();
    expected.add("random"); // D1
    if (rec.calls.get(1).startsWith("randint(2,")) {
      expected.add(rec.calls.get(1)); // D2
    }
    for (int i = 0; i < 10; i++) {
      expected.add("randint(0,0)"); // C3: the only document, ten misses
    }
    expected.add("randint(0,0)"); // C4
    assertEquals(expected, rec.calls);
  }
}
