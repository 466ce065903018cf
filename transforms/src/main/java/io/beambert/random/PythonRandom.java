package io.beambert.random;

import java.math.BigInteger;
import java.util.List;
import java.util.RandomAccess;

/**
 * CPython 3.11's {@code random.Random}: the MT19937 Mersenne Twister with CPython's seeding and
 * helper methods, reproduced bit for bit.
 *
 * <ul>
 *   <li>Seeding from an integer takes its absolute value, splits it into 32-bit words (least
 *       significant first; 0 gives {@code [0]}) and runs the standard {@code init_by_array}.
 *   <li>{@link #random()} combines two MT words: {@code ((w1 >>> 5) * 2^26 + (w2 >>> 6)) / 2^53}.
 *   <li>{@link #getrandbits(int)} takes the top k bits of one word for k &le; 32, and for larger k
 *       fills 32-bit words least significant first, shifting the last word right by {@code 32 -
 *       remaining}.
 *   <li>{@link #randbelow(long)} is CPython's {@code _randbelow}: k = bit_length(n) (not of n-1),
 *       retry while the draw is &ge; n. So {@code randbelow(1)} still consumes at least one word.
 *   <li>{@code randint(a, b)} = a + randbelow(b - a + 1), drawing even when a == b.
 *   <li>{@code shuffle} runs i from len-1 down to 1 with j = randbelow(i + 1).
 * </ul>
 *
 * <p>Not thread-safe. Construction costs one {@code init_by_array} (about 1,250 word operations on
 * a copied template); the first draw regenerates the 624-word state.
 *
 * <pre>{@code
 * PythonRandom rng = new PythonRandom(12345);
 * double x = rng.random();          // 0.41661987254534116, as in Python
 * int i = rng.randint(2, 125);
 * }</pre>
 */
public final class PythonRandom implements RandomSource {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  /** State after {@code init_genrand(19650218)}, the start of every {@code init_by_array}. */
  private static final int[] INIT_GENRAND_19650218 = initGenrand(19650218);

  private final int[] mt = new int[N];
  private int mti;

  /** Seeds like Python's {@code random.Random(seed)}; the sign is dropped (-5 seeds like 5). */
  public PythonRandom(long seed) {
    long magnitude = seed < 0 ? -seed : seed; // Long.MIN_VALUE stays 2^63 read as unsigned
    int lo = (int) magnitude;
    int hi = (int) (magnitude >>> 32);
    if (hi == 0) {
      initByArray(new int[] {lo});
    } else {
      initByArray(new int[] {lo, hi});
    }
  }

  /** Seeds like Python's {@code random.Random(seed)} for an integer of any size; sign dropped. */
  public PythonRandom(BigInteger seed) {
    initByArray(keyWords(seed.abs()));
  }

  private PythonRandom(int[] key) {
    initByArray(key);
  }

  /**
   * Returns a generator seeded by CPython's {@code init_by_array(key)} with these 32-bit words (read
   * as unsigned). Equal to {@code new PythonRandom(N)} where N is the integer whose 32-bit words,
   * least significant first, are {@code key}, provided the last word is non-zero (Python drops high
   * zero words).
   *
   * @throws IllegalArgumentException when {@code key} is empty
   */
  public static PythonRandom fromInitKey(int[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("init_by_array key must hold at least one word");
    }
    return new PythonRandom(key.clone());
  }

  // ---------------------------------------------------------------- MT19937 core

  private static int[] initGenrand(int s) {
    int[] state = new int[N];
    state[0] = s;
    for (int i = 1; i < N; i++) {
      state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
    }
    return state;
  }

  private void initByArray(int[] key) {
    System.arraycopy(INIT_GENRAND_19650218, 0, mt, 0, N);
    int keyLength = key.length;
    int i = 1;
    int j = 0;
    for (int k = Math.max(N, keyLength); k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= keyLength) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = UPPER_MASK; // MSB is 1, assuring a non-zero initial array
    mti = N;
  }

  private static int[] keyWords(BigInteger magnitude) {
    int bits = magnitude.bitLength();
    int words = bits == 0 ? 1 : (bits - 1) / 32 + 1;
    int[] key = new int[words];
    for (int w = 0; w < words; w++) {
      key[w] = magnitude.shiftRight(32 * w).intValue();
    }
    return key;
  }

