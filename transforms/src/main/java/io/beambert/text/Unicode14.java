package io.beambert.text;

import java.util.Arrays;

/**
 * The character properties the tokenizer needs, as Python 3.11's {@code unicodedata} (Unicode 14.0)
 * reports them.
 *
 * <p>Delegates to {@link Character}, except for the characters whose properties differ between
 * Java 17 (Unicode 13.0) and Unicode 14.0: the 838 characters Unicode 14.0 assigned (the JVM reports
 * them unassigned, which would make them plain letters: new punctuation such as U+2E53..U+2E5D would
 * not split, new marks such as U+0898..U+089F would not be stripped, new format characters U+0890 and
 * U+0891 would not be dropped) and U+1734, which changed from Mn to Mc. For those the 14.0 values
 * below win on every JVM. Characters that Unicode 15.0 or later added (known to Java 21) are still
 * classified by the JVM, whereas Python 3.11 treats them as unassigned.
 */
final class Unicode14 {
  private Unicode14() {}

  // Generated from Python 3.11.7 unicodedata 14.0.0 against Java 17 (Unicode 13.0): {start, end, type}.
  private static final int[][] TYPES = {
    {0x61D, 0x61D, Character.OTHER_PUNCTUATION}, {0x870, 0x887, Character.OTHER_LETTER},
    {0x888, 0x888, Character.MODIFIER_SYMBOL}, {0x889, 0x88E, Character.OTHER_LETTER},
    {0x890, 0x891, Character.FORMAT}, {0x898, 0x89F, Character.NON_SPACING_MARK},
    {0x8B5, 0x8B5, Character.OTHER_LETTER}, {0x8C8, 0x8C8, Character.OTHER_LETTER},
    {0x8C9, 0x8C9, Character.MODIFIER_LETTER}, {0x8CA, 0x8D2, Character.NON_SPACING_MARK},
    {0xC3C, 0xC3C, Character.NON_SPACING_MARK}, {0xC5D, 0xC5D, Character.OTHER_LETTER},
    {0xCDD, 0xCDD, Character.OTHER_LETTER}, {0x170D, 0x170D, Character.OTHER_LETTER},
    {0x1715, 0x1715, Character.COMBINING_SPACING_MARK}, {0x171F, 0x171F, Character.OTHER_LETTER},
    {0x1734, 0x1734, Character.COMBINING_SPACING_MARK},
    {0x180F, 0x180F, Character.NON_SPACING_MARK}, {0x1AC1, 0x1ACE, Character.NON_SPACING_MARK},
    {0x1B4C, 0x1B4C, Character.OTHER_LETTER}, {0x1B7D, 0x1B7E, Character.OTHER_PUNCTUATION},
    {0x1DFA, 0x1DFA, Character.NON_SPACING_MARK}, {0x20C0, 0x20C0, Character.CURRENCY_SYMBOL},
    {0x2C2F, 0x2C2F, Character.UPPERCASE_LETTER}, {0x2C5F, 0x2C5F, Character.LOWERCASE_LETTER},
    {0x2E53, 0x2E54, Character.OTHER_PUNCTUATION}, {0x2E55, 0x2E55, Character.START_PUNCTUATION},
    {0x2E56, 0x2E56, Character.END_PUNCTUATION}, {0x2E57, 0x2E57, Character.START_PUNCTUATION},
    {0x2E58, 0x2E58, Character.END_PUNCTUATION}, {0x2E59, 0x2E59, Character.START_PUNCTUATION},
    {0x2E5A, 0x2E5A, Character.END_PUNCTUATION}, {0x2E5B, 0x2E5B, Character.START_PUNCTUATION},
    {0x2E5C, 0x2E5C, Character.END_PUNCTUATION}, {0x2E5D, 0x2E5D, Character.DASH_PUNCTUATION},
    {0x9FFD, 0x9FFF, Character.OTHER_LETTER}, {0xA7C0, 0xA7C0, Character.UPPERCASE_LETTER},
    {0xA7C1, 0xA7C1, Character.LOWERCASE_LETTER}, {0xA7D0, 0xA7D0, Character.UPPERCASE_LETTER},
    {0xA7D1, 0xA7D1, Character.LOWERCASE_LETTER}, {0xA7D3, 0xA7D3, Character.LOWERCASE_LETTER},
    {0xA7D5, 0xA7D5, Character.LOWERCASE_LETTER}, {0xA7D6, 0xA7D6, Character.UPPERCASE_LETTER},
    {0xA7D7, 0xA7D7, Character.LOWERCASE_LETTER}, {0xA7D8, 0xA7D8, Character.UPPERCASE_LETTER},
    {0xA7D9, 0xA7D9, Character.LOWERCASE_LETTER}, {0xA7F2, 0xA7F4, Character.MODIFIER_LETTER},
    {0xFBC2, 0xFBC2, Character.MODIFIER_SYMBOL}, {0xFD40, 0xFD4F, Character.OTHER_SYMBOL},
    {0xFDCF, 0xFDCF, Character.OTHER_SYMBOL}, {0xFDFE, 0xFDFF, Character.OTHER_SYMBOL},
    {0x10570, 0x1057A, Character.UPPERCASE_LETTER}, {0x1057C, 0x1058A, Character.UPPERCASE_LETTER},
    {0x1058C, 0x10592, Character.UPPERCASE_LETTER}, {0x10594, 0x10595, Character.UPPERCASE_LETTER},
    {0x10597, 0x105A1, Character.LOWERCASE_LETTER}, {0x105A3, 0x105B1, Character.LOWERCASE_LETTER},
    {0x105B3, 0x105B9, Character.LOWERCASE_LETTER}, {0x105BB, 0x105BC, Character.LOWERCASE_LETTER},
    {0x10780, 0x10785, Character.MODIFIER_LETTER}, {0x10787, 0x107B0, Character.MODIFIER_LETTER},
    {0x107B2, 0x107BA, Character.MODIFIER_LETTER}, {0x10F70, 0x10F81, Character.OTHER_LETTER},
    {0x10F82, 0x10F85, Character.NON_SPACING_MARK}, {0x10F86, 0x10F89, Character.OTHER_PUNCTUATION},
    {0x11070, 0x11070, Character.NON_SPACING_MARK}, {0x11071, 0x11072, Character.OTHER_LETTER},
    {0x11073, 0x11074, Character.NON_SPACING_MARK}, {0x11075, 0x11075, Character.OTHER_LETTER},
    {0x110C2, 0x110C2, Character.NON_SPACING_MARK}, {0x116B9, 0x116B9, Character.OTHER_PUNCTUATION},
    {0x11740, 0x11746, Character.OTHER_LETTER}, {0x11AB0, 0x11ABF, Character.OTHER_LETTER},
    {0x12F90, 0x12FF0, Character.OTHER_LETTER}, {0x12FF1, 0x12FF2, Character.OTHER_PUNCTUATION},
    {0x16A70, 0x16ABE, Character.OTHER_LETTER}, {0x16AC0, 0x16AC9, Character.DECIMAL_DIGIT_NUMBER},
    {0x1AFF0, 0x1AFF3, Character.MODIFIER_LETTER}, {0x1AFF5, 0x1AFFB, Character.MODIFIER_LETTER},
    {0x1AFFD, 0x1AFFE, Character.MODIFIER_LETTER}, {0x1B11F, 0x1B122, Character.OTHER_LETTER},
    {0x1CF00, 0x1CF2D, Character.NON_SPACING_MARK}, {0x1CF30, 0x1CF46, Character.NON_SPACING_MARK},
    {0x1CF50, 0x1CFC3, Character.OTHER_SYMBOL}, {0x1D1E9, 0x1D1EA, Character.OTHER_SYMBOL},
    {0x1DF00, 0x1DF09, Character.LOWERCASE_LETTER}, {0x1DF0A, 0x1DF0A, Character.OTHER_LETTER},
    {0x1DF0B, 0x1DF1E, Character.LOWERCASE_LETTER}, {0x1E290, 0x1E2AD, Character.OTHER_LETTER},
    {0x1E2AE, 0x1E2AE, Character.NON_SPACING_MARK}, {0x1E7E0, 0x1E7E6, Character.OTHER_LETTER},
    {0x1E7E8, 0x1E7EB, Character.OTHER_LETTER}, {0x1E7ED, 0x1E7EE, Character.OTHER_LETTER},
    {0x1E7F0, 0x1E7FE, Character.OTHER_LETTER}, {0x1F6DD, 0x1F6DF, Character.OTHER_SYMBOL},
    {0x1F7F0, 0x1F7F0, Character.OTHER_SYMBOL}, {0x1F979, 0x1F979, Character.OTHER_SYMBOL},
    {0x1F9CC, 0x1F9CC, Character.OTHER_SYMBOL}, {0x1FA7B, 0x1FA7C, Character.OTHER_SYMBOL},
    {0x1FAA9, 0x1FAAC, Character.OTHER_SYMBOL}, {0x1FAB7, 0x1FABA, Character.OTHER_SYMBOL},
    {0x1FAC3, 0x1FAC5, Character.OTHER_SYMBOL}, {0x1FAD7, 0x1FAD9, Character.OTHER_SYMBOL},
    {0x1FAE0, 0x1FAE7, Character.OTHER_SYMBOL}, {0x1FAF0, 0x1FAF6, Character.OTHER_SYMBOL},
    {0x2A6DE, 0x2A6DF, Character.OTHER_LETTER}, {0x2B735, 0x2B738, Character.OTHER_LETTER},
  };
  // {code point, lower-case mapping} pairs of Unicode 14.0 additions.
  private static final int[] LOWER = {
    0x2C2F, 0x2C5F, 0xA7C0, 0xA7C1, 0xA7D0, 0xA7D1, 0xA7D6, 0xA7D7, 0xA7D8, 0xA7D9,
    0x10570, 0x10597, 0x10571, 0x10598, 0x10572, 0x10599, 0x10573, 0x1059A, 0x10574, 0x1059B,
    0x10575, 0x1059C, 0x10576, 0x1059D, 0x10577, 0x1059E, 0x10578, 0x1059F, 0x10579, 0x105A0,
    0x1057A, 0x105A1, 0x1057C, 0x105A3, 0x1057D, 0x105A4, 0x1057E, 0x105A5, 0x1057F, 0x105A6,
    0x10580, 0x105A7, 0x10581, 0x105A8, 0x10582, 0x105A9, 0x10583, 0x105AA, 0x10584, 0x105AB,
    0x10585, 0x105AC, 0x10586, 0x105AD, 0x10587, 0x105AE, 0x10588, 0x105AF, 0x10589, 0x105B0,
    0x1058A, 0x105B1, 0x1058C, 0x105B3, 0x1058D, 0x105B4, 0x1058E, 0x105B5, 0x1058F, 0x105B6,
    0x10590, 0x105B7, 0x10591, 0x105B8, 0x10592, 0x105B9, 0x10594, 0x105BB, 0x10595, 0x105BC,
  };
  // {start, end} ranges of Unicode 14.0 additions with the Lowercase property.
  private static final int[] LOWERCASE = {
    0x2C5F, 0x2C5F, 0xA7C1, 0xA7C1, 0xA7D1, 0xA7D1, 0xA7D3, 0xA7D3, 0xA7D5, 0xA7D5, 0xA7D7, 0xA7D7,
    0xA7D9, 0xA7D9, 0x10597, 0x105A1, 0x105A3, 0x105B1, 0x105B3, 0x105B9, 0x105BB, 0x105BC,
    0x10780, 0x10780, 0x10783, 0x10785, 0x10787, 0x107B0, 0x107B2, 0x107BA, 0x1DF00, 0x1DF09,
    0x1DF0B, 0x1DF1E,
  };
  // {start, end} ranges of Unicode 14.0 additions with the Uppercase property.
  private static final int[] UPPERCASE = {
    0x2C2F, 0x2C2F, 0xA7C0, 0xA7C0, 0xA7D0, 0xA7D0, 0xA7D6, 0xA7D6, 0xA7D8, 0xA7D8,
    0x10570, 0x1057A, 0x1057C, 0x1058A, 0x1058C, 0x10592, 0x10594, 0x10595,
  };

