package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineRangeInputStreamTest {

  /** Reads range [start, end) of {@code file} as the counting step does: by seeking to start. */
  private static byte[] range(byte[] file, long start, long end) throws IOException {
    InputStream in = new ByteArrayInputStream(file);
    in.skipNBytes(start);
    try (InputStream range = new LineRangeInputStream(in, start, end)) {
      return range.readAllBytes();
    }
  }

  /** Concatenates the ranges of size {@code size} (the last one open-ended). */
  private static byte[] tile(byte[] file, int size) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (long start = 0; start < file.length; start += size) {
      long end = start + size >= file.length ? Long.MAX_VALUE : start + size;
      all.writeBytes(range(file, start, end));
    }
    return all.toByteArray();
  }

  @Test
  void rangesTileTheFileAtLineEndsForEverySize() throws IOException {
    Random random = new Random(7);
    for (int trial = 0; trial < 30; trial++) {
      StringBuilder text = new StringBuilder();
      int lines = random.nextInt(40);
      for (int i = 0; i < lines; i++) {
        text.append("x".repeat(random.nextInt(i % 9 == 0 ? 300 : 20)));
        if (i < lines - 1 || random.nextBoolean()) {
          text.append('\n');
        }
      }
      byte[] file = text.toString().getBytes(StandardCharsets.UTF_8);
      for (int size = 1; size <= 64; size++) {
        assertArrayEquals(file, tile(file, size), "trial " + trial + ", range size " + size);
      }
    }
  }

  @Test
  void aRangeHoldsTheLinesStartingInIt() throws IOException {
    byte[] file = "ab\ncd\n\nefgh\nij".getBytes(StandardCharsets.UTF_8);
    // Offsets: a0 b1 \n2 c3 d4 \n5 \n6 e7 f8 g9 h10 \n11 i12 j13.
    assertEquals("ab\ncd\n", new String(range(file, 0, 3), StandardCharsets.UTF_8));
    assertEquals("\nefgh\n", new String(range(file, 3, 7), StandardCharsets.UTF_8));
    assertEquals("ij", new String(range(file, 7, Long.MAX_VALUE), StandardCharsets.UTF_8));
    assertEquals("", new String(range(file, 8, 11), StandardCharsets.UTF_8));
    assertEquals("efgh\n", new String(range(file, 6, 7), StandardCharsets.UTF_8));
  }
}
