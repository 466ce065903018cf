package io.beambert.text;

/**
 * The character properties the tokenizer needs, as Python 3.11's {@code unicodedata} (Unicode 14.0)
 * reports them.
 *
 * <p>Delegates to {@link Character}; where the JVM does not know a character (Java 17 implements
 * Unicode 13.0) the 14.0 values are filled in from a table of the characters Unicode 14.0 added.
 */
final class Unicode14 {
  private Unicode14() {}

  static int type(int cp) {
    return Character.getType(cp);
  }

  static int toLowerCase(int cp) {
    return Character.toLowerCase(cp);
  }

  static boolean isLowerCase(int cp) {
    return Character.isLowerCase(cp);
  }

  static boolean isUpperCase(int cp) {
    return Character.isUpperCase(cp);
  }
}
