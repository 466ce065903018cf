package io.beambert.vocab;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The result of {@link WordPieceLearner#learn}: the ordered vocabulary and figures about the run.
 *
 * <p>{@link #tokens()} is the content of {@code vocab.txt}, one token per line, in order. It is
 * {@link Serializable} only because Beam serializes the default value of a global combine with the
 * combine's function; elements are encoded with {@code LearnVocab.LearnedVocabCoder}.
 */
public final class LearnedVocab implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> tokens;
  private final int alphabetSize;
  private final int merges;
  private final long distinctWords;
  private final long totalWords;

  public LearnedVocab(
      List<String> tokens, int alphabetSize, int merges, long distinctWords, long totalWords) {
    this.tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
    this.alphabetSize = alphabetSize;
    this.merges = merges;
    this.distinctWords = distinctWords;
    this.totalWords = totalWords;
  }

  /** The vocabulary in id order: special tokens, alphabet, merged pieces. */
  public List<String> tokens() {
    return tokens;
  }

  /** Number of tokens. */
  public int size() {
    return tokens.size();
  }

  /** Number of single-character tokens, word-initial and {@code ##}-continuation forms together. */
  public int alphabetSize() {
    return alphabetSize;
  }

  /** Number of merges applied (a merge whose result was already a token adds no token). */
  public int merges() {
    return merges;
  }

  /** Number of distinct words the vocabulary was learned from. */
  public long distinctWords() {
    return distinctWords;
  }

  /** Number of word occurrences the vocabulary was learned from. */
  public long totalWords() {
    return totalWords;
  }

  /** The {@code vocab.txt} content: every token followed by a newline. */
  public String toVocabFile() {
    StringBuilder out = new StringBuilder(tokens.size() * 8);
    for (String token : tokens) {
      out.append(token).append('\n');
    }
    return out.toString();
  }
}
