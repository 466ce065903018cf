package io.beambert.vocab;

import io.beambert.text.BertTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Measures a vocabulary on held-out words: fertility (word pieces per word) and the {@code [UNK]}
 * rate, and compares two vocabularies word by word.
 *
 * <p>Words are basic-tokenized words with their counts; each distinct word is split once with
 * {@link BertTokenizer} (WordPiece, greedy longest match) and weighted by its count. An {@code [UNK]}
 * word counts as one piece. The key {@link #TOO_LONG_WORDS} holds the number of words too long for
 * WordPiece, which the tokenizer turns into {@code [UNK]} whatever the vocabulary: each is one
 * {@code [UNK]} word of one piece. Results are deterministic (ties broken by count, then word).
 */
public final class VocabReport {
  private VocabReport() {}

  /**
   * The key under which word counts hold the number of words longer than {@link
   * BertTokenizer#MAX_INPUT_CHARS_PER_WORD} code points (not stored one by one). It contains spaces,
   * so it is never a basic-tokenized word.
   */
  public static final String TOO_LONG_WORDS = " (words over the WordPiece length limit) ";

  /** Figures for one vocabulary on one set of words. */
  public record Stats(long words, long pieces, long unkWords) {
    /** Word pieces per word; 0 when there are no words. */
    public double fertility() {
      return words == 0 ? 0 : (double) pieces / words;
    }

    /** Fraction of words that became {@code [UNK]}; 0 when there are no words. */
    public double unkRate() {
      return words == 0 ? 0 : (double) unkWords / words;
    }
  }

  /** One word split by two vocabularies. */
  public record Difference(String word, long count, List<String> learned, List<String> other) {
    /** Pieces with the other vocabulary minus pieces with the learned one. */
    public int saved() {
      return other.size() - learned.size();
    }
  }

  /** Splits each word with {@code tokenizer} and adds up the figures. */
  public static Stats measure(BertTokenizer tokenizer, Map<String, Long> words) {
    long total = 0;
    long pieces = 0;
    long unk = 0;
    for (Map.Entry<String, Long> e : words.entrySet()) { // sums: any order gives the same
      long count = e.getValue();
      if (e.getKey().equals(TOO_LONG_WORDS)) {
        total += count;
        pieces += count;
        unk += count;
        continue;
      }
      List<String> split = tokenizer.tokenize(e.getKey());
      total += count;
      pieces += count * split.size();
      if (split.size() == 1 && split.get(0).equals("[UNK]")) {
        unk += count;
      }
    }
    return new Stats(total, pieces, unk);
  }

  /**
   * The {@code limit} words whose piece counts differ most between two tokenizers, the largest
   * difference in {@code direction} first: positive for words the learned vocabulary splits less.
   */
  public static List<Difference> differences(
      BertTokenizer learned, BertTokenizer other, Map<String, Long> words, int limit, int direction) {
    List<Difference> all = new ArrayList<>();
    for (Map.Entry<String, Long> e : words.entrySet()) { // the sort below is a total order
      if (e.getKey().equals(TOO_LONG_WORDS)) {
        continue; // [UNK] with every vocabulary
      }
      List<String> a = learned.tokenize(e.getKey());
      List<String> b = other.tokenize(e.getKey());
      int saved = b.size() - a.size();
      if (saved != 0 && Integer.signum(saved) == Integer.signum(direction)) {
        all.add(new Difference(e.getKey(), e.getValue(), a, b));
      }
    }
    all.sort(
        Comparator.comparingInt((Difference d) -> -Math.abs(d.saved()))
            .thenComparing(Difference::count, Comparator.reverseOrder())
            .thenComparing(Difference::word));
    return all.subList(0, Math.min(limit, all.size()));
  }

  /** Single characters and {@code ##}-continuation characters of a vocabulary. */
  public static int alphabetSize(List<String> vocab) {
    int n = 0;
    for (String token : vocab) {
      String body = token.startsWith(WordPieceLearner.CONTINUATION_PREFIX) && token.length() > 2
          ? token.substring(2)
          : token;
      if (body.codePointCount(0, body.length()) == 1) {
        n++;
      }
    }
    return n;
  }
}
