package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class InstanceOptionsTest {

  @Test
  void defaultsAreTheReferenceFlags() {
    InstanceOptions o = InstanceOptions.defaults();
    assertEquals(128, o.maxSeqLength());
    assertEquals(125, o.maxNumTokens());
    assertEquals(20, o.maxPredictionsPerSeq());
    assertEquals(0.15, o.maskedLmProb(), 0.0);
    assertEquals(10, o.dupeFactor());
    assertEquals(0.1, o.shortSeqProb(), 0.0);
    assertEquals(12345L, o.randomSeed());
    assertFalse(o.doWholeWordMask());
    assertFalse(o.perWordMaskDecision());
    assertFalse(o.nonSpecialReplacements());
    assertTrue(o.isReferenceCompatible());
    assertEquals(o, o.toBuilder().build());
    assertEquals(o.hashCode(), o.toBuilder().build().hashCode());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.maxSeqLength(4), "maxSeqLength", "4"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.maxSeqLength(-1), "maxSeqLength", "-1"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.maskedLmProb(0.0), "maskedLmProb", "0.0"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.maskedLmProb(1.5), "maskedLmProb", "1.5"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.maskedLmProb(Double.NaN), "maskedLmProb", "NaN"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.maxPredictionsPerSeq(0), "maxPredictionsPerSeq", "0"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.dupeFactor(0), "dupeFactor", "0"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.shortSeqProb(-0.1), "shortSeqProb", "-0.1"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.shortSeqProb(1.01), "shortSeqProb", "1.01"),
        Arguments.of((UnaryOperator<InstanceOptions.Builder>) b -> b.perWordMaskDecision(true), "perWordMaskDecision", "doWholeWordMask=false"));
  }

  @ParameterizedTest(name = "{1} {2}")
  @MethodSource("invalid")
  void invalidValuesAreNamedInTheMessage(
      UnaryOperator<InstanceOptions.Builder> change, String name, String value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> change.apply(InstanceOptions.builder()).build());
    assertTrue(e.getMessage().contains(name), e.getMessage());
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  @Test
  void boundaryValuesAreAccepted() {
    InstanceOptions o =
        InstanceOptions.builder()
            .maxSeqLength(5)
            .maskedLmProb(1.0)
            .maxPredictionsPerSeq(1)
            .dupeFactor(1)
            .shortSeqProb(0.0)
            .build();
    assertEquals(2, o.maxNumTokens());
    InstanceOptions.builder().shortSeqProb(1.0).randomSeed(Long.MIN_VALUE).build();
    InstanceOptions extended =
        InstanceOptions.builder().doWholeWordMask(true).perWordMaskDecision(true).build();
    assertFalse(extended.isReferenceCompatible());
    assertFalse(
        InstanceOptions.builder().nonSpecialReplacements(true).build().isReferenceCompatible());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[CLS]", "[SEP]", "[MASK]", "[UNK]"})
  void vocabularyMustHoldTheSpecialTokens(String missing) {
    List<String> tokens = new ArrayList<>(TinyVocab.TOKENS);
    tokens.remove(missing);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InstanceVocab.fromTokens(tokens));
    assertTrue(e.getMessage().contains("lacks " + missing), e.getMessage());
  }

  @Test
  void vocabularyFollowsTheReferenceDictForDuplicates() {
    // "a" on lines 4 and 6: vocab_words has it once (first position), its id is the last line.
    InstanceVocab v =
        InstanceVocab.fromTokens(
            List.of("[CLS]", "[SEP]", "[MASK]", "[UNK]", "a", "##b", "a", "[unused3]"));
    assertEquals(8, v.size());
    assertEquals(7, v.referenceReplacementCount());
    assertEquals(6, v.replacementTable(false)[4]);
    assertEquals(List.of(6, 5), toList(v.replacementTable(true)));
    assertTrue(v.isContinuation(5));
    assertFalse(v.isContinuation(4));
    assertFalse(v.isContinuation(99));
    assertEquals(0, v.clsId());
    assertEquals(1, v.sepId());
    assertEquals(2, v.maskId());
    assertEquals(3, v.unkId());
    assertTrue(InstanceVocab.isSpecial("[unused999]"));
    assertFalse(InstanceVocab.isSpecial("["));
    assertFalse(InstanceVocab.isSpecial("[a"));
  }

  private static List<Integer> toList(int[] values) {
    List<Integer> out = new ArrayList<>();
    for (int v : values) {
      out.add(v);
    }
    return out;
  }
}
