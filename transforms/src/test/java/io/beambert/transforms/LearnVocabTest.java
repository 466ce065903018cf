package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beambert.vocab.LearnedVocab;
import io.beambert.vocab.WordPieceLearner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class LearnVocabTest {

  /** "hug" x10, "pug" x5, "pun" x12, "bun" x4, "hugs" x5, spread over lines with punctuation. */
  private static List<String> hugLines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lines.add(i < 5 ? "Hug, PUG!" : "hug");
    }
    for (int i = 0; i < 12; i++) {
      lines.add(i < 4 ? "pun bun" : (i < 9 ? "pun hugs" : "pun"));
    }
    return lines;
  }

  @Test
  void learnsFromBasicTokenizedLines(TestPipeline pipeline) {
    PCollection<LearnedVocab> vocab =
        pipeline
            .apply(Create.of(hugLines()).withCoder(StringUtf8Coder.of()))
            .apply(LearnVocab.create().withVocabSize(100).withMinFrequency(1));
    PAssert.that(tokens(vocab))
        .containsInAnyOrder(
            List.of(
                "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                // "," and "!" are words of their own: alphabet, never merged.
                "!", ",", "b", "g", "h", "n", "p", "s", "u", "##g", "##n", "##s", "##u",
                "##ug", "##un", "hug", "pun", "pug", "hugs", "bun"));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void isIndependentOfInputOrderAndSplitting(TestPipeline pipeline) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      lines.add("line " + i + " with words like token" + (i % 17) + "ization and re" + (i % 5));
    }
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, new java.util.Random(3));
    LearnVocab learn = LearnVocab.create().withVocabSize(120);
    PCollection<List<String>> a =
        tokens("TokensA", pipeline.apply("A", Create.of(lines)).apply("LearnA", learn));
    PCollection<List<String>> b =
        tokens(
            "TokensB",
            org.apache.beam.sdk.values.PCollectionList.of(
                    pipeline.apply("B1", Create.of(shuffled.subList(0, 100))))
                .and(pipeline.apply("B2", Create.of(shuffled.subList(100, 300))))
                .apply(Flatten.pCollections())
                .apply("LearnB", learn));
    List<String> expected = WordPieceLearner.create().withVocabSize(120).learn(count(lines)).tokens();
    PAssert.that(a).containsInAnyOrder(expected);
    PAssert.that(b).containsInAnyOrder(expected);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void countWordsGivesExactCountsWithEarlyFlushesAndCountsTooLongWords(TestPipeline pipeline) {
    String tooLong = "x".repeat(io.beambert.text.BertTokenizer.MAX_INPUT_CHARS_PER_WORD + 1);
    String longest = "y".repeat(io.beambert.text.BertTokenizer.MAX_INPUT_CHARS_PER_WORD);
    List<String> lines = new ArrayList<>();
    Map<String, Long> expected = new java.util.HashMap<>();
    for (int i = 0; i < 200; i++) {
      lines.add("Word" + (i % 7) + " and " + longest + " " + tooLong + ", w" + i);
      expected.merge("word" + (i % 7), 1L, Long::sum);
      expected.merge("and", 1L, Long::sum);
      expected.merge(longest, 1L, Long::sum);
      expected.merge(",", 1L, Long::sum);
      expected.merge("w" + i, 1L, Long::sum);
    }
    expected.put(io.beambert.vocab.VocabReport.TOO_LONG_WORDS, 200L);
    for (int flush : new int[] {3, LearnVocab.FLUSH_ENTRIES}) {
      PCollection<Map<String, Long>> merged =
          pipeline
              .apply("Lines" + flush, Create.of(lines).withCoder(StringUtf8Coder.of()))
              .apply("Count" + flush, LearnVocab.countWords(true).withFlushEntries(flush))
              .apply("Gather" + flush,
                  org.apache.beam.sdk.transforms.Combine.globally(new LearnVocab.SumCounts()));
      PAssert.thatSingleton(merged).isEqualTo(expected);
    }
    pipeline.run().waitUntilFinish();
  }

  @Test
  void tooLongWordsTakeNoPartInLearning(TestPipeline pipeline) {
    String tooLong = "q".repeat(io.beambert.text.BertTokenizer.MAX_INPUT_CHARS_PER_WORD + 1);
    List<String> lines = new ArrayList<>(hugLines());
    lines.add(tooLong + " " + tooLong);
    PCollection<LearnedVocab> vocab =
        pipeline
            .apply(Create.of(lines).withCoder(StringUtf8Coder.of()))
            .apply(LearnVocab.create().withVocabSize(100).withMinFrequency(1));
    List<String> expected =
        WordPieceLearner.create().withVocabSize(100).withMinFrequency(1)
            .learn(wordCounts(hugLines())).tokens();
    PAssert.that(tokens(vocab)).containsInAnyOrder(expected);
    pipeline.run().waitUntilFinish();
  }

  private static Map<String, Long> wordCounts(List<String> lines) {
    io.beambert.text.BertTokenizer basic =
        new io.beambert.text.BertTokenizer(
            io.beambert.text.Vocab.of(List.of(io.beambert.text.Vocab.UNK)), true);
    Map<String, Long> counts = new java.util.HashMap<>();
    for (String line : lines) {
      basic.basicTokens(line, w -> counts.merge(w, 1L, Long::sum));
    }
    return counts;
  }

  @Test
  void encodedCountsAddUpWithAndWithoutCompaction() {
    Map<String, Long> a = Map.of("x", 2L, "y", 1L, "\u00e9t\u00e9", 5L);
    Map<String, Long> b = Map.of("x", 3L, "z", 7L);
    Map<String, Long> expected = Map.of("x", 5L, "y", 1L, "z", 7L, "\u00e9t\u00e9", 5L);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        LearnVocab.encodeCounts(a), LearnVocab.encodeCounts(new java.util.TreeMap<>(a)));
    for (int compactBytes : new int[] {1, LearnVocab.COMPACT_BYTES}) {
      LearnVocab.SumEncodedCounts fn = new LearnVocab.SumEncodedCounts(compactBytes);
      List<byte[]> left = fn.addInput(fn.createAccumulator(), LearnVocab.encodeCounts(a));
      List<byte[]> right = fn.addInput(fn.createAccumulator(), LearnVocab.encodeCounts(b));
      right = fn.addInput(right, LearnVocab.encodeCounts(Map.of()));
      List<byte[]> merged = fn.mergeAccumulators(List.of(left, right));
      assertEquals(compactBytes == 1 ? 1 : 3, merged.size());
      assertEquals(expected, fn.extractOutput(merged));
    }
  }

  @Test
  void emptyInputGivesTheSpecialTokens(TestPipeline pipeline) {
    PCollection<LearnedVocab> vocab =
        pipeline
            .apply(Create.empty(StringUtf8Coder.of()))
            .apply(LearnVocab.create());
    PAssert.that(tokens(vocab)).containsInAnyOrder(WordPieceLearner.SPECIAL_TOKENS);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void rejectsBadOptionsNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LearnVocab.create().withVocabSize(3));
    assertEquals("vocabSize must be greater than 5, got 3", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LearnVocab.create().withMinFrequency(0));
    assertThrows(IllegalArgumentException.class, () -> LearnVocab.create().withLimitAlphabet(-1));
  }

  /** Word counts of ASCII lines split on spaces (the test lines have no punctuation or caps). */
  private static Map<String, Long> count(List<String> lines) {
    Map<String, Long> counts = new java.util.HashMap<>();
    for (String line : lines) {
      for (String w : line.split(" ")) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  private static PCollection<List<String>> tokens(PCollection<LearnedVocab> vocab) {
    return tokens("Tokens", vocab);
  }

  private static PCollection<List<String>> tokens(String name, PCollection<LearnedVocab> vocab) {
    return vocab.apply(
        name,
        MapElements.into(TypeDescriptors.lists(TypeDescriptors.strings()))
            .via(LearnedVocab::tokens));
  }
}
