package io.beambert.random;

import java.util.List;

/**
 * The draws the pretraining-instance algorithms make, with the semantics of CPython 3.11's {@code
 * random.Random} methods of the same names.
 *
 * <p>Implementations are not thread-safe unless they say so. {@link PythonRandom} is the reference
 * implementation; every algorithm in {@code io.beambert.instances} takes a {@code RandomSource} so
 * that it can run on the single sequential reference stream or on a per-element stream.
 */
public interface RandomSource {

  /** Returns a double in [0, 1) like Python's {@code random()} (53 random bits). */
  double random();

  /**
   * Returns an int in [a, b], both ends included, like Python's {@code randint(a, b)}; draws even
   * when {@code a == b}.
   *
   * @throws IllegalArgumentException when {@code b < a}
   */
  int randint(int a, int b);

  /** Shuffles the list in place like Python's {@code shuffle(x)} (Fisher-Yates from the end). */
  <T> void shuffle(List<T> x);

  /** Shuffles the array in place with exactly the draws and swaps of {@link #shuffle(List)}. */
  void shuffle(int[] x);
}
