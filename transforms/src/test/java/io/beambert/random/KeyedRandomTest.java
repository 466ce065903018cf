package io.beambert.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyedRandomTest {

  private static long[] draws(KeyedRandom r, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = r.nextLong();
    }
    return out;
  }

  @Test
  void xoshiro256StarStarCoreGivesTheReferenceSequence() {
    // The first outputs of the authors' xoshiro256** from the state (1, 2, 3, 4).
    assertEquals(
        Arrays.toString(new long[] {11520L, 0L, 1509978240L, 1215971899390074240L}),
        Arrays.toString(draws(KeyedRandom.ofState(1, 2, 3, 4), 4)));
  }

  @Test
  void keysDecideTheStreamAndEveryPartMatters() {
    long[] base = draws(KeyedRandom.forKey(12345, "0123456789abcdef0123456789abcdef", 3, 0), 8);
    assertEquals(
        Arrays.toString(base),
        Arrays.toString(draws(KeyedRandom.forKey(12345, "0123456789abcdef0123456789abcdef", 3, 0), 8)));
    for (KeyedRandom other :
        List.of(
            KeyedRandom.forKey(12346, "0123456789abcdef0123456789abcdef", 3, 0),
            KeyedRandom.forKey(12345, "0123456789abcdef0123456789abcdee", 3, 0),
            KeyedRandom.forKey(12345, "0123456789abcdef0123456789abcdef", 4, 0),
            KeyedRandom.forKey(12345, "0123456789abcdef0123456789abcdef", 3, 1),
            KeyedRandom.forKey(12345, "0123456789abcdef0123456789abcdef\u0000", 3, 0))) {
      assertNotEquals(Arrays.toString(base), Arrays.toString(draws(other, 8)));
    }
  }

  @Test
  void randintIsUniformAndInclusive() {
    KeyedRandom r = KeyedRandom.forKey(1, "uniform", 0, 0);
    int[] counts = new int[7];
    int n = 700_000;
    for (int i = 0; i < n; i++) {
      counts[r.randint(3, 9) - 3]++;
    }
    double expected = n / 7.0;
    double chi2 = 0;
    for (int c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    assertTrue(chi2 < 30, "chi-square with 6 degrees of freedom: " + chi2); // p < 1e-4 above 30
    assertEquals(5, r.randint(5, 5));
    assertThrows(IllegalArgumentException.class, () -> r.randint(2, 1));
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    for (int i = 0; i < 10_000; i++) {
      int v = r.randint(Integer.MIN_VALUE, Integer.MAX_VALUE);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assertTrue(lo < -2_000_000_000 && hi > 2_000_000_000, lo + " " + hi);
  }

  @Test
  void randomIsInTheUnitIntervalWithTheRightMean() {
    KeyedRandom r = KeyedRandom.forKey(2, "random", 0, 0);
    double sum = 0;
    int n = 1_000_000;
    int below08 = 0;
    for (int i = 0; i < n; i++) {
      double x = r.random();
      assertTrue(x >= 0 && x < 1);
      sum += x;
      below08 += x < 0.8 ? 1 : 0;
    }
    assertEquals(0.5, sum / n, 5 * Math.sqrt(1.0 / 12 / n));
    assertEquals(0.8, below08 / (double) n, 5 * Math.sqrt(0.16 / n));
  }

  @Test
  void shufflesGiveEveryPermutationEquallyOften() {
    KeyedRandom r = KeyedRandom.forKey(3, "shuffle", 0, 0);
    Map<String, Integer> arrays = new HashMap<>();
    Map<String, Integer> lists = new HashMap<>();
    int n = 60_000;
    for (int i = 0; i < n; i++) {
      int[] a = {0, 1, 2};
      r.shuffle(a);
      arrays.merge(Arrays.toString(a), 1, Integer::sum);
      List<Integer> l = new ArrayList<>(List.of(0, 1, 2));
      r.shuffle(l);
      lists.merge(l.toString(), 1, Integer::sum);
    }
    for (Map<String, Integer> counts : List.of(arrays, lists)) {
      assertEquals(6, counts.size());
      for (int c : counts.values()) {
        assertEquals(n / 6.0, c, 5 * Math.sqrt(n * (1 / 6.0) * (5 / 6.0)), counts.toString());
      }
    }
    // The same key shuffles the same way, arrays and lists alike.
    int[] a = {0, 1, 2, 3, 4, 5, 6, 7};
    List<Integer> l = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
    KeyedRandom.forKey(4, "x", 0, 0).shuffle(a);
    KeyedRandom.forKey(4, "x", 0, 0).shuffle(l);
    assertEquals(l.toString(), Arrays.toString(a));
  }
}
