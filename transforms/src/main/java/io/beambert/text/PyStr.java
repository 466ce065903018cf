package io.beambert.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Python 3 {@code str} semantics that differ from Java's: {@code isspace()}, {@code strip()} and
 * {@code split()} without arguments.
 *
 * <p>Python's whitespace is the set of code points with bidirectional class WS, B or S or general
 * category Zs. Unlike Java's {@link String#strip()} and {@link Character#isWhitespace(int)} it
 * includes the no-break spaces U+00A0, U+2007 and U+202F, NEL U+0085 and the information separators
 * U+001C..U+001F. The set is identical in Unicode 13.0 (Java 17) and 14.0 (Python 3.11).
 */
public final class PyStr {
  private PyStr() {}

  /** Returns whether {@code codePoint} is whitespace for Python 3's {@code str.isspace()}. */
  public static boolean isSpace(int codePoint) {
    if (codePoint < 0x80) {
      return codePoint == ' ' || (codePoint >= 0x09 && codePoint <= 0x0D)
          || (codePoint >= 0x1C && codePoint <= 0x1F);
    }
    switch (codePoint) {
      case 0x85:
      case 0xA0:
      case 0x1680:
      case 0x2028:
      case 0x2029:
      case 0x202F:
      case 0x205F:
      case 0x3000:
        return true;
      default:
        return codePoint >= 0x2000 && codePoint <= 0x200A;
    }
  }

  /** Python's {@code s.strip()}: removes leading and trailing Python whitespace. */
  public static String strip(String s) {
    int start = 0;
    int end = s.length();
    // No Python whitespace is a supplementary code point, so char-wise scanning is exact.
    while (start < end && isSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  /** Python's {@code s.split()}: the maximal runs of non-whitespace, in order. */
  public static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(s.substring(start, i));
      }
    }
    return out;
  }
}
