package io.beambert.text;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
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

  /** Class of each ASCII byte for {@link #nextPiece}: dropped by the tokenizer (a control). */
  private static final byte A_CONTROL = 0;
  /** An ASCII letter or digit: neither punctuation nor case-ignorable. */
  private static final byte A_ALNUM = 1;
  /** Whitespace or punctuation that is neither cased nor case-ignorable: a cut after it is safe. */
  private static final byte A_CUT = 2;
  /** Case-ignorable punctuation ({@code ' . : ^ `}): Final_Sigma looks across it. */
  private static final byte A_IGNORABLE = 3;

  private static final byte[] ASCII_KIND = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      if (Character.isLetterOrDigit(c)) {
        ASCII_KIND[c] = A_ALNUM;
      } else if ("\'.:^`".indexOf(c) >= 0) {
        ASCII_KIND[c] = A_IGNORABLE;
      } else if (c == ' ' || c == '\t' || c == '\r' || (c > ' ' && c < 127)) {
        ASCII_KIND[c] = A_CUT;
      } else {
        ASCII_KIND[c] = A_CONTROL;
      }
    }
  }

  /**
   * A run of more than this many word characters (see {@link WordChars#WORD}) is shortened to this many
   * characters by {@link #nextPiece}: the word holding it has more than {@link
   * BertTokenizer#MAX_INPUT_CHARS_PER_WORD} code points either way, so it is one {@code [UNK]}
   * either way.
   */
  static final int LONG_RUN = 256;

  /**
   * Word characters, built when {@link #nextPiece} first needs them rather than when a file is
   * read: ASCII letters and digits, and BMP letters (Lu, Ll, Lt, Lo; not Lm, which is
   * case-ignorable) that the tokenizer never drops, splits or treats specially (no class bit: not
   * U+03A3, not CJK, not punctuation) and that give at least one code point, none of them
   * punctuation, after {@code lower()}, NFD and accent stripping, starting with a letter (a starter,
   * so NFD never reorders across it). Such a character is neither case-ignorable nor U+03A3, so
   * every Final_Sigma scan stops at it, and a run of them always stays inside one word.
   */
  private static final class WordChars {
    static final boolean[] WORD = new boolean[65536];

    static {
      for (int c = 0; c < 65536; c++) {
        if (c < 128) {
          WORD[c] = Character.isLetterOrDigit(c);
          continue;
        }
        int type = Unicode14.type(c);
        if (CharTable.CLASS[c] != 0
            || (type != Character.UPPERCASE_LETTER && type != Character.LOWERCASE_LETTER
                && type != Character.TITLECASE_LETTER && type != Character.OTHER_LETTER)) {
          continue;
        }
        String lowered;
        if (CharTable.UKIND[c] == CharTable.MAP_ONE) {
          lowered = String.valueOf(CharTable.UMAP[c]);
        } else if (CharTable.UKIND[c] == CharTable.MAP_MULTI) {
          lowered = CharTable.UMULTI[c];
        } else {
          continue;
        }
        boolean ok = startsWithLetter(lowered)
            && startsWithLetter(
                Normalizer.normalize(String.valueOf((char) c), Normalizer.Form.NFD));
        for (int k = 0; ok && k < lowered.length(); k++) {
          ok = (CharTable.CLASS[lowered.charAt(k)] & ~CharTable.SLOW) == 0;
        }
        WORD[c] = ok;
      }
    }

    private static boolean startsWithLetter(String s) {
      int t = Unicode14.type(s.codePointAt(0));
      return t == Character.UPPERCASE_LETTER || t == Character.LOWERCASE_LETTER
          || t == Character.TITLECASE_LETTER || t == Character.OTHER_LETTER;
    }
  }

  /** Context state of {@link #nextPiece}: line start, or after a known non-case-ignorable char. */
  private static final int CTX_CLEAN = 0;
  /** In a run of ASCII case-ignorable bytes that started in the clean state. */
  private static final int CTX_IGNORABLE_RUN = 1;
  /** After anything else (non-ASCII, controls, invalid bytes): no cut before the next clean char. */
  private static final int CTX_OTHER = 2;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private long bufferStart; // offset in the stream of buf[0]

  private byte[] line = new byte[256];
  private int lineLen;
  private char[] chars = new char[256];

  private boolean skipping;
  private boolean pieceEndsLine = true;

  // nextPiece state, kept across the pieces of one line.
  private int lastCut = -1;
  private int ctx = CTX_CLEAN;
  private int wordRun;
  private int lastWordChar;
  private int seqStart;
  private int seqCtx;
  private int seqNeed;
  private int seqCp;
  private int seqLo;
  private int seqHi;
  private long shortenedWords;
  private long shortenedBytes;
  private long forcedCuts;
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
   * #pieceEndsLine()} tells whether the piece ends its line. Same as {@link #nextPiece(int, int)}
   * with at most {@code 4 * pieceBytes} bytes per piece (at least 1024).
   */
  public String nextPiece(int pieceBytes) throws IOException {
    return nextPiece(pieceBytes, (int) Math.min(MAX_LINE_BYTES,
        Math.max(1024L, 4L * Math.max(1, pieceBytes))));
  }

  /**
   * Returns the next piece of the current line, or {@code null} at the end of the stream; {@link
   * #pieceEndsLine()} tells whether the piece ends its line. Tokenizing the pieces of a line one
   * after the other with {@link BertTokenizer} gives exactly the tokens of the whole line, in both
   * casing modes, except after a forced cut (see below), with memory bounded by {@code
   * maxPieceBytes}. Lines are not truncated in this mode. Do not mix with {@link #next()}.
   *
   * <p>A piece ends at the line's end or, once it holds at least {@code pieceBytes} bytes, at its
   * last safe cut, a place where no tokenizer rule looks across:
   *
   * <ul>
   *   <li>after a separator: ASCII space, tab or carriage return, a Unicode space separator, U+2028
   *       or U+2029, or a CJK ideograph (a token of its own);
   *   <li>after ASCII punctuation that is neither cased nor case-ignorable ({@code
   *       !"#$%&()*+,-/;<=>?@[\]_{|}~}): it ends a token, is a starter for NFD and stops the
   *       Final_Sigma context scan in both directions;
   *   <li>after a run of the case-ignorable ASCII punctuation {@code ' . : ^ `} that has a word
   *       character (an ASCII letter or digit, or a letter as described at {@link WordChars#WORD}), a
   *       separator or one of the characters above (or the line start) right before it, and a word
   *       character or one of the ASCII characters above right after it: the punctuation ends a
   *       token and those neighbours, neither case-ignorable nor U+03A3, stop every Final_Sigma
   *       scan before it reaches the cut, so no U+03A3 can see across.
   * </ul>
   *
   * <p>A cut is only ever made right after a complete valid UTF-8 character or an ASCII byte, so
   * the dropped invalid bytes are the same too, and nothing after a cut (a combining mark, say) is
   * separated from a letter it could combine or be reordered with.
   *
   * <p>A run of more than {@link #LONG_RUN} word characters (ASCII letters and digits, and letters
   * of other scripts as described at {@link WordChars#WORD}) is shortened to its first {@code LONG_RUN - 1}
   * characters and its last one: the word holding the run has more than 200 code points before and
   * after, so it is a single {@code [UNK]} either way, no Final_Sigma scan enters the run and NFD
   * reorders nothing across its characters. Such runs are counted in {@link #shortenedWords()}.
   *
   * <p>When a piece reaches {@code maxPieceBytes} without a safe cut (a very long run mixing, say,
   * U+03A3, combining marks or non-ASCII punctuation with letters, without any space or ASCII
   * punctuation between letters), it is cut anyway at a character boundary, which may change the
   * tokens around that place (a long word can give two {@code [UNK]} instead of one); such cuts are
   * counted in {@link #forcedCuts()}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= pieceBytes <= maxPieceBytes} and {@code
   *     maxPieceBytes >= 2 * LONG_RUN}
   */
  public String nextPiece(int pieceBytes, int maxPieceBytes) throws IOException {
    if (pieceBytes < 1 || maxPieceBytes < pieceBytes || maxPieceBytes < 2 * LONG_RUN
        || maxPieceBytes > MAX_LINE_BYTES) {
      throw new IllegalArgumentException("need 1 <= pieceBytes <= maxPieceBytes, "
          + 2 * LONG_RUN + " <= maxPieceBytes, got " + pieceBytes + ", " + maxPieceBytes);
    }
    if (pieceEndsLine) {
      lineLen = 0;
      lastCut = -1;
      ctx = CTX_CLEAN;
      wordRun = 0;
      seqNeed = 0;
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
      while (pos < limit) {
        byte c = buf[pos++];
        if (c == '\n') {
          return endPiece();
        }
        if (line.length == lineLen) {
          line = Arrays.copyOf(line, (int) Math.min(MAX_LINE_BYTES, 2L * line.length));
        }
        scan(c);
        if (lineLen >= pieceBytes && lastCut > 0) {
          return cutAt(lastCut);
        }
        if (lineLen >= maxPieceBytes) {
          forcedCuts++;
          String piece = cutAt(charBoundaryBefore(lineLen));
          wordRun = 0; // the run goes on, counted afresh
          return piece;
        }
      }
    }
  }

  /** Appends one byte of the current line and updates the cut state. */
  private void scan(byte c) {
    if (seqNeed > 0) {
      int u = c & 0xFF;
      if (u >= seqLo && u <= seqHi) {
        line[lineLen++] = c;
        seqCp = (seqCp << 6) | (u & 0x3F);
        seqLo = 0x80;
        seqHi = 0xBF;
        if (--seqNeed == 0) {
          if (seqCp < 0x10000 && WordChars.WORD[seqCp]) {
            if (seqCtx == CTX_IGNORABLE_RUN) {
              lastCut = seqStart;
            }
            ctx = CTX_CLEAN;
            wordChar(seqStart);
            return;
          }
          wordRun = 0;
          int cls = CharTable.classOf(seqCp);
          if ((cls & (CharTable.SPACE | CharTable.CJK)) != 0) {
            lastCut = lineLen;
            ctx = CTX_CLEAN;
          }
        }
        return;
      }
      // An invalid sequence: dropped by the decoder; this byte starts afresh.
      seqNeed = 0;
      wordRun = 0;
    }
    if (c >= 0) {
      byte kind = ASCII_KIND[c];
      if (kind == A_ALNUM) {
        if (ctx == CTX_IGNORABLE_RUN) {
          lastCut = lineLen;
        }
        ctx = CTX_CLEAN;
        line[lineLen++] = c;
        wordChar(lineLen - 1);
        return;
      }
      wordRun = 0;
      line[lineLen++] = c;
      if (kind == A_CUT) {
        lastCut = lineLen;
        ctx = CTX_CLEAN;
      } else if (kind == A_IGNORABLE) {
        ctx = ctx == CTX_OTHER ? CTX_OTHER : CTX_IGNORABLE_RUN;
      } else {
        ctx = CTX_OTHER;
      }
      return;
    }
    seqCtx = ctx;
    ctx = CTX_OTHER;
    seqStart = lineLen;
    line[lineLen++] = c;
    int u = c & 0xFF;
    if (u < 0xC2 || u > 0xF4) {
      wordRun = 0;
      return; // a stray byte, dropped by the decoder
    }
    seqLo = 0x80;
    seqHi = 0xBF;
    if (u < 0xE0) {
      seqNeed = 1;
      seqCp = u & 0x1F;
    } else if (u < 0xF0) {
      seqNeed = 2;
      seqCp = u & 0x0F;
      if (u == 0xE0) {
        seqLo = 0xA0;
      } else if (u == 0xED) {
        seqHi = 0x9F;
      }
    } else {
      seqNeed = 3;
      seqCp = u & 0x07;
      if (u == 0xF0) {
        seqLo = 0x90;
      } else if (u == 0xF4) {
        seqHi = 0x8F;
      }
    }
  }

  /**
   * Counts the word character just appended at {@code line[start, lineLen)}; past {@link
   * #LONG_RUN} characters it replaces the run's last kept character instead, so that a run keeps
   * its first {@code LONG_RUN - 1} characters and its last one.
   */
  private void wordChar(int start) {
    if (++wordRun <= LONG_RUN) {
      lastWordChar = start;
      return;
    }
    if (wordRun == LONG_RUN + 1) {
      shortenedWords++;
    }
    int len = lineLen - start;
    shortenedBytes += start - lastWordChar;
    System.arraycopy(line, start, line, lastWordChar, len);
    lineLen = lastWordChar + len;
  }

  /**
   * The largest cut position {@code p <= end} (with {@code p > 0}) that splits no UTF-8 sequence:
   * before a byte that is not a continuation byte, or after four continuation bytes in a row (no
   * sequence reaches past its third continuation byte).
   */
  private int charBoundaryBefore(int end) {
    for (int p = end - 1; p > 0 && p >= end - 4; p--) {
      if ((line[p] & 0xC0) != 0x80) {
        return p;
      }
    }
    return end - 1;
  }

  /** Returns {@code line[0, cut)} as a piece and keeps the rest for the next one. */
  private String cutAt(int cut) {
    String piece = decode(line, 0, cut);
    System.arraycopy(line, cut, line, 0, lineLen - cut);
    lineLen -= cut;
    lastCut = -1;
    lastWordChar -= cut;
    seqStart -= cut;
    pieceEndsLine = false;
    return piece;
  }

  private String endPiece() {
    pieceEndsLine = true;
    linesRead++;
    return decode(line, 0, lineLen);
  }

  /**
   * Bytes of the stream consumed so far: after {@link #next()}, the offset just past the returned
   * line's {@code '\n'} (or the end of the stream), so that the bytes from one call's position to
   * the next's are exactly the line just returned (with its {@code '\n'}).
   */
  public long position() {
    return bufferStart + pos;
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
    bufferStart += limit;
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

  /** Number of runs of word characters that {@link #nextPiece} shortened (long words). */
  public long shortenedWords() {
    return shortenedWords;
  }

  /** Number of bytes left out of shortened runs. */
  public long shortenedBytes() {
    return shortenedBytes;
  }

  /** Number of pieces that {@link #nextPiece} had to end without a safe cut (maybe inexact). */
  public long forcedCuts() {
    return forcedCuts;
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
