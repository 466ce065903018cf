package io.beambert.random;

import java.nio.charset.StandardCharsets;

/**
 * Small stable hashes: FNV-1a 64 over UTF-8 and the SplitMix64 finalizer. The same on every JVM and
 * release, so they may decide what goes where (held-out lines, buckets, random keys).
 *
 * <pre>{@code
 * long h = Hashes.splitMix64(Hashes.fnv1a64("a line"));
 * }</pre>
 */
public final class Hashes {
  private Hashes() {}

  /** FNV-1a, 64 bits, over the UTF-8 bytes of {@code s}. */
  public static long fnv1a64(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The SplitMix64 finalizer (Stafford's variant 13), a bijection of 64-bit values. */
  public static long splitMix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
