package io.beambert.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per rule of the reference tokenizer; expectations were checked against the reference. */
class BertTokenizerTest {
  private static Vocab bert;

  @BeforeAll
  static void load() throws IOException {
    bert = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
  }

  private static List<String> basic(String text, boolean lower) {
    List<String> out = new ArrayList<>();
    new BertTokenizer(bert, lower).basicTokens(text, out::add);
    return out;
  }

  private static void assertBasic(String text, List<String> uncased, List<String> cased) {
    assertEquals(uncased, basic(text, true), "uncased");
    assertEquals(cased, basic(text, false), "cased");
  }

  @Test
  void controlCharactersAreDroppedNotSplit() {
    // NUL, ZERO WIDTH SPACE (Cf), SOFT HYPHEN (Cf), BEL (Cc), U+FFFD.
    assertBasic("a\u0000b\u200bc\u00adD\u0007e\ufffdf g",
        List.of("abcdef", "g"), List.of("abcDef", "g"));
    // Python whitespace that is Cc (VT, FF, FS..US, NEL) is removed by _clean_text, so it joins.
    assertBasic("a\u000bb\u000cc\u001cd\u001de\u001ef\u001fg\u0085h",
        List.of("abcdefgh"), List.of("abcdefgh"));
    assertEquals(List.of(), basic("\u0000\u200b\u0007", true));
  }

  @Test
  void everyWhitespaceClassSeparates() {
    String[] separators = {"\t", "\n", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u2001", "\u2002",
        "\u2003", "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a", "\u202f",
        "\u205f", "\u3000", "\u2028", "\u2029"};
    for (String sep : separators) {
      assertEquals(List.of("ab", "cd"), basic("Ab" + sep + "cd" + sep + sep, true),
          "U+" + Integer.toHexString(sep.charAt(0)));
      assertEquals(List.of("Ab", "cd"), basic(sep + "Ab" + sep + "cd", false));
    }
  }

  @Test
  void cjkRangesAreIsolated() {
    int[] inside = {0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x20000, 0x2A6DF, 0x2A700, 0x2B73F, 0x2B740,
        0x2B81F, 0x2B820, 0x2CEAF, 0xF901, 0xFAFF, 0x2F801, 0x2FA1F};
    for (int cp : inside) {
      String c = new String(Character.toChars(cp));
      assertEquals(List.of("a", c, "b"), basic("a" + c + "b", false), Integer.toHexString(cp));
    }
    // Just outside the ranges (CJK extension F and G are not in the reference's list).
    int[] outside = {0x33FF, 0x4DC0, 0xA000, 0x2CEB0, 0x30000, 0xF8FF};
    for (int cp : outside) {
      String text = "a" + new String(Character.toChars(cp)) + "b";
      assertEquals(List.of(text), basic(text, false), Integer.toHexString(cp));
    }
    // Compatibility ideographs decompose under NFD when lower-casing.
    assertEquals(List.of("a", "\u8c48", "b"), basic("a\uf900b", true));
    assertEquals(List.of("a", "\uf900", "b"), basic("a\uf900b", false));
    assertEquals(List.of("\u4e3d"), basic("\ud87e\udc00", true)); // U+2F800 -> U+4E3D
  }

  @Test
  void accentsAreStrippedOnlyWhenLowerCasing() {
    assertBasic("Héllo \u0130stanbul \u00c0\u00c9\u00ce\u00d5\u00dc e\u0301",
        List.of("hello", "istanbul", "aeiou", "e"),
        List.of("Héllo", "\u0130stanbul", "\u00c0\u00c9\u00ce\u00d5\u00dc", "e\u0301"));
    // A token of combining marks only vanishes.
    assertEquals(List.of("a", "b"), basic("a \u0301\u0316 b", true));
  }

  @Test
  void punctuationIsAsciiNonAlphanumericOrCategoryP() {
    assertBasic("$+<=>^`|~a\u20acb\u00bfc\u2013d",
        List.of("$", "+", "<", "=", ">", "^", "`", "|", "~", "a\u20acb", "\u00bf", "c", "\u2013", "d"),
        List.of("$", "+", "<", "=", ">", "^", "`", "|", "~", "a\u20acb", "\u00bf", "c", "\u2013", "d"));
    assertEquals(List.of("don", "'", "t", "[", "mask", "]"), basic("don't [MASK]", true));
  }

  @Test
  void lowerCasingFollowsPythonIncludingFinalSigma() {
    assertBasic("\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u0391\u03a3. \u0391\u03a3'\u0391",
        List.of("\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2", "\u03b1\u03c2", ".",
            "\u03b1\u03c3", "'", "\u03b1"),
        List.of("\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3", "\u0391\u03a3", ".",
            "\u0391\u03a3", "'", "\u0391"));
  }

  @Test
  void unicode14AdditionsFollowPython311() {
    // U+2E53 is Po, U+0890 is Cf and U+0898 is Mn in Unicode 14.0; Java 17 does not know them.
    assertBasic("a\u2e53b\u0890c\u0898d",
        List.of("a", "\u2e53", "bcd"), List.of("a", "\u2e53", "bc\u0898d"));
  }

