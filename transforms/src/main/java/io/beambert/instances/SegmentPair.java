package io.beambert.instances;

import java.util.Arrays;

/**
 * Segments A and B of one next-sentence pair (word-piece ids, without [CLS]/[SEP]) and whether B is
 * a random next: the output of packing, pairing and truncation, the input of {@link MaskedLm}.
 *
 * <p>Immutable; array accessors return copies.
 */
public final class SegmentPair {
  private final int[] tokensA;
  private final int[] tokensB;
  private final boolean randomNext;

  private SegmentPair(int[] tokensA, int[] tokensB, boolean randomNext) {
    this.tokensA = tokensA;
    this.tokensB = tokensB;
    this.randomNext = randomNext;
  }

  /**
   * Creates a pair from copies of the arrays.
   *
   * @throws IllegalArgumentException when A or B is empty (the reference asserts both non-empty)
   */
  public static SegmentPair of(int[] tokensA, int[] tokensB, boolean randomNext) {
    if (tokensA.length == 0 || tokensB.length == 0) {
      throw new IllegalArgumentException(
          "segments must be non-empty, got |A|=" + tokensA.length + " |B|=" + tokensB.length);
    }
    return new SegmentPair(tokensA.clone(), tokensB.clone(), randomNext);
  }

  /**
   * A pair that takes over the arrays, without copying: the caller must not change them afterwards.
   * For the generators, which make each segment once.
   */
  public static SegmentPair adopt(int[] tokensA, int[] tokensB, boolean randomNext) {
    return new SegmentPair(tokensA, tokensB, randomNext);
  }

  /** Copy of segment A. */
  public int[] tokensA() {
    return tokensA.clone();
  }

  /** Copy of segment B. */
  public int[] tokensB() {
    return tokensB.clone();
  }

  /** Length of A. */
  public int lengthA() {
    return tokensA.length;
  }

  /** Length of B. */
  public int lengthB() {
    return tokensB.length;
  }

  /** Whether B is a random next. */
  public boolean isRandomNext() {
    return randomNext;
  }

  /** {@code [CLS] A [SEP] B [SEP]} as ids. */
  public int[] sequence(int clsId, int sepId) {
    int[] out = new int[tokensA.length + tokensB.length + 3];
    out[0] = clsId;
    System.arraycopy(tokensA, 0, out, 1, tokensA.length);
    out[tokensA.length + 1] = sepId;
    System.arraycopy(tokensB, 0, out, tokensA.length + 2, tokensB.length);
    out[out.length - 1] = sepId;
    return out;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SegmentPair)) {
      return false;
    }
    SegmentPair that = (SegmentPair) o;
    return randomNext == that.randomNext
        && Arrays.equals(tokensA, that.tokensA)
        && Arrays.equals(tokensB, that.tokensB);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(tokensA) + Arrays.hashCode(tokensB)) + (randomNext ? 1 : 0);
  }

  @Override
  public String toString() {
    return "SegmentPair{A=" + Arrays.toString(tokensA) + ", B=" + Arrays.toString(tokensB)
        + ", randomNext=" + randomNext + "}";
  }
}