  private static final int[] TYPE_STARTS = new int[TYPES.length];

  static {
    for (int i = 0; i < TYPES.length; i++) {
      TYPE_STARTS[i] = TYPES[i][0];
    }
  }

  /** Index of the override range holding {@code cp}, or -1. */
  private static int range(int cp) {
    if (cp < 0x61D) {
      return -1;
    }
    int i = Arrays.binarySearch(TYPE_STARTS, cp);
    if (i < 0) {
      i = -i - 2;
    }
    return i >= 0 && cp <= TYPES[i][1] ? i : -1;
  }

  static int type(int cp) {
    int i = range(cp);
    return i >= 0 ? TYPES[i][2] : Character.getType(cp);
  }

  static int toLowerCase(int cp) {
    if (range(cp) >= 0) {
      for (int i = 0; i < LOWER.length; i += 2) {
        if (LOWER[i] == cp) {
          return LOWER[i + 1];
        }
      }
      return cp;
    }
    return Character.toLowerCase(cp);
  }

  static boolean isLowerCase(int cp) {
    return range(cp) >= 0 ? inRanges(LOWERCASE, cp) : Character.isLowerCase(cp);
  }

  static boolean isUpperCase(int cp) {
    return range(cp) >= 0 ? inRanges(UPPERCASE, cp) : Character.isUpperCase(cp);
  }

  private static boolean inRanges(int[] ranges, int cp) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (cp >= ranges[i] && cp <= ranges[i + 1]) {
        return true;
      }
    }
    return false;
  }
}