  private void regenerate() {
    int kk;
    int y;
    for (kk = 0; kk < N - M; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
    mti = 0;
  }

  /** One tempered MT word as a signed int (read it unsigned). */
  private int nextWord() {
    if (mti >= N) {
      regenerate();
    }
    int y = mt[mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  // ---------------------------------------------------------------- Python API

  /** Returns the next tempered MT19937 output, an unsigned 32-bit value in a long. */
  public long genrandUint32() {
    return nextWord() & 0xFFFFFFFFL;
  }

  @Override
  public double random() {
    int a = nextWord() >>> 5;
    int b = nextWord() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /**
   * Returns a non-negative integer with k random bits, like Python's {@code getrandbits(k)}; k == 0
   * gives 0 and draws nothing.
   *
   * @throws IllegalArgumentException when k is negative
   */
  public BigInteger getrandbits(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("number of bits must be non-negative, got " + k);
    }
    if (k == 0) {
      return BigInteger.ZERO;
    }
    if (k <= 32) {
      return BigInteger.valueOf((nextWord() >>> (32 - k)) & 0xFFFFFFFFL);
    }
    int words = (k - 1) / 32 + 1;
    byte[] bigEndian = new byte[words * 4 + 1]; // leading zero byte keeps the value non-negative
    int remaining = k;
    for (int w = 0; w < words; w++, remaining -= 32) {
      int r = nextWord();
      if (remaining < 32) {
        r >>>= 32 - remaining;
      }
      int at = bigEndian.length - 4 * (w + 1);
      bigEndian[at] = (byte) (r >>> 24);
      bigEndian[at + 1] = (byte) (r >>> 16);
      bigEndian[at + 2] = (byte) (r >>> 8);
      bigEndian[at + 3] = (byte) r;
    }
    return new BigInteger(bigEndian);
  }

  /** getrandbits for 1 &le; k &le; 63, in a long. */
  private long getrandbitsLong(int k) {
    if (k <= 32) {
      return (nextWord() >>> (32 - k)) & 0xFFFFFFFFL;
    }
    long low = nextWord() & 0xFFFFFFFFL;
    long high = (nextWord() >>> (64 - k)) & 0xFFFFFFFFL;
    return (high << 32) | low;
  }

  /**
   * Returns a long in [0, n) like CPython's {@code _randbelow(n)}.
   *
   * @throws IllegalArgumentException when n &le; 0
   */
  public long randbelow(long n) {
    if (n <= 0) {
      throw new IllegalArgumentException("randbelow needs n > 0, got " + n);
    }
    int k = 64 - Long.numberOfLeadingZeros(n);
    long r = getrandbitsLong(k);
    while (r >= n) {
      r = getrandbitsLong(k);
    }
    return r;
  }

  /** {@code _randbelow} for a positive int, on the fast path (k &le; 31, r non-negative). */
  private int randbelowInt(int n) {
    int shift = Integer.numberOfLeadingZeros(n); // = 32 - bit_length(n)
    int r = nextWord() >>> shift;
    while (r >= n) {
      r = nextWord() >>> shift;
    }
    return r;
  }

  /**
   * Returns a long in [a, b] like Python's {@code randint(a, b)}.
   *
   * @throws IllegalArgumentException when {@code b < a} or the range does not fit in a long
   */
  public long randint(long a, long b) {
    if (b < a) {
      throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
    }
    long width = b - a + 1;
    if (width <= 0) {
      throw new IllegalArgumentException("range too wide for randint(" + a + ", " + b + ")");
    }
    return a + randbelow(width);
  }

  @Override
  public int randint(int a, int b) {
    if (b < a) {
      throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
    }
    long width = (long) b - a + 1;
    if (width > Integer.MAX_VALUE) {
      return (int) (a + randbelow(width));
    }
    return a + randbelowInt((int) width);
  }

  @Override
  public <T> void shuffle(List<T> x) {
    if (x instanceof RandomAccess) {
      for (int i = x.size() - 1; i > 0; i--) {
        int j = randbelowInt(i + 1);
        x.set(i, x.set(j, x.get(i)));
      }
      return;
    }
    Object[] items = x.toArray();
    for (int i = items.length - 1; i > 0; i--) {
      int j = randbelowInt(i + 1);
      Object t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    java.util.ListIterator<T> it = x.listIterator();
    for (Object item : items) {
      it.next();
      @SuppressWarnings("unchecked")
      T typed = (T) item;
      it.set(typed);
    }
  }

  @Override
  public void shuffle(int[] x) {
    for (int i = x.length - 1; i > 0; i--) {
      int j = randbelowInt(i + 1);
      int t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }
}
