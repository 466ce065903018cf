package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.schemas.NspPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class TruncateTest {

  static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  static NspPair pair(int chunk, int lengthA, int lengthB) {
    return NspPair.newBuilder()
        .setDocumentId("d")
        .setPass(0)
        .setChunk(chunk)
        .setTokensA(range(1000, 1000 + lengthA))
        .setTokensB(range(5000, 5000 + lengthB))
        .setRandomNext(chunk % 2 == 0)
        .build();
  }

  /** A contiguous run of the original, as the front/back cuts leave it. */
  private static boolean isSubRun(List<Integer> cut, List<Integer> original) {
    return Collections.indexOfSubList(original, cut) >= 0;
  }

  private static Void check(Iterable<NspPair> out, int maxNumTokens) {
    int n = 0;
    for (NspPair p : out) {
      n++;
      NspPair original = pair(p.getChunk(), 0, 0);
      int lengthA = p.getChunk() == 0 ? 10 : p.getChunk() == 1 ? 100 : 40;
      int lengthB = p.getChunk() == 0 ? 10 : p.getChunk() == 1 ? 3 : 90;
      original = pair(p.getChunk(), lengthA, lengthB);
      if (lengthA + lengthB <= maxNumTokens) {
        assertEquals(original, p, "within the budget: unchanged");
        continue;
      }
      assertEquals(maxNumTokens, p.getTokensA().size() + p.getTokensB().size());
      assertTrue(isSubRun(p.getTokensA(), original.getTokensA()));
      assertTrue(isSubRun(p.getTokensB(), original.getTokensB()));
      assertEquals(original.getRandomNext(), p.getRandomNext());
    }
    assertEquals(3, n);
    return null;
  }

  @Test
  void truncatesTheLongerSideToTheBudget(TestPipeline p) {
    PCollection<NspPair> out =
        p.apply(Create.of(pair(0, 10, 10), pair(1, 100, 3), pair(2, 40, 90))
                .withCoder(AvroCoder.of(NspPair.class)))
            .apply(Truncate.create().withMaxSeqLength(64));
    PAssert.that(out).satisfies(o -> check(o, 61));
    // chunk 1: B (3) is shorter throughout, so only A loses tokens; chunk 2: a tie cuts B, so A ends at 31, B at 30.
    PAssert.that(out)
        .satisfies(
            o -> {
              for (NspPair x : o) {
                if (x.getChunk() == 1) {
                  assertEquals(3, x.getTokensB().size());
                }
                if (x.getChunk() == 2) {
                  assertEquals(31, x.getTokensA().size());
                  assertEquals(30, x.getTokensB().size());
                }
              }
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void emptyInput(TestPipeline p) {
    PAssert.that(p.apply(Create.empty(AvroCoder.of(NspPair.class))).apply(Truncate.create())).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void rejectsTinyBudget() {
    assertThrows(IllegalArgumentException.class, () -> Truncate.create().withMaxSeqLength(4));
  }
}
