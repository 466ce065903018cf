package io.beambert.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.vocab.WordPieceLearner.Scoring;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WordPieceLearnerTest {

  private static Map<String, Long> hugCorpus() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("hug", 10L);
    counts.put("pug", 5L);
    counts.put("pun", 12L);
    counts.put("bun", 4L);
    counts.put("hugs", 5L);
    return counts;
  }

  @Test
  void learnsMergesByFrequencyWithTieBreakOnSymbolIds() {
    LearnedVocab vocab =
        WordPieceLearner.create().withVocabSize(100).withMinFrequency(1).learn(hugCorpus());
    assertEquals(
        List.of(
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "b", "g", "h", "n", "p", "s", "u", "##g", "##n", "##s", "##u",
            // (##u,##g)=20, (##u,##n)=16, (h,##ug)=15, (p,##un)=12, then a tie at 5 between
            // (p,##ug) and (hug,##s): p has the lower id.
            "##ug", "##un", "hug", "pun", "pug", "hugs", "bun"),
        vocab.tokens());
    assertEquals(11, vocab.alphabetSize());
    assertEquals(7, vocab.merges());
    assertEquals(5, vocab.distinctWords());
    assertEquals(36, vocab.totalWords());
  }

  @Test
  void stopsAtMinFrequencyAndAtVocabSize() {
    LearnedVocab minFive =
        WordPieceLearner.create().withVocabSize(100).withMinFrequency(5).learn(hugCorpus());
    assertEquals(22, minFive.size());
    assertEquals("hugs", minFive.tokens().get(21));

    LearnedVocab small =
        WordPieceLearner.create().withVocabSize(18).withMinFrequency(1).learn(hugCorpus());
    assertEquals(18, small.size());
    assertEquals("##un", small.tokens().get(17));
  }

  @Test
  void resultDoesNotDependOnMapOrder() {
    Map<String, Long> counts = randomCorpus(7, 400);
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    Collections.reverse(entries);
    Map<String, Long> reversed = new LinkedHashMap<>();
    entries.forEach(e -> reversed.put(e.getKey(), e.getValue()));
    WordPieceLearner learner = WordPieceLearner.create().withVocabSize(300).withMinFrequency(1);
    assertEquals(learner.learn(counts).tokens(), learner.learn(reversed).tokens());
  }

  @Test
  void limitAlphabetKeepsTheMostFrequentCharactersAndSkipsWordsWithOthers() {
    Map<String, Long> counts = new HashMap<>();
    counts.put("aab", 10L);
    counts.put("ba", 10L);
    counts.put("zq", 1L); // z and q are the rarest characters
    counts.put("c", 3L);
    LearnedVocab vocab =
        WordPieceLearner.create().withVocabSize(100).withMinFrequency(1).withLimitAlphabet(3)
            .learn(counts);
    assertTrue(vocab.tokens().containsAll(List.of("a", "b", "c", "##a", "##b")));
    assertFalse(vocab.tokens().contains("z"));
    assertFalse(vocab.tokens().contains("##q"));
  }

  @Test
  void wordsLongerThanTheWordPieceLimitDoNotTakePart() {
    Map<String, Long> counts = new HashMap<>();
    counts.put("x".repeat(io.beambert.text.BertTokenizer.MAX_INPUT_CHARS_PER_WORD + 1), 1000L);
    counts.put("ab", 3L);
    LearnedVocab vocab = WordPieceLearner.create().withVocabSize(100).learn(counts);
    assertEquals(
        List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "x", "##b", "ab"),
        vocab.tokens());
  }

  @Test
  void emptyInputGivesTheSpecialTokens() {
    assertEquals(
        WordPieceLearner.SPECIAL_TOKENS, WordPieceLearner.create().learn(Map.of()).tokens());
    assertEquals(
        WordPieceLearner.SPECIAL_TOKENS,
        WordPieceLearner.create().learn(Map.of("", 5L, "a", 0L)).tokens());
  }

  @Test
  void supplementaryCharactersAreOneSymbol() {
    Map<String, Long> counts = Map.of("\uD83D\uDE00a", 4L);
    LearnedVocab vocab = WordPieceLearner.create().withVocabSize(100).learn(counts);
    assertEquals(
        List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "\uD83D\uDE00", "##a",
            "\uD83D\uDE00a"),
        vocab.tokens());
  }

  @ParameterizedTest
  @EnumSource(Scoring.class)
  void matchesAStraightforwardReimplementation(Scoring scoring) {
    for (int seed = 1; seed <= 6; seed++) {
      Map<String, Long> counts = randomCorpus(seed, 300);
      WordPieceLearner learner =
          WordPieceLearner.create().withVocabSize(400).withMinFrequency(2).withScoring(scoring);
      assertEquals(
          NaiveLearner.learn(counts, 400, 2, scoring), learner.learn(counts).tokens(),
          "seed " + seed);
    }
  }

  @Test
  void vocabularyHasNoDuplicatesAndCoversEveryTrainingWord() {
    Map<String, Long> counts = randomCorpus(11, 2000);
    LearnedVocab vocab =
        WordPieceLearner.create().withVocabSize(1000).withMinFrequency(1).learn(counts);
    assertEquals(vocab.size(), new HashSet<>(vocab.tokens()).size());
    assertEquals(1000, vocab.size());
    HashSet<String> set = new HashSet<>(vocab.tokens());
    for (String word : counts.keySet()) {
      assertFalse(greedyPieces(word, set).isEmpty(), word);
    }
  }

  @Test
  void rejectsInvalidOptionsNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WordPieceLearner.create().withVocabSize(5));
    assertTrue(e.getMessage().contains("5"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> WordPieceLearner.create().withMinFrequency(0));
    assertThrows(
        IllegalArgumentException.class, () -> WordPieceLearner.create().withLimitAlphabet(0));
  }

  /** Greedy longest-match WordPiece; an empty list means the word is [UNK]. */
  static List<String> greedyPieces(String word, java.util.Set<String> vocab) {
    List<String> out = new ArrayList<>();
    int[] cps = word.codePoints().toArray();
    int start = 0;
    while (start < cps.length) {
      String found = null;
      int end = cps.length;
      for (; end > start; end--) {
        String piece = new String(cps, start, end - start);
        if (start > 0) {
          piece = "##" + piece;
        }
        if (vocab.contains(piece)) {
          found = piece;
          break;
        }
      }
      if (found == null) {
        return List.of();
      }
      out.add(found);
      start = end;
    }
    return out;
  }

  /** Zipf-like words over a small alphabet, with shared stems so that merges repeat. */
  static Map<String, Long> randomCorpus(long seed, int words) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] stems = {"an", "ing", "tion", "re", "st", "aa", "ab", "é", "\uD83D\uDE00"};
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < words; i++) {
      StringBuilder w = new StringBuilder();
      int parts = 1 + random.nextInt(4);
      for (int p = 0; p < parts; p++) {
        if (random.nextInt(3) == 0) {
          w.append(stems[random.nextInt(stems.length)]);
        } else {
          w.append((char) ('a' + random.nextInt(6)));
        }
      }
      counts.merge(w.toString(), 1L + random.nextInt(1 + 1000 / (i + 1)), Long::sum);
    }
    return counts;
  }

  /** Re-counts every pair over every word at each merge: slow, obviously right. */
  static final class NaiveLearner {
    static List<String> learn(Map<String, Long> counts, int vocabSize, long minFreq, Scoring s) {
      List<String> vocab = new ArrayList<>(WordPieceLearner.SPECIAL_TOKENS);
      Map<String, Integer> ids = new HashMap<>();
      vocab.forEach(t -> ids.put(t, ids.size()));
      List<String> words = new ArrayList<>(counts.keySet());
      Collections.sort(words);
      java.util.TreeSet<Integer> initial = new java.util.TreeSet<>();
      java.util.TreeSet<Integer> cont = new java.util.TreeSet<>();
      for (String w : words) {
        int[] cps = w.codePoints().toArray();
        for (int cp : cps) {
          initial.add(cp);
        }
        for (int k = 1; k < cps.length; k++) {
          cont.add(cps[k]);
        }
      }
      for (int cp : initial) {
        add(vocab, ids, new String(Character.toChars(cp)));
      }
      for (int cp : cont) {
        add(vocab, ids, "##" + new String(Character.toChars(cp)));
      }
      List<int[]> syms = new ArrayList<>();
      for (String w : words) {
        int[] cps = w.codePoints().toArray();
        int[] ws = new int[cps.length];
        for (int k = 0; k < cps.length; k++) {
          String c = new String(Character.toChars(cps[k]));
          ws[k] = ids.get(k == 0 ? c : "##" + c);
        }
        syms.add(ws);
      }
      while (vocab.size() < vocabSize) {
        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Integer, Long> symbolCounts = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
          int[] ws = syms.get(i);
          long c = counts.get(words.get(i));
          for (int k = 0; k < ws.length; k++) {
            symbolCounts.merge(ws[k], c, Long::sum);
            if (k + 1 < ws.length) {
              pairCounts.merge(((long) ws[k] << 32) | ws[k + 1], c, Long::sum);
            }
          }
        }
        long bestKey = -1;
        double bestScore = 0;
        long bestCount = 0;
        for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
          long count = e.getValue();
          if (count < minFreq) {
            continue;
          }
          int a = (int) (e.getKey() >>> 32);
          int b = (int) (long) e.getKey();
          double score =
              s == Scoring.FREQUENCY
                  ? count
                  : count / ((double) symbolCounts.get(a) * symbolCounts.get(b));
          boolean better;
          if (bestKey < 0) {
            better = true;
          } else if (score != bestScore) {
            better = score > bestScore;
          } else if (count != bestCount) {
            better = count > bestCount;
          } else {
            better = e.getKey() < bestKey;
          }
          if (better) {
            bestKey = e.getKey();
            bestScore = score;
            bestCount = count;
          }
        }
        if (bestKey < 0) {
          break;
        }
        int a = (int) (bestKey >>> 32);
        int b = (int) bestKey;
        String bs = vocab.get(b);
        String merged = vocab.get(a) + (bs.startsWith("##") ? bs.substring(2) : bs);
        if (!ids.containsKey(merged)) {
          add(vocab, ids, merged);
        }
        int m = ids.get(merged);
        for (int i = 0; i < syms.size(); i++) {
          int[] ws = syms.get(i);
          int[] out = new int[ws.length];
          int len = 0;
          for (int k = 0; k < ws.length; ) {
            if (k + 1 < ws.length && ws[k] == a && ws[k + 1] == b) {
              out[len++] = m;
              k += 2;
            } else {
              out[len++] = ws[k++];
            }
          }
          syms.set(i, Arrays.copyOf(out, len));
        }
      }
      return vocab;
    }

    private static void add(List<String> vocab, Map<String, Integer> ids, String t) {
      ids.put(t, vocab.size());
      vocab.add(t);
    }
  }
}
