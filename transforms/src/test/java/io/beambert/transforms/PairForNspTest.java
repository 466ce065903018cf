package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.schemas.NspPair;
import io.beambert.schemas.SegmentChunk;
import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class PairForNspTest {

  private static final int MAX_SEQ_LENGTH = 64;

  /** Checks every pair against its chunk and the documents. */
  private static Void check(
      Iterable<NspPair> pairs, List<SegmentChunk> chunks, List<TokenizedDocument> docs) {
    Map<String, SegmentChunk> byKey = new HashMap<>();
    for (SegmentChunk c : chunks) {
      byKey.put(c.getDocumentId() + "/" + c.getPass() + "/" + c.getChunk(), c);
    }
    int count = 0;
    int randomNext = 0;
    for (NspPair p : pairs) {
      count++;
      SegmentChunk c = byKey.get(p.getDocumentId() + "/" + p.getPass() + "/" + p.getChunk());
      assertEquals(c.getTokensA(), p.getTokensA());
      assertEquals(c.getRandomNext(), p.getRandomNext());
      if (!c.getRandomNext()) {
        assertEquals(c.getTokensB(), p.getTokensB(), "actual next keeps the continuation");
        continue;
      }
      randomNext++;
      // B: whole consecutive sentences of one other document, stopping once it reaches the target.
      int source = TransformFixtures.documentOf(p.getTokensB().get(0));
      assertNotEquals(
          "doc-" + source, p.getDocumentId(), "partner differs from the document (6 documents)");
      int[][] partner = Ids.sentences(docs.get(source));
      int first = (p.getTokensB().get(0) - 1000 - source * 10000) / 100;
      int at = 0;
      int s = first;
      while (at < p.getTokensB().size()) {
        for (int id : partner[s]) {
          assertEquals(id, (int) p.getTokensB().get(at++));
        }
        s++;
      }
      int target = c.getTargetLength() - c.getTokensA().size();
      int withoutLast = p.getTokensB().size() - partner[s - 1].length;
      assertTrue(s - first == 1 || withoutLast < target, "B stops once it reaches its target");
      assertTrue(s == partner.length || p.getTokensB().size() >= target, "B reaches its target");
    }
    assertEquals(chunks.size(), count, "one pair per chunk");
    assertTrue(randomNext > 0);
    return null;
  }

  @Test
  void pairsEveryChunk(TestPipeline p) {
    List<TokenizedDocument> docs = TransformFixtures.corpus();
    List<SegmentChunk> chunks = new ArrayList<>();
    for (TokenizedDocument d : docs) {
      for (int pass = 0; pass < 3; pass++) {
        chunks.addAll(PackSegments.pack(d.getId(), Ids.sentences(d), pass, MAX_SEQ_LENGTH - 3, 0.1, 5));
      }
    }
    PCollection<TokenizedDocument> docsIn =
        p.apply("Docs", Create.of(docs).withCoder(AvroCoder.of(TokenizedDocument.class)));
    PCollection<NspPair> pairs =
        p.apply("Chunks", Create.of(chunks).withCoder(AvroCoder.of(SegmentChunk.class)))
            .apply(PairForNsp.withPartnersFrom(docsIn).withSeed(5));
    PAssert.that(pairs).satisfies(out -> check(out, chunks, docs));
    p.run().waitUntilFinish();
  }

  @Test
  void composesWithPackSegmentsDeterministically(TestPipeline p) {
    List<TokenizedDocument> docs = TransformFixtures.corpus();
    PCollection<TokenizedDocument> a =
        p.apply("DocsA", Create.of(docs).withCoder(AvroCoder.of(TokenizedDocument.class)));
    List<TokenizedDocument> reversed = new ArrayList<>(docs);
    java.util.Collections.reverse(reversed);
    PCollection<TokenizedDocument> b =
        p.apply("DocsB", Create.of(reversed).withCoder(AvroCoder.of(TokenizedDocument.class)));
    PCollection<NspPair> pairsA =
        a.apply("PackA", PackSegments.create().withMaxSeqLength(MAX_SEQ_LENGTH).withDupeFactor(2))
            .apply("PairA", PairForNsp.withPartnersFrom(a));
    PCollection<NspPair> pairsB =
        b.apply("PackB", PackSegments.create().withMaxSeqLength(MAX_SEQ_LENGTH).withDupeFactor(2))
            .apply("PairB", PairForNsp.withPartnersFrom(b));
    PAssert.that(pairsA)
        .satisfies(
            outA -> {
              List<NspPair> listA = new ArrayList<>();
              outA.forEach(listA::add);
              PAssertHolder.FIRST.clear();
              PAssertHolder.FIRST.addAll(listA);
              return null;
            });
    PAssert.that(pairsB)
        .satisfies(
            outB -> {
              List<NspPair> listB = new ArrayList<>();
              outB.forEach(listB::add);
              PAssertHolder.SECOND.clear();
              PAssertHolder.SECOND.addAll(listB);
              return null;
            });
    p.run().waitUntilFinish();
    assertEquals(
        new java.util.HashSet<>(PAssertHolder.FIRST), new java.util.HashSet<>(PAssertHolder.SECOND));
    assertTrue(PAssertHolder.FIRST.size() > docs.size());
  }

  /** Collects PAssert results of one in-process DirectRunner run for comparison. */
  static final class PAssertHolder {
    static final List<NspPair> FIRST = java.util.Collections.synchronizedList(new ArrayList<>());
    static final List<NspPair> SECOND = java.util.Collections.synchronizedList(new ArrayList<>());
  }

  @Test
  void emptyInput(TestPipeline p) {
    PCollection<TokenizedDocument> docs =
        p.apply("Docs", Create.empty(AvroCoder.of(TokenizedDocument.class)));
    PCollection<NspPair> pairs =
        p.apply("Chunks", Create.empty(AvroCoder.of(SegmentChunk.class)))
            .apply(PairForNsp.withPartnersFrom(docs));
    PAssert.that(pairs).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void bucketsSpreadDocuments() {
    assertEquals(1, PairForNsp.numBuckets(0));
    assertEquals(1, PairForNsp.numBuckets(511));
    assertEquals(4, PairForNsp.numBuckets(1024));
    int[] sizes = new int[8];
    for (int i = 0; i < 8 * 256; i++) {
      sizes[PairForNsp.bucketOf("doc-" + i, 8)]++;
    }
    for (int size : sizes) {
      assertTrue(size > 180 && size < 330, "bucket size " + size);
    }
  }
}
