package io.beambert.vocab;

import java.nio.charset.StandardCharsets;

/**
 * The held-out slice of a corpus: the lines kept out of vocabulary learning and used to measure it.
 *
 * <p>A line is held out when a hash of its UTF-8 bytes (64-bit FNV-1a, then the SplitMix64
 * finalizer), taken as an unsigned number modulo 100, is below the held-out percentage. The choice
 * depends on the line's content only, not on its file or position, so it is the same whatever the
 * input order, file split, parallelism or runner; duplicate lines land on the same side.
 */
public final class HeldOut {
  private HeldOut() {}

  /** The hash the slice is chosen by; stable across JVMs and releases. */
  public static long hash(String line) {
    long h = 0xcbf29ce484222325L;
    for (byte b : line.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /** Whether {@code line} is in the held-out slice of {@code percent} percent (0 to 100). */
  public static boolean isHeldOut(String line, int percent) {
    return Long.remainderUnsigned(hash(line), 100) < percent;
  }
}