  @Test
  void wordLimitIs200CodePoints() {
    Vocab v = Vocab.of(List.of("[UNK]", "a", "##a", "\ud83d\ude00", "##\ud83d\ude00"));
    BertTokenizer t = new BertTokenizer(v, false);
    assertEquals(200, t.tokenizeToIds("a".repeat(200)).length);
    assertArrayEquals(new int[] {0}, t.tokenizeToIds("a".repeat(201)));
    // 200 supplementary code points are 400 chars and still within the limit.
    String emoji = "\ud83d\ude00";
    int[] ids = t.tokenizeToIds(emoji.repeat(200));
    assertEquals(200, ids.length);
    assertEquals(3, ids[0]);
    assertEquals(4, ids[199]);
    assertArrayEquals(new int[] {0}, t.tokenizeToIds(emoji.repeat(201)));
    assertArrayEquals(new int[] {0, 1}, t.tokenizeToIds("a".repeat(100_000) + " a"));
  }

  @Test
  void wordWithAnUnmatchablePositionIsOneUnk() {
    Vocab v = Vocab.of(List.of("[UNK]", "ab", "##c", "a"));
    BertTokenizer t = new BertTokenizer(v, true);
    assertEquals(List.of("ab", "##c"), t.tokenize("abc"));
    assertEquals(List.of("[UNK]", "a"), t.tokenize("abd a"));
    assertEquals(List.of("[UNK]"), t.tokenize("c"));
  }

  @Test
  void greedyLongestMatchFromTheLeft() {
    // Greedy, not globally best: "##ffa" is taken although "##ff" + "##able" would also cover it.
    Vocab v = Vocab.of(List.of("[UNK]", "un", "una", "##ffa", "##ff", "##able", "##a", "##ble"));
    assertEquals(List.of("una", "##ffa", "##ble"), new BertTokenizer(v, false).tokenize("unaffable"));
  }

  @Test
  void emptyAndBareHashLinesNeverMatchAnEmptyPiece() {
    Vocab v = Vocab.of(List.of("[UNK]", "", "##", "a", "##b", "#"));
    BertTokenizer t = new BertTokenizer(v, true);
    assertEquals(List.of("a", "##b", "#", "#", "[UNK]"), t.tokenize("ab ## ac"));
    assertEquals(List.of("a", "[UNK]"), t.tokenize("a \u00e9x"));
  }

  @Test
  void duplicateVocabLinesUseTheLastId() {
    Vocab v = Vocab.of(List.of("[UNK]", "a", "b", "a"));
    assertEquals(4, v.size());
    assertEquals(3, v.idOf("a"));
    assertEquals(-1, v.idOf("c"));
    assertEquals(List.of("[UNK]", "a", "b"), v.words());
    assertArrayEquals(new int[] {3, 2, 0}, new BertTokenizer(v, true).tokenizeToIds("a b c"));
    assertEquals(List.of("a", "b", "[UNK]"), new BertTokenizer(v, true).tokenize("a b c"));
  }

  @Test
  void vocabLinesAreStrippedLikePython(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("vocab.txt");
    Files.write(file, "[UNK]\r\n\u00a0hello\u2007\n\nworld\u0085".getBytes(StandardCharsets.UTF_8));
    Vocab v = Vocab.load(file);
    assertEquals(4, v.size());
    assertEquals(1, v.idOf("hello"));
    assertEquals(2, v.idOf(""));
    assertEquals(3, v.idOf("world"));
    assertTrue(v.contains("[UNK]"));
  }

  @Test
  void missingUnreadableAndUnkLessVocabsNameTheFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nope.txt");
    IOException e1 = assertThrows(IOException.class, () -> Vocab.load(missing));
    assertTrue(e1.getMessage().contains(missing.toString()), e1.getMessage());
    IOException e2 = assertThrows(IOException.class, () -> Vocab.load(dir));
    assertTrue(e2.getMessage().contains(dir.toString()), e2.getMessage());
    Path noUnk = dir.resolve("nounk.txt");
    Files.writeString(noUnk, "a\nb\n");
    IllegalArgumentException e3 =
        assertThrows(IllegalArgumentException.class, () -> Vocab.load(noUnk));
    assertTrue(e3.getMessage().contains(noUnk.toString()) && e3.getMessage().contains("[UNK]"));
    assertThrows(IllegalArgumentException.class,
        () -> new BertTokenizer(Vocab.of(List.of("a")), true));
  }

  @Test
  void manyTokensOnAFreshTokenizerKeepEveryId() {
    // More ids than the initial buffer holds, on the first call.
    String text = "hello world ".repeat(3000);
    int[] ids = new BertTokenizer(bert, true).tokenizeToIds(text);
    assertEquals(6000, ids.length);
    for (int i = 0; i < ids.length; i++) {
      assertEquals(bert.idOf(i % 2 == 0 ? "hello" : "world"), ids[i], "id " + i);
    }
  }

  @Test
  void idsAndTokensAgreeAndBuffersAreReusable() {
    BertTokenizer t = new BertTokenizer(bert, true);
    String text = "The quick brown fox jumps over the lazy dog. Unaffable!";
    List<String> tokens = t.tokenize(text);
    int[] ids = t.tokenizeToIds(text);
    assertEquals(tokens.size(), ids.length);
    for (int i = 0; i < ids.length; i++) {
      assertEquals(bert.idOf(tokens.get(i)), ids[i]);
    }
    int n = t.tokenizeToIdBuffer(text);
    assertEquals(ids.length, n);
    assertEquals(ids[n - 1], t.idAt(n - 1));
    assertEquals(List.of(), t.tokenize(""));
    assertEquals(List.of(), t.tokenize(" \u2028\u0000 "));
  }
}
