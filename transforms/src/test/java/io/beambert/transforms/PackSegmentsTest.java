package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.schemas.SegmentChunk;
import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class PackSegmentsTest {

  private static List<Integer> concat(int[][] doc, int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      for (int id : doc[i]) {
        out.add(id);
      }
    }
    return out;
  }

  /**
   * Walks the chunks of one pass and checks the reference's packing: A starts where the previous
   * chunk ended (after A for a random next: the put-back), A and B are whole sentences, a chunk
   * stops once it reaches the target, and the pass ends with the document.
   */
  private static int[] assertPacking(int[][] doc, List<SegmentChunk> chunks, int maxNumTokens) {
    int[] multiAndRandom = new int[2];
    int start = 0;
    int target = chunks.get(0).getTargetLength();
    assertTrue(target == maxNumTokens || (target >= 2 && target <= maxNumTokens), "target " + target);
    for (int k = 0; k < chunks.size(); k++) {
      SegmentChunk c = chunks.get(k);
      assertEquals(k, c.getChunk());
      if (io.beambert.instances.SegmentPacker.chunkEnd(doc, start, c.getTargetLength()) - start >= 2) {
        multiAndRandom[0]++;
        multiAndRandom[1] += c.getRandomNext() ? 1 : 0;
      } else {
        assertTrue(c.getRandomNext(), "a one-sentence chunk is always a random next");
      }
      assertEquals(target, c.getTargetLength(), "target drawn once per document pass");
      int splitEnd = start;
      while (splitEnd < doc.length && concat(doc, start, splitEnd).size() < c.getTokensA().size()) {
        splitEnd++;
      }
      assertEquals(concat(doc, start, splitEnd), c.getTokensA(), "A is whole sentences from " + start);
      if (c.getRandomNext()) {
        assertTrue(c.getTokensB().isEmpty());
        start = splitEnd;
      } else {
        int end = splitEnd;
        while (end < doc.length && concat(doc, splitEnd, end).size() < c.getTokensB().size()) {
          end++;
        }
        assertEquals(concat(doc, splitEnd, end), c.getTokensB(), "B continues A");
        assertTrue(end - start >= 2);
        int before = concat(doc, start, end - 1).size();
        assertTrue(end == doc.length || before < target, "chunk stops once it reaches the target");
        start = end;
      }
    }
    assertEquals(doc.length, start, "the pass covers the document");
    return multiAndRandom;
  }

  @Test
  void chunksFollowTheReferencePacking() {
    int randomNext = 0;
    int multiSentence = 0;
    for (TokenizedDocument d : TransformFixtures.corpus()) {
      int[][] doc = Ids.sentences(d);
      for (long seed = 0; seed < 40; seed++) {
        for (int pass = 0; pass < 3; pass++) {
          List<SegmentChunk> chunks = PackSegments.pack(d.getId(), doc, pass, 61, 0.3, seed);
          int[] counts = assertPacking(doc, chunks, 61);
          multiSentence += counts[0];
          randomNext += counts[1];
        }
      }
    }
    double share = (double) randomNext / multiSentence;
    assertTrue(share > 0.45 && share < 0.65, "random-next share " + share);
  }

  @Test
  void shortTargetsFollowShortSeqProb() {
    int shorter = 0;
    int passes = 0;
    int[][] doc = Ids.sentences(TransformFixtures.doc(7, 10, 10, 10));
    for (int pass = 0; pass < 2000; pass++) {
      int target = PackSegments.pack("d", doc, pass, 125, 0.1, 1).get(0).getTargetLength();
      shorter += target < 125 ? 1 : 0;
      passes++;
    }
    double share = (double) shorter / passes;
    assertTrue(share > 0.07 && share < 0.13, "short share " + share);
  }

  @Test
  void pipelineIsDeterministicAcrossInputOrder(TestPipeline p) {
    List<TokenizedDocument> docs = TransformFixtures.corpus();
    List<SegmentChunk> expected = new ArrayList<>();
    for (TokenizedDocument d : docs) {
      for (int pass = 0; pass < 2; pass++) {
        expected.addAll(PackSegments.pack(d.getId(), Ids.sentences(d), pass, 29, 0.2, 99));
      }
    }
    List<TokenizedDocument> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(3));
    PackSegments pack =
        PackSegments.create().withMaxSeqLength(32).withShortSeqProb(0.2).withDupeFactor(2).withSeed(99);
    PCollection<SegmentChunk> a =
        p.apply("A", Create.of(docs).withCoder(AvroCoder.of(TokenizedDocument.class))).apply("PackA", pack);
    PCollection<SegmentChunk> b =
        p.apply("B", Create.of(shuffled).withCoder(AvroCoder.of(TokenizedDocument.class))).apply("PackB", pack);
    PAssert.that(a).containsInAnyOrder(expected);
    PAssert.that(b).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void emptyInputAndEmptyDocuments(TestPipeline p) {
    PCollection<SegmentChunk> out =
        p.apply(Create.of(TransformFixtures.doc(9)).withCoder(AvroCoder.of(TokenizedDocument.class)))
            .apply(PackSegments.create());
    PAssert.that(out).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void differentSeedsGiveDifferentChunks() {
    int[][] doc = Ids.sentences(TransformFixtures.corpus().get(2));
    assertFalse(
        PackSegments.pack("d", doc, 0, 29, 0.1, 1).equals(PackSegments.pack("d", doc, 0, 29, 0.1, 2)));
  }

  @Test
  void rejectsBadSettings() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> PackSegments.create().withMaxSeqLength(4))
            .getMessage().contains("4"));
    assertThrows(IllegalArgumentException.class, () -> PackSegments.create().withShortSeqProb(1.5));
    assertThrows(IllegalArgumentException.class, () -> PackSegments.create().withDupeFactor(0));
  }
}
