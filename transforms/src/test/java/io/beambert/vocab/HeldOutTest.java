package io.beambert.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeldOutTest {

  @Test
  void hashIsPinned() {
    // Values from an independent implementation (Python) of FNV-1a 64 + SplitMix64's finalizer:
    // changing them would change which lines every existing run held out.
    assertEquals(-780787492076525413L, HeldOut.hash(""));
    assertEquals(417524495691944273L, HeldOut.hash("hello world"));
    assertEquals(-5795133593031334616L, HeldOut.hash("Ünïcode \uD83D\uDE00"));
  }

  @Test
  void slicesByUnsignedRemainder() {
    // Unsigned remainders mod 100: "" -> 3, "hello world" -> 73, "Ünïcode 😀" -> 0.
    assertTrue(HeldOut.isHeldOut("Ünïcode \uD83D\uDE00", 1));
    assertFalse(HeldOut.isHeldOut("", 3));
    assertTrue(HeldOut.isHeldOut("", 4));
    assertFalse(HeldOut.isHeldOut("hello world", 50));
    assertFalse(HeldOut.isHeldOut("Ünïcode \uD83D\uDE00", 0));
  }

  @Test
  void aboutOnePercentOfDistinctLinesAreHeldOut() {
    int held = 0;
    for (int i = 0; i < 100_000; i++) {
      if (HeldOut.isHeldOut("line number " + i, 1)) {
        held++;
      }
    }
    // Binomial(100000, 0.01): mean 1000, sd about 31.
    assertTrue(held > 880 && held < 1120, "held out " + held);
  }
}
