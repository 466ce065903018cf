package io.beambert.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VocabReportTest {

  private static BertTokenizer tokenizer(String... pieces) {
    List<String> vocab = new java.util.ArrayList<>(WordPieceLearner.SPECIAL_TOKENS);
    vocab.addAll(List.of(pieces));
    return new BertTokenizer(Vocab.of(vocab), true);
  }

  @Test
  void measuresFertilityAndUnkRateWeightedByCount() {
    BertTokenizer t = tokenizer("a", "b", "##b", "ab");
    // "ab" x3 -> [ab]; "abb" x1 -> [ab, ##b]; "ba" x1 -> [UNK] (no ##a); "c" x5 -> [UNK].
    VocabReport.Stats stats =
        VocabReport.measure(t, Map.of("ab", 3L, "abb", 1L, "ba", 1L, "c", 5L));
    assertEquals(10, stats.words());
    assertEquals(3 + 2 + 1 + 5, stats.pieces());
    assertEquals(6, stats.unkWords());
    assertEquals(1.1, stats.fertility(), 1e-12);
    assertEquals(0.6, stats.unkRate(), 1e-12);
    assertEquals(new VocabReport.Stats(0, 0, 0), VocabReport.measure(t, Map.of()));
    assertEquals(0.0, VocabReport.measure(t, Map.of()).fertility());
  }

  @Test
  void countsTooLongWordsAsUnkWordsOfOnePiece() {
    BertTokenizer t = tokenizer("a", "b", "##b", "ab");
    String longWord = "a".repeat(BertTokenizer.MAX_INPUT_CHARS_PER_WORD + 1);
    assertEquals(List.of("[UNK]"), t.tokenize(longWord)); // what the held-out count stands for
    VocabReport.Stats stats =
        VocabReport.measure(t, Map.of("ab", 3L, VocabReport.TOO_LONG_WORDS, 2L));
    assertEquals(new VocabReport.Stats(5, 5, 2), stats);
    assertEquals(0.4, stats.unkRate(), 1e-12);
    assertEquals(
        List.of(),
        VocabReport.differences(t, tokenizer("a"), Map.of(VocabReport.TOO_LONG_WORDS, 9L), 10, -1));
  }

  @Test
  void listsTheWordsWhoseSplitDiffersMostInATotalOrder() {
    BertTokenizer learned = tokenizer("a", "b", "c", "##a", "##b", "##c", "abc", "ab");
    BertTokenizer other = tokenizer("a", "b", "c", "##a", "##b", "##c", "ca");
    Map<String, Long> words = Map.of("abc", 1L, "ab", 7L, "ba", 2L, "ca", 4L, "cab", 1L);
    List<VocabReport.Difference> fewer = VocabReport.differences(learned, other, words, 10, 1);
    // abc: 1 vs 3 (saves 2); ab: 1 vs 2 (saves 1, count 7); ba: 2 vs 2 (equal, absent).
    assertEquals(List.of("abc", "ab"), fewer.stream().map(VocabReport.Difference::word).toList());
    assertEquals(2, fewer.get(0).saved());
    List<VocabReport.Difference> more = VocabReport.differences(learned, other, words, 10, -1);
    // ca: 2 vs 1; cab: [c, ##a, ##b] vs [ca, ##b].
    assertEquals(List.of("ca", "cab"), more.stream().map(VocabReport.Difference::word).toList());
    assertEquals(List.of("ca"), more.get(0).other());
    assertEquals(1, VocabReport.differences(learned, other, words, 1, 1).size());
  }

  @Test
  void countsBothFormsOfSingleCharacters() {
    assertEquals(
        4, VocabReport.alphabetSize(List.of("[UNK]", "a", "##a", "\uD83D\uDE00", "##é", "ab", "##")));
  }
}
