package io.beambert.random;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A fast random stream per key, for the distributed mode: xoshiro256** seeded through SplitMix64
 * from a 64-bit hash of (seed, id, pass, step).
 *
 * <p>It makes the same kinds of draws as {@link PythonRandom} with the same distributions (53-bit
 * {@code random()}, unbiased {@code randint}, Fisher-Yates {@code shuffle} from the end), but not
 * the same values: only reference mode must reproduce CPython's stream. Seeding costs a few
 * multiplications instead of Mersenne Twister's 624-word initialisation, and a draw a few
 * nanoseconds, which matters when every document and pass gets its own stream. Not thread-safe.
 *
 * <pre>{@code
 * RandomSource rng = KeyedRandom.forKey(12345, documentId, pass, 0);
 * int split = rng.randint(1, chunkSize - 1);
 * }</pre>
 */
public final class KeyedRandom implements RandomSource {
  private long s0;
  private long s1;
  private long s2;
  private long s3;

  private KeyedRandom(long key) {
    long x = key;
    s0 = Hashes.splitMix64(x += 0x9e3779b97f4a7c15L);
    s1 = Hashes.splitMix64(x += 0x9e3779b97f4a7c15L);
    s2 = Hashes.splitMix64(x += 0x9e3779b97f4a7c15L);
    s3 = Hashes.splitMix64(x + 0x9e3779b97f4a7c15L);
  }

  /** A generator in the given state (tests). */
  static KeyedRandom ofState(long a, long b, long c, long d) {
    KeyedRandom r = new KeyedRandom(0);
    r.s0 = a;
    r.s1 = b;
    r.s2 = c;
    r.s3 = d;
    return r;
  }

  /**
   * The stream of one element of a distributed computation, determined only by its arguments:
   * the key is a 64-bit hash of the seed, the UTF-8 bytes of {@code stableId}, {@code pass} and
   * {@code step}.
   */
  public static KeyedRandom forKey(long seed, String stableId, int pass, int step) {
    long h = Hashes.splitMix64(seed ^ 0x6a09e667f3bcc909L);
    h = Hashes.splitMix64(h ^ (((long) pass << 32) | (step & 0xFFFFFFFFL)));
    byte[] id = stableId.getBytes(StandardCharsets.UTF_8);
    long word = 0;
    for (int i = 0; i < id.length; i++) {
      word |= (id[i] & 0xFFL) << (8 * (i & 7));
      if ((i & 7) == 7) {
        h = Hashes.splitMix64(h ^ word);
        word = 0;
      }
    }
    h = Hashes.splitMix64(h ^ word ^ ((long) id.length << 56));
    return new KeyedRandom(h);
  }

  /** The next 64 random bits (xoshiro256**). */
  public long nextLong() {
    long result = Long.rotateLeft(s1 * 5, 7) * 9;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  @Override
  public double random() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** An int in [0, n), unbiased (Lemire's multiply-and-reject), for 0 &lt; n &le; 2^32. */
  private int below(long n) {
    long m = (nextLong() >>> 32) * n;
    long low = m & 0xFFFFFFFFL;
    if (low < n) {
      long threshold = (0x1_0000_0000L - n) % n;
      while (low < threshold) {
        m = (nextLong() >>> 32) * n;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  @Override
  public int randint(int a, int b) {
    if (b < a) {
      throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
    }
    return (int) (a + (long) below((long) b - a + 1));
  }

  @Override
  public <T> void shuffle(List<T> x) {
    for (int i = x.size() - 1; i > 0; i--) {
      int j = below(i + 1);
      T t = x.get(i);
      x.set(i, x.get(j));
      x.set(j, t);
    }
  }

  @Override
  public void shuffle(int[] x) {
    for (int i = x.length - 1; i > 0; i--) {
      int j = below(i + 1);
      int t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }
}
