package io.beambert.vocab;

import io.beambert.random.Hashes;

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
    return Hashes.splitMix64(Hashes.fnv1a64(line));
  }

  /** Whether {@code line} is in the held-out slice of {@code percent} percent (0 to 100). */
  public static boolean isHeldOut(String line, int percent) {
    return Long.remainderUnsigned(hash(line), 100) < percent;
  }
}
