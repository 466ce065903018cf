package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.schemas.NspPair;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.Vocab;
import java.util.ArrayList;
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
class MaskTest {

  /** [PAD] [UNK] [CLS] [SEP] [MASK] w5 .. w99. */
  static Vocab vocab() {
    List<String> tokens = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    for (int i = 5; i < 100; i++) {
      tokens.add("w" + i);
    }
    return Vocab.of(tokens);
  }

  static List<NspPair> pairs(int count) {
    List<NspPair> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      List<Integer> a = new ArrayList<>();
      List<Integer> b = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        a.add(5 + (i + k) % 95);
      }
      for (int i = 0; i < 17; i++) {
        b.add(5 + (i * 7 + k) % 95);
      }
      out.add(
          NspPair.newBuilder()
              .setDocumentId("d" + k)
              .setPass(0)
              .setChunk(0)
              .setTokensA(a)
              .setTokensB(b)
              .setRandomNext(k % 2 == 1)
              .build());
    }
    return out;
  }

  private static Void check(Iterable<PretrainingInstance> out, int count) {
    int n = 0;
    long masked = 0;
    long asMask = 0;
    long kept = 0;
    for (PretrainingInstance r : out) {
      n++;
      assertEquals(48, r.getInputIds().size());
      assertEquals(8, r.getMaskedLmPositions().size());
      // 40 tokens * 0.15 = 6 predictions.
      int real = 0;
      for (float w : r.getMaskedLmWeights()) {
        real += w == 1.0f ? 1 : 0;
      }
      assertEquals(6, real);
      assertEquals(2, (int) r.getInputIds().get(0));
      assertEquals(3, (int) r.getInputIds().get(21));
      assertEquals(3, (int) r.getInputIds().get(39));
      int previous = -1;
      for (int i = 0; i < real; i++) {
        int pos = r.getMaskedLmPositions().get(i);
        assertTrue(pos > previous, "ascending");
        previous = pos;
        assertTrue(pos != 0 && pos != 21 && pos != 39, "[CLS]/[SEP] never masked");
        int id = r.getInputIds().get(pos);
        masked++;
        asMask += id == 4 ? 1 : 0;
        kept += id == r.getMaskedLmIds().get(i) ? 1 : 0;
      }
      for (int i = 40; i < 48; i++) {
        assertEquals(0, (int) r.getInputMask().get(i));
      }
    }
    assertEquals(count, n);
    double maskShare = (double) asMask / masked;
    double keptShare = (double) kept / masked;
    assertTrue(maskShare > 0.76 && maskShare < 0.84, "[MASK] share " + maskShare);
    assertTrue(keptShare > 0.08 && keptShare < 0.13, "kept share " + keptShare);
    return null;
  }

  @Test
  void masksEightyTenTen(TestPipeline p) {
    PCollection<PretrainingInstance> out =
        p.apply(Create.of(pairs(1500)).withCoder(AvroCoder.of(NspPair.class)))
            .apply(Mask.with(vocab()).withMaxSeqLength(48).withMaxPredictionsPerSeq(8));
    PAssert.that(out).satisfies(o -> check(o, 1500));
    p.run().waitUntilFinish();
  }

  @Test
  void sameSeedSameMasks(TestPipeline p) {
    List<NspPair> in = pairs(20);
    Mask mask = Mask.with(vocab()).withMaxSeqLength(48).withMaxPredictionsPerSeq(8).withSeed(3);
    PCollection<PretrainingInstance> a =
        p.apply("A", Create.of(in).withCoder(AvroCoder.of(NspPair.class))).apply("MaskA", mask);
    List<NspPair> reversed = new ArrayList<>(in);
    java.util.Collections.reverse(reversed);
    PCollection<PretrainingInstance> b =
        p.apply("B", Create.of(reversed).withCoder(AvroCoder.of(NspPair.class))).apply("MaskB", mask);
    List<PretrainingInstance> expected = new ArrayList<>();
    io.beambert.instances.InstanceOptions options =
        io.beambert.instances.InstanceOptions.builder()
            .maxSeqLength(48).maxPredictionsPerSeq(8).randomSeed(3).build();
    io.beambert.instances.MaskedLm masker =
        new io.beambert.instances.MaskedLm(
            options, io.beambert.instances.InstanceVocab.fromTokens(tokens()));
    for (NspPair pair : in) {
      expected.add(Mask.maskOne(masker, options, pair));
    }
    PAssert.that(a).containsInAnyOrder(expected);
    PAssert.that(b).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  private static List<String> tokens() {
    List<String> tokens = new ArrayList<>();
    Vocab v = vocab();
    for (int i = 0; i < v.size(); i++) {
      tokens.add(v.tokenAt(i));
    }
    return tokens;
  }

  @Test
  void emptyInput(TestPipeline p) {
    PAssert.that(p.apply(Create.empty(AvroCoder.of(NspPair.class))).apply(Mask.with(vocab()))).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void rejectsBadSettingsAndVocabulary() {
    assertThrows(IllegalArgumentException.class, () -> Mask.with(vocab()).withMaskedLmProb(0));
    assertThrows(IllegalArgumentException.class, () -> Mask.with(vocab()).withMaxPredictionsPerSeq(0));
    assertThrows(
        IllegalArgumentException.class, () -> Mask.with(Vocab.of(List.of("[UNK]", "[CLS]", "[SEP]"))));
  }
}
