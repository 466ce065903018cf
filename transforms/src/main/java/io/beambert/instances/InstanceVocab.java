package io.beambert.instances;

import io.beambert.text.Vocab;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vocabulary facts instance generation needs, precomputed as id arrays: the ids of [CLS],
 * [SEP], [MASK] and [UNK], which ids are "##" continuation pieces, and the random-replacement
 * tables.
 *
 * <p>Reference replacements: {@code vocab_words[randint(0, len(vocab_words) - 1)]} where {@code
 * vocab_words} are the unique tokens in first-occurrence file order, mapped to ids like the
 * reference's dict (the LAST line of a duplicate). Non-special replacements (option {@code
 * nonSpecialReplacements}) use the same order with every entry written in square brackets removed,
 * i.e. every token of length &ge; 2 that starts with {@code '['} and ends with {@code ']'}: that
 * covers [PAD], [UNK], [CLS], [SEP], [MASK] and [unused0]..[unusedN]. "##" pieces stay.
 *
 * <p>Serializable (about 9 bytes per vocabulary entry) so that Beam code can ship it to workers.
 */
public final class InstanceVocab implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Tokens every vocabulary must hold. */
  public static final List<String> REQUIRED_TOKENS = List.of("[CLS]", "[SEP]", "[MASK]", "[UNK]");

  private final int size;
  private final int clsId;
  private final int sepId;
  private final int maskId;
  private final int unkId;
  private final boolean[] continuation;
  private final int[] referenceReplacements;
  private final int[] nonSpecialReplacements;

  private InstanceVocab(List<String> tokensInLineOrder) {
    this.size = tokensInLineOrder.size();
    Map<String, Integer> lastId = new HashMap<>();
    Set<String> firstOrder = new LinkedHashSet<>();
    this.continuation = new boolean[size];
    for (int id = 0; id < size; id++) {
      String token = tokensInLineOrder.get(id);
      lastId.put(token, id);
      firstOrder.add(token);
      continuation[id] = token.startsWith("##");
    }
    for (String required : REQUIRED_TOKENS) {
      if (!lastId.containsKey(required)) {
        throw new IllegalArgumentException(
            "vocabulary lacks " + required + " (instance generation needs " + REQUIRED_TOKENS
                + "; " + size + " entries given)");
      }
    }
    this.clsId = lastId.get("[CLS]");
    this.sepId = lastId.get("[SEP]");
    this.maskId = lastId.get("[MASK]");
    this.unkId = lastId.get("[UNK]");
    this.referenceReplacements = new int[firstOrder.size()];
    List<Integer> plain = new ArrayList<>();
    int i = 0;
    for (String word : firstOrder) {
      int id = lastId.get(word);
      referenceReplacements[i++] = id;
      if (!isSpecial(word)) {
        plain.add(id);
      }
    }
    this.nonSpecialReplacements = plain.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Builds from the vocabulary file's lines in order (line index = id).
   *
   * @throws IllegalArgumentException when [CLS], [SEP], [MASK] or [UNK] is missing
   */
  public static InstanceVocab fromTokens(List<String> tokensInLineOrder) {
    return new InstanceVocab(tokensInLineOrder);
  }

  /**
   * Builds from a loaded vocabulary (its lines in order).
   *
   * @throws IllegalArgumentException when [CLS], [SEP], [MASK] or [UNK] is missing
   */
  public static InstanceVocab from(Vocab vocab) {
    List<String> lines = new ArrayList<>(vocab.size());
    for (int id = 0; id < vocab.size(); id++) {
      lines.add(vocab.tokenAt(id));
    }
    return new InstanceVocab(lines);
  }

  /** Whether the token counts as special for {@code nonSpecialReplacements}: "[...]" form. */
  public static boolean isSpecial(String token) {
    return token.length() >= 2 && token.charAt(0) == '[' && token.charAt(token.length() - 1) == ']';
  }

  /** Number of lines (ids are 0 .. size-1). */
  public int size() {
    return size;
  }

  /** Id of [CLS]. */
  public int clsId() {
    return clsId;
  }

  /** Id of [SEP]. */
  public int sepId() {
    return sepId;
  }

  /** Id of [MASK]. */
  public int maskId() {
    return maskId;
  }

  /** Id of [UNK]. */
  public int unkId() {
    return unkId;
  }

  /** Whether the token with this id starts with "##"; false for ids outside the vocabulary. */
  public boolean isContinuation(int id) {
    return id >= 0 && id < size && continuation[id];
  }

  /** Number of entries in the reference's {@code vocab_words} (unique tokens). */
  public int referenceReplacementCount() {
    return referenceReplacements.length;
  }

  /** Number of non-special replacement candidates. */
  public int nonSpecialReplacementCount() {
    return nonSpecialReplacements.length;
  }

  /** The replacement table: ids to draw from with {@code randint(0, length - 1)}. Not copied. */
  int[] replacementTable(boolean nonSpecialOnly) {
    return nonSpecialOnly ? nonSpecialReplacements : referenceReplacements;
  }
}
