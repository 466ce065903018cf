package io.beambert.instances;

import io.beambert.random.RandomSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A RandomSource that returns scripted values: random() and randint() pop from their queues
 * (failing when a call is not scripted, so unexpected draws are caught); shuffles are identity
 * unless reversed.
 */
final class ScriptedRandom implements RandomSource {
  private final Deque<Double> randoms = new ArrayDeque<>();
  private final Deque<Integer> ints = new ArrayDeque<>();
  boolean reverseShuffles;

  ScriptedRandom randoms(double... values) {
    for (double v : values) {
      randoms.add(v);
    }
    return this;
  }

  ScriptedRandom ints(int... values) {
    for (int v : values) {
      ints.add(v);
    }
    return this;
  }

  boolean exhausted() {
    return randoms.isEmpty() && ints.isEmpty();
  }

  @Override
  public double random() {
    if (randoms.isEmpty()) {
      throw new AssertionError("unscripted random()");
    }
    return randoms.pop();
  }

  @Override
  public int randint(int a, int b) {
    if (ints.isEmpty()) {
      throw new AssertionError("unscripted randint(" + a + ", " + b + ")");
    }
    int v = ints.pop();
    if (v < a || v > b) {
      throw new AssertionError("scripted " + v + " outside randint(" + a + ", " + b + ")");
    }
    return v;
  }

  @Override
  public <T> void shuffle(List<T> x) {
    if (reverseShuffles) {
      java.util.Collections.reverse(x);
    }
  }

  @Override
  public void shuffle(int[] x) {
    if (reverseShuffles) {
      for (int i = 0, j = x.length - 1; i < j; i++, j--) {
        int t = x[i];
        x[i] = x[j];
        x[j] = t;
      }
    }
  }
}
