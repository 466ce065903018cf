package io.beambert.text;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 text lines from a stream the way the reference reads its input: lines end at
 * {@code '\n'} only ({@code '\r'}, U+2028 and the like stay in the line), and byte sequences that are
 * not valid UTF-8 are dropped exactly like Python's {@code bytes.decode("utf-8", errors="ignore")}
 * (lone surrogates, overlong forms, code points above U+10FFFF, truncated sequences and stray
 * continuation bytes). The dropped bytes are counted.
 *
 * <p>Like Python's {@code readline()}, a final line without {@code '\n'} is returned, an empty stream
 * has no lines and a trailing {@code '\n'} does not add an empty line.
 *
 * <p>Memory is bounded by {@code maxLineBytes}: the bytes of a longer line beyond that bound are
 * skipped without being buffered (the kept prefix ends on a character boundary) and counted in
 * {@link #truncatedLines()} and {@link #truncatedBytes()}. With the default bound ({@link
 * Integer#MAX_VALUE} minus a margin) nothing is truncated and a line costs its own size.
 *
 * <p>Not thread-safe. Closing closes the underlying stream.
 *
 * <pre>{@code
 * try (Utf8Lines lines = new Utf8Lines(System.in)) {
 *   for (String line = lines.next(); line != null; line = lines.next()) { ... }
 * }
 * }</pre>
 */
public final class Utf8Lines implements Closeable {
  /** The largest line length in bytes that can be kept (bounded by Java array sizes). */
  public static final int MAX_LINE_BYTES = Integer.MAX_VALUE - 16;

  /** ASCII bytes after which a line may be cut without changing its tokens; see nextPiece. */
  private static final boolean[] SAFE_CUT = new boolean[128];

  static {
    for (char c : " \t!\"#$%&()*+,-/;<=>?@[\\]_{|}~".toCharArray()) {
      SAFE_CUT[c] = true;
    }
  }

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;

  private byte[] line = new byte[256];
  private int lineLen;
  private char[] chars = new char[256];

  private boolean skipping;
  private boolean pieceEndsLine = true;
  private int lastSpace = -1;
  private final long[] dropped = new long[1];

  private long linesRead;
  private long droppedBytes;
  private long truncatedLines;
  private long truncatedBytes;

  /** Reads lines of any length (each line is held in memory once). */
  public Utf8Lines(InputStream in) {
    this(in, MAX_LINE_BYTES);
  }

  /**
   * Reads lines, keeping at most {@code maxLineBytes} bytes of each (at least 4).
   *
   * @throws IllegalArgumentException if {@code maxLineBytes < 4}
   */
  public Utf8Lines(InputStream in, int maxLineBytes) {
    if (maxLineBytes < 4 || maxLineBytes > MAX_LINE_BYTES) {
      throw new IllegalArgumentException(
          "maxLineBytes must be in [4, " + MAX_LINE_BYTES + "], got " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** Returns the next line without its {@code '\n'}, or {@code null} at the end of the stream. */
  public String next() throws IOException {
    lineLen = 0;
    skipping = false;
    boolean any = false;
    boolean truncated = false;
    while (true) {
      if (pos == limit) {
        if (!fill()) {
          if (!any) {
            return null;
          }
          break;
        }
      }
      any = true;
      int start = pos;
      int nl = -1;
      for (int i = start; i < limit; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl >= 0 ? nl : limit;
      truncated |= append(start, end - start);
      pos = nl >= 0 ? nl + 1 : limit;
      if (nl >= 0) {
        break;
      }
    }
    if (truncated) {
      truncatedLines++;
    }
    linesRead++;
    return decode(line, 0, lineLen);
  }

  /**
   * Returns the next piece of the current line, or {@code null} at the end of the stream; {@link
   * #pieceEndsLine()} tells whether the piece ends its line.
   *
   * <p>A piece ends at the line's end or, once it holds at least {@code pieceBytes} bytes, right
   * after its last "safe cut" byte: an ASCII space or tab, or ASCII punctuation that is neither
   * cased nor case-ignorable ({@code !"#$%&()*+,-/;<=>?@[\]_{|}~}). For {@link BertTokenizer} such
   * a character always ends a token and no rule looks across it (whitespace and punctuation split
   * tokens, it is a starter for NFD, and it stops the Final_Sigma context scan in both directions),
   * so tokenizing the pieces one after the other gives exactly the tokens of the whole line, in both
   * casing modes, with memory bounded by the piece size. Only a run of more than {@code pieceBytes}
   * bytes without such a byte is kept whole. Invalid UTF-8 never spans an ASCII byte, so the dropped
   * bytes are also the same. Lines are not truncated in this mode. Do not mix with {@link #next()}.
   */
  public String nextPiece(int pieceBytes) throws IOException {
    if (pieceEndsLine) {
      lineLen = 0;
      lastSpace = -1;
    }
    // Inside a line (after a cut) the line must still be ended, even if nothing follows.
    boolean any = lineLen > 0 || !pieceEndsLine;
    while (true) {
      if (pos == limit && !fill()) {
        if (!any) {
          return null;
        }
        return endPiece();
      }
      any = true;
      int start = pos;
      int nl = -1;
      for (int i = start; i < limit; i++) {
        byte c = buf[i];
        if (c == '\n') {
          nl = i;
          break;
        }
        if (c >= 0 && SAFE_CUT[c]) {
          lastSpace = lineLen + (i - start);
        }
      }
      int end = nl >= 0 ? nl : limit;
      int len = end - start;
      if (lineLen + len > line.length) {
        long grown = Math.max((long) line.length * 2, (long) lineLen + len);
        line = Arrays.copyOf(line, (int) Math.min(grown, MAX_LINE_BYTES));
      }
      System.arraycopy(buf, start, line, lineLen, len);
      lineLen += len;
      pos = nl >= 0 ? nl + 1 : limit;
      if (nl >= 0) {
        return endPiece();
      }
      if (lineLen >= pieceBytes && lastSpace >= 0) {
        int cut = lastSpace + 1;
        String piece = decode(line, 0, cut);
        System.arraycopy(line, cut, line, 0, lineLen - cut);
        lineLen -= cut;
        lastSpace = -1;
        pieceEndsLine = false;
        return piece;
      }
    }
  }

  private String endPiece() {
    pieceEndsLine = true;
    linesRead++;
    return decode(line, 0, lineLen);
  }

  /** Whether the last piece returned by {@link #nextPiece} ended its line. */
  public boolean pieceEndsLine() {
    return pieceEndsLine;
  }

  /** Appends bytes to the current line; returns true when some were cut off by the bound. */
  private boolean append(int from, int len) {
    if (skipping) {
      truncatedBytes += len;
      return true;
    }
    int take = Math.min(maxLineBytes - lineLen, len);
    if (lineLen + take > line.length) {
      long grown = Math.max((long) line.length * 2, (long) lineLen + take);
      line = Arrays.copyOf(line, (int) Math.min(grown, maxLineBytes));
    }
    System.arraycopy(buf, from, line, lineLen, take);
    lineLen += take;
    if (take == len) {
      return false;
    }
    // Cut on a character boundary: drop a sequence that the skipped bytes would have completed.
    int cut = lineLen;
    int p = cut - 1;
    while (p > 0 && p > cut - 4 && (line[p] & 0xC0) == 0x80) {
      p--;
    }
    int lead = line[p] & 0xFF;
    int seqLen = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (p + seqLen > cut) {
      cut = p;
    }
    truncatedBytes += (lineLen - cut) + (len - take);
    lineLen = cut;
    skipping = true;
    return true;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      eof = true;
      pos = limit = 0;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  /** Number of lines returned so far. */
  public long linesRead() {
    return linesRead;
  }

  /** Number of invalid UTF-8 bytes dropped so far (not counting truncated bytes). */
  public long droppedBytes() {
    return droppedBytes;
  }

  /** Number of lines cut at {@code maxLineBytes}. */
  public long truncatedLines() {
    return truncatedLines;
  }

  /** Number of bytes skipped because their line was longer than {@code maxLineBytes}. */
  public long truncatedBytes() {
    return truncatedBytes;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private String decode(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && b[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    if (chars.length < len) {
      chars = new char[Math.max(len, Math.min(chars.length * 2, MAX_LINE_BYTES))];
    }
    dropped[0] = 0;
    int n = decodeInto(b, off, len, chars, dropped);
    droppedBytes += dropped[0];
    return new String(chars, 0, n);
  }

  /**
   * Decodes UTF-8 like Python's {@code errors="ignore"}.
   *
   * @return the decoded text
   */
  public static String decode(byte[] b) {
    char[] out = new char[b.length];
    int n = decodeInto(b, 0, b.length, out, new long[1]);
    return new String(out, 0, n);
  }

  /**
   * Decodes {@code b[off, off+len)} into {@code out} (which must hold {@code len} chars), dropping
   * invalid sequences with the maximal-subpart rule CPython uses; adds the number of dropped bytes
   * to {@code dropped[0]} and returns the number of chars written.
   */
  static int decodeInto(byte[] b, int off, int len, char[] out, long[] dropped) {
    int i = off;
    int end = off + len;
    int o = 0;
    long bad = 0;
    while (i < end) {
      int b0 = b[i];
      if (b0 >= 0) {
        out[o++] = (char) b0;
        i++;
        continue;
      }
      b0 &= 0xFF;
      if (b0 < 0xC2 || b0 > 0xF4) {
        bad++;
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      int cp;
      if (b0 < 0xE0) {
        need = 1;
        cp = b0 & 0x1F;
      } else if (b0 < 0xF0) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) {
          lo = 0xA0;
        } else if (b0 == 0xED) {
          hi = 0x9F;
        }
      } else {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0) {
          lo = 0x90;
        } else if (b0 == 0xF4) {
          hi = 0x8F;
        }
      }
      int j = i + 1;
      boolean ok = true;
      for (int k = 0; k < need; k++, j++) {
        if (j >= end) {
          ok = false;
          break;
        }
        int c = b[j] & 0xFF;
        if (k == 0 ? (c < lo || c > hi) : (c & 0xC0) != 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (c & 0x3F);
      }
      if (!ok) {
        bad += j - i;
        i = j;
        continue;
      }
      if (cp >= 0x10000) {
        out[o++] = Character.highSurrogate(cp);
        out[o++] = Character.lowSurrogate(cp);
      } else {
        out[o++] = (char) cp;
      }
      i = j;
    }
    dropped[0] += bad;
    return o;
  }
}
