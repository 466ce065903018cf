package io.beambert.instances;

import io.beambert.random.RandomSource;
import java.util.Arrays;

/**
 * The reference's {@code truncate_seq_pair}: while |A| + |B| exceeds the budget, remove one token
 * from the longer segment (B on a tie), from the front when {@code random() < 0.5} (draw T), else
 * from the back.
 *
 * <p>The decisions depend only on the two lengths, so {@link #truncate(int, int, int,
 * RandomSource)} returns how many tokens go from each end and never touches token arrays; the loop
 * is O(removed tokens) (one draw each), with no array shifting.
 */
public final class SeqPairTruncator {
  private SeqPairTruncator() {}

  /** Tokens removed from each end of A and B. */
  public static final class Cut {
    private final int frontA;
    private final int backA;
    private final int frontB;
    private final int backB;

    Cut(int frontA, int backA, int frontB, int backB) {
      this.frontA = frontA;
      this.backA = backA;
      this.frontB = frontB;
      this.backB = backB;
    }

    /** Tokens removed from the front of A. */
    public int frontA() {
      return frontA;
    }

    /** Tokens removed from the back of A. */
    public int backA() {
      return backA;
    }

    /** Tokens removed from the front of B. */
    public int frontB() {
      return frontB;
    }

    /** Tokens removed from the back of B. */
    public int backB() {
      return backB;
    }

    /** What is left of A ({@code a} itself when nothing is cut from it). */
    public int[] keepA(int[] a) {
      return frontA + backA == 0 ? a : Arrays.copyOfRange(a, frontA, a.length - backA);
    }

    /** What is left of B ({@code b} itself when nothing is cut from it). */
    public int[] keepB(int[] b) {
      return frontB + backB == 0 ? b : Arrays.copyOfRange(b, frontB, b.length - backB);
    }

    /** Whether nothing is removed. */
    public boolean isEmpty() {
      return frontA + backA + frontB + backB == 0;
    }

    @Override
    public String toString() {
      return "Cut{A -" + frontA + "/-" + backA + ", B -" + frontB + "/-" + backB + "}";
    }
  }

  /**
   * Decides the truncation of a pair with these lengths to at most {@code maxNumTokens} tokens.
   *
   * @throws IllegalArgumentException when {@code maxNumTokens < 2} or a length is negative
   */
  public static Cut truncate(int lengthA, int lengthB, int maxNumTokens, RandomSource rng) {
    if (maxNumTokens < 2 || lengthA < 0 || lengthB < 0) {
      throw new IllegalArgumentException(
          "cannot truncate |A|=" + lengthA + " |B|=" + lengthB + " to " + maxNumTokens);
    }
    int a = lengthA;
    int b = lengthB;
    int frontA = 0;
    int backA = 0;
    int frontB = 0;
    int backB = 0;
    while ((long) a + b > maxNumTokens) {
      boolean front = rng.random() < 0.5;
      if (a > b) {
        if (front) {
          frontA++;
        } else {
          backA++;
        }
        a--;
      } else {
        if (front) {
          frontB++;
        } else {
          backB++;
        }
        b--;
      }
    }
    return new Cut(frontA, backA, frontB, backB);
  }

  /** Truncates a pair (draws T as needed); returns it unchanged when it already fits. */
  public static SegmentPair truncate(SegmentPair pair, int maxNumTokens, RandomSource rng) {
    return truncate(pair.tokensA(), pair.tokensB(), pair.isRandomNext(), maxNumTokens, rng);
  }

  /** Truncates segments A and B, which the returned pair takes over (no copy when they fit). */
  public static SegmentPair truncate(
      int[] tokensA, int[] tokensB, boolean randomNext, int maxNumTokens, RandomSource rng) {
    Cut cut = truncate(tokensA.length, tokensB.length, maxNumTokens, rng);
    return SegmentPair.adopt(cut.keepA(tokensA), cut.keepB(tokensB), randomNext);
  }
}
