package io.beambert.transforms;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of the lines of a file that start in a byte range, so that ranges of a file can be read
 * apart and still yield every line exactly once. Range {@code [start, end)} holds the bytes from
 * just after the first {@code '\n'} at or after {@code start} (from byte 0 for {@code start == 0})
 * up to and including the first {@code '\n'} at or after {@code end} (or the end of the file).
 * Consecutive ranges thus tile the file at line ends; a range inside one long line is empty, and
 * finding that out reads no further than {@code end}.
 */
final class LineRangeInputStream extends InputStream {
  private final InputStream in;
  private final long end;
  private long position;
  private boolean done;

  /**
   * Reads range {@code [start, end)} of a file from {@code in}, which must be positioned at byte
   * {@code start}.
   */
  LineRangeInputStream(InputStream in, long start, long end) throws IOException {
    this.in = new BufferedInputStream(in, 1 << 16);
    this.end = end;
    this.position = start;
    if (start > 0) {
      skipToLineStart();
    }
  }

  private void skipToLineStart() throws IOException {
    while (position < end) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      position++;
      if (b == '\n') {
        return;
      }
    }
    done = true; // no line starts in this range
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, len);
    if (n <= 0) {
      done = true;
      return -1;
    }
    if (position + n > end) {
      for (int i = off + (int) Math.max(0, end - position); i < off + n; i++) {
        if (b[i] == '\n') {
          n = i - off + 1;
          done = true;
          break;
        }
      }
    }
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
