package io.beambert.text;

import java.text.Normalizer;

/**
 * Per-character classes of the reference's BasicTokenizer, precomputed for the BMP.
 *
 * <p>Character properties come from the JVM's Unicode tables (Unicode 13.0 on Java 17), while the
 * reference runs on Python 3.11 (Unicode 14.0). The two agree on every character assigned in 13.0;
 * for characters first assigned in 14.0 the JVM reports "unassigned", which would make them plain
 * letters. {@link Unicode14} supplies those characters' categories so that such text tokenizes like
 * the reference too. A newer JVM (Java 21: Unicode 15.0) knows characters that Python 3.11 treats as
 * unassigned; they are then classified by the JVM.
 */
final class CharTable {
  private CharTable() {}

  /** Removed by {@code _clean_text}: NUL, U+FFFD, and Cc/Cf other than tab, newline, return. */
  static final int DROP = 1;
  /** Splits tokens: whitespace after cleaning (Zs, tab, newline, return) and U+2028/U+2029. */
  static final int SPACE = 2;
  /** A CJK ideograph: becomes a token of its own. */
  static final int CJK = 4;
  /** {@code _is_punctuation}: non-alphanumeric ASCII and Unicode P*. */
  static final int PUNCT = 8;
  /** Lower-casing mode needs the whole-token path (context-dependent lowering or reordering). */
  static final int SLOW = 16;
  /** A surrogate: handled per code point. */
  static final int SURROGATE = 32;

  /** Class bits for each BMP char. */
  static final byte[] CLASS = new byte[65536];

  /** Uncased mapping kinds. */
  static final byte MAP_ONE = 0;
  static final byte MAP_EMPTY = 1;
  static final byte MAP_MULTI = 2;

  /** {@code strip_accents(c.lower())} for BMP chars in lower-casing mode. */
  static final byte[] UKIND = new byte[65536];
  static final char[] UMAP = new char[65536];
  static final String[] UMULTI = new String[65536];

  static {
    for (int c = 0; c < 65536; c++) {
      int cls = classOf(c);
      if (c == 0x03A3 || isNonMnNonStarter(c)) {
        cls |= SLOW;
      }
      CLASS[c] = (byte) cls;
      if ((cls & (SURROGATE | DROP | SPACE)) != 0) {
        UKIND[c] = MAP_EMPTY;
        continue;
      }
      String m = stripAccents(pyLower(String.valueOf((char) c)));
      if (m.isEmpty()) {
        UKIND[c] = MAP_EMPTY;
      } else if (m.length() == 1) {
        UKIND[c] = MAP_ONE;
        UMAP[c] = m.charAt(0);
      } else {
        UKIND[c] = MAP_MULTI;
        UMULTI[c] = m;
      }
    }
  }

  /**
   * Combining class != 0 without being a nonspacing mark (Unicode 14.0): these survive accent
   * stripping and NFD may reorder them, so tokens holding them take the whole-token path.
   */
  private static boolean isNonMnNonStarter(int c) {
    switch (c) {
      case 0x1715:
      case 0x1734:
      case 0x1B44:
      case 0x1BAA:
      case 0x1BF2:
      case 0x1BF3:
      case 0x302E:
      case 0x302F:
      case 0xA953:
      case 0xA9C0:
        return true;
      default:
        return false;
    }
  }

  /** The class bits of any code point (SLOW is only set by the BMP table). */
  static int classOf(int cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      return SURROGATE;
    }
    if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
      return DROP;
    }
    if (isWhitespace(cp) || cp == 0x2028 || cp == 0x2029) {
      return SPACE;
    }
    if (isCjk(cp)) {
      return CJK;
    }
    return isPunctuation(cp) ? PUNCT : 0;
  }

  /** The reference's {@code _is_whitespace}. */
  static boolean isWhitespace(int cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
      return true;
    }
    return Unicode14.type(cp) == Character.SPACE_SEPARATOR;
  }

  /** The reference's {@code _is_control}. */
  static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int t = Unicode14.type(cp);
    return t == Character.CONTROL || t == Character.FORMAT;
  }

  /** The reference's {@code _is_punctuation}. */
  static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
        || (cp >= 123 && cp <= 126)) {
      return true;
    }
    switch (Unicode14.type(cp)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }

  /** The reference's {@code _is_chinese_char}. */
  static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /**
   * Python's {@code str.lower()}: full lower-case mapping (U+0130 becomes "i" + U+0307) with
   * CPython's Final_Sigma rule for U+03A3.
   */
  static String pyLower(String s) {
    StringBuilder out = new StringBuilder(s.length() + 4);
    int n = s.length();
    for (int i = 0; i < n; ) {
      int cp = s.codePointAt(i);
      int len = Character.charCount(cp);
      if (cp == 0x0130) {
        out.append('i').append('\u0307');
      } else if (cp == 0x03A3) {
        out.append(finalSigma(s, i) ? '\u03C2' : '\u03C3');
      } else {
        out.appendCodePoint(Unicode14.toLowerCase(cp));
      }
      i += len;
    }
    return out.toString();
  }

  /** CPython's handle_capital_sigma: cased, case-ignorable*, SIGMA, not (case-ignorable*, cased). */
  private static boolean finalSigma(String s, int i) {
    int j = i;
    int c = 0;
    boolean found = false;
    while (j > 0) {
      c = s.codePointBefore(j);
      j -= Character.charCount(c);
      if (!isCaseIgnorable(c)) {
        found = true;
        break;
      }
    }
    if (!found || !isCased(c)) {
      return false;
    }
    j = i + 1;
    while (j < s.length()) {
      c = s.codePointAt(j);
      if (!isCaseIgnorable(c)) {
        return !isCased(c);
      }
      j += Character.charCount(c);
    }
    return true;
  }

  /** Unicode's Cased property (Lowercase or Uppercase or Lt). */
  static boolean isCased(int cp) {
    return Unicode14.isLowerCase(cp) || Unicode14.isUpperCase(cp)
        || Unicode14.type(cp) == Character.TITLECASE_LETTER;
  }

  /** Unicode's Case_Ignorable property. */
  static boolean isCaseIgnorable(int cp) {
    switch (cp) {
      case 0x0027: // Word_Break=Single_Quote
      case 0x002E: // MidNumLet
      case 0x2018:
      case 0x2019:
      case 0x2024:
      case 0xFE52:
      case 0xFF07:
      case 0xFF0E:
      case 0x003A: // MidLetter
      case 0x00B7:
      case 0x0387:
      case 0x055F:
      case 0x05F4:
      case 0x2027:
      case 0xFE13:
      case 0xFE55:
      case 0xFF1A:
        return true;
      default:
        break;
    }
    switch (Unicode14.type(cp)) {
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.FORMAT:
      case Character.MODIFIER_LETTER:
      case Character.MODIFIER_SYMBOL:
        return true;
      default:
        return false;
    }
  }

  /**
   * The reference's {@code _run_strip_accents}: NFD (canonical ordering with Unicode 14.0 classes,
   * see {@link CombiningClass}), then drop category Mn.
   */
  static String stripAccents(String s) {
    String nfd = CombiningClass.reorder(Normalizer.normalize(s, Normalizer.Form.NFD));
    StringBuilder out = null;
    int n = nfd.length();
    for (int i = 0; i < n; ) {
      int cp = nfd.codePointAt(i);
      int len = Character.charCount(cp);
      if (Unicode14.type(cp) == Character.NON_SPACING_MARK) {
        if (out == null) {
          out = new StringBuilder(n);
          out.append(nfd, 0, i);
        }
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i += len;
    }
    return out == null ? nfd : out.toString();
  }
}
