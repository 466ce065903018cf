package io.beambert.instances;

import java.util.Arrays;

/**
 * One pretraining instance before padding: the masked sequence {@code [CLS] A [SEP] B [SEP]} as
 * word-piece ids, the length of A, the masked positions (ascending) with their original ids, and
 * whether B is a random next.
 *
 * <p>Immutable value type; accessors that return arrays return copies. Segment ids are implied:
 * 0 for positions {@code 0 .. lengthA() + 1} ([CLS], A and the first [SEP]), 1 after. Use {@link
 * InstanceEncoder} for the padded Avro features.
 */
public final class TrainingInstance {
  private final int[] tokens;
  private final int lengthA;
  private final int[] maskedPositions;
  private final int[] maskedLabels;
  private final boolean randomNext;

  private TrainingInstance(
      int[] tokens, int lengthA, int[] maskedPositions, int[] maskedLabels, boolean randomNext) {
    this.tokens = tokens;
    this.lengthA = lengthA;
    this.maskedPositions = maskedPositions;
    this.maskedLabels = maskedLabels;
    this.randomNext = randomNext;
  }

  /**
   * Creates an instance from copies of the arrays.
   *
   * @param tokens {@code [CLS] A [SEP] B [SEP]} after masking (ids)
   * @param lengthA number of tokens in A (at least 1; B gets at least 1)
   * @param maskedPositions strictly ascending positions inside the sequence
   * @param maskedLabels original ids at those positions
   * @param randomNext whether B is a random next (next_sentence_labels = 1)
   * @throws IllegalArgumentException when the arrays are inconsistent
   */
  public static TrainingInstance of(
      int[] tokens, int lengthA, int[] maskedPositions, int[] maskedLabels, boolean randomNext) {
    if (lengthA < 1 || tokens.length < lengthA + 4) {
      throw new IllegalArgumentException(
          "need [CLS] A [SEP] B [SEP] with |A| >= 1 and |B| >= 1; got length "
              + tokens.length + " and lengthA " + lengthA);
    }
    if (maskedPositions.length != maskedLabels.length) {
      throw new IllegalArgumentException(
          maskedPositions.length + " masked positions but " + maskedLabels.length + " labels");
    }
    for (int i = 0; i < maskedPositions.length; i++) {
      int p = maskedPositions[i];
      if (p < 0 || p >= tokens.length || (i > 0 && p <= maskedPositions[i - 1])) {
        throw new IllegalArgumentException(
            "masked positions must be ascending inside the sequence: "
                + Arrays.toString(maskedPositions));
      }
    }
    return new TrainingInstance(
        tokens.clone(), lengthA, maskedPositions.clone(), maskedLabels.clone(), randomNext);
  }

  /** Wraps the arrays without copying or checking; callers hand over ownership. */
  static TrainingInstance wrap(
      int[] tokens, int lengthA, int[] maskedPositions, int[] maskedLabels, boolean randomNext) {
    return new TrainingInstance(tokens, lengthA, maskedPositions, maskedLabels, randomNext);
  }

  /** Sequence length including [CLS] and both [SEP]. */
  public int length() {
    return tokens.length;
  }

  /** Number of tokens in A. */
  public int lengthA() {
    return lengthA;
  }

  /** Number of tokens in B. */
  public int lengthB() {
    return tokens.length - lengthA - 3;
  }

  /** Id at a position (after masking). */
  public int tokenAt(int position) {
    return tokens[position];
  }

  /** Copy of the ids after masking. */
  public int[] tokens() {
    return tokens.clone();
  }

  /** Segment id of a position: 0 up to and including the first [SEP], else 1. */
  public int segmentIdAt(int position) {
    return position <= lengthA + 1 ? 0 : 1;
  }

  /** Number of masked positions. */
  public int maskedCount() {
    return maskedPositions.length;
  }

  /** Copy of the masked positions (ascending). */
  public int[] maskedPositions() {
    return maskedPositions.clone();
  }

  /** Copy of the original ids at the masked positions. */
  public int[] maskedLabels() {
    return maskedLabels.clone();
  }

  /** Whether B is a random next (next_sentence_labels = 1). */
  public boolean isRandomNext() {
    return randomNext;
  }

  int[] tokensUnsafe() {
    return tokens;
  }

  int[] maskedPositionsUnsafe() {
    return maskedPositions;
  }

  int[] maskedLabelsUnsafe() {
    return maskedLabels;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TrainingInstance)) {
      return false;
    }
    TrainingInstance that = (TrainingInstance) o;
    return lengthA == that.lengthA
        && randomNext == that.randomNext
        && Arrays.equals(tokens, that.tokens)
        && Arrays.equals(maskedPositions, that.maskedPositions)
        && Arrays.equals(maskedLabels, that.maskedLabels);
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(tokens);
    h = 31 * h + lengthA;
    h = 31 * h + Arrays.hashCode(maskedPositions);
    h = 31 * h + Arrays.hashCode(maskedLabels);
    return 31 * h + (randomNext ? 1 : 0);
  }

  @Override
  public String toString() {
    return "TrainingInstance{tokens=" + Arrays.toString(tokens)
        + ", lengthA=" + lengthA
        + ", maskedPositions=" + Arrays.toString(maskedPositions)
        + ", maskedLabels=" + Arrays.toString(maskedLabels)
        + ", randomNext=" + randomNext + "}";
  }
}
