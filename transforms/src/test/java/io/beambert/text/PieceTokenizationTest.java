package io.beambert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.testing.Shared;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokenizing a line in the pieces of {@link Utf8Lines#nextPiece} gives the whole line's tokens. */
class PieceTokenizationTest {
  private static Vocab vocab;

  @BeforeAll
  static void load() throws IOException {
    vocab = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
  }

  private static final String[] ALPHABET = {
    "a", "b", "the", "Σ", "Α", "Σ", "Σ", "Α", "σ", "'", ".", ":", ",", "-", "!", "(", ")", "\"", "_", "é", "e\u0301",
    "İ", "\u4e00", "\u0000", "\ufffd", "\u00ad", "\u2028", "\u00a0", "\t", " ", "^", "`", "#", "x",
    "\ud83d\ude00", "\u302e", "\u1d16", "Ω", "ß"
  };

  @Test
  void piecesGiveTheSameTokensAsWholeLines() throws IOException {
    Random random = new Random(42);
    for (boolean lower : new boolean[] {true, false}) {
      BertTokenizer tokenizer = new BertTokenizer(vocab, lower);
      for (int round = 0; round < 200; round++) {
        StringBuilder text = new StringBuilder();
        int n = 1 + random.nextInt(400);
        for (int i = 0; i < n; i++) {
          // Mostly without spaces, so that cuts fall after punctuation.
          text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        byte[] bytes = (text + "\nsecond line\n").getBytes(StandardCharsets.UTF_8);
        if (random.nextBoolean()) {
          bytes[random.nextInt(bytes.length)] = (byte) 0xE2; // some invalid UTF-8
        }
        Utf8Lines whole = new Utf8Lines(new ByteArrayInputStream(bytes));
        List<List<String>> expected = new ArrayList<>();
        for (String line = whole.next(); line != null; line = whole.next()) {
          expected.add(tokenizer.tokenize(line));
        }
        int pieceBytes = 1 + random.nextInt(40);
        Utf8Lines pieces = new Utf8Lines(trickle(bytes, random.nextLong()));
        List<List<String>> actual = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int pieceCount = 0;
        for (String piece = pieces.nextPiece(pieceBytes); piece != null;
            piece = pieces.nextPiece(pieceBytes)) {
          pieceCount++;
          current.addAll(tokenizer.tokenize(piece));
          if (pieces.pieceEndsLine()) {
            actual.add(current);
            current = new ArrayList<>();
          }
        }
        assertEquals(expected, actual, "lower=" + lower + " text=" + text);
        assertEquals(whole.droppedBytes(), pieces.droppedBytes());
        assertEquals(whole.linesRead(), pieces.linesRead());
        assertTrue(pieceCount >= expected.size());
      }
    }
  }

  /** A stream that returns one to three bytes per read, so that pieces are cut often. */
  private static java.io.InputStream trickle(byte[] bytes, long seed) {
    Random random = new Random(seed);
    return new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(3)));
      }
    };
  }

  @Test
  void cutsNeverChangeFinalSigmaOrWords() throws IOException {
    String[] texts = {"Α,Σ Α-Σ ΑΣ!Σ", "ΑΣ(x)Σ", "a\u00e9#\u0301b", "x".repeat(150) + "-" + "y".repeat(150),
        "Α.Σ Α'Σ Α:Σ ΑΣ^Α ΑΣ`Α"};
    for (boolean lower : new boolean[] {true, false}) {
      BertTokenizer tokenizer = new BertTokenizer(vocab, lower);
      for (String text : texts) {
        Utf8Lines pieces = new Utf8Lines(trickle(text.getBytes(StandardCharsets.UTF_8), 1));
        List<String> actual = new ArrayList<>();
        for (String piece = pieces.nextPiece(1); piece != null; piece = pieces.nextPiece(1)) {
          actual.addAll(tokenizer.tokenize(piece));
        }
        assertEquals(tokenizer.tokenize(text), actual, text);
      }
    }
  }

  @Test
  void aCutJustBeforeTheEndStillEndsTheLine() throws IOException {
    String word = "a\u0301".repeat(300); // no safe cut inside, not shortened
    Utf8Lines pieces = new Utf8Lines(new ByteArrayInputStream(
        (word + " ").getBytes(StandardCharsets.UTF_8)));
    assertEquals(word + " ", pieces.nextPiece(16));
    assertEquals(false, pieces.pieceEndsLine());
    assertEquals("", pieces.nextPiece(16));
    assertEquals(true, pieces.pieceEndsLine());
    assertNull(pieces.nextPiece(16));
    assertEquals(1, pieces.linesRead());
    assertEquals(0, pieces.forcedCuts());
  }

  /** Fragments for lines that mostly lack spaces, exercising every kind of cut. */
  private static final String[] FRAGMENTS = {
    "a", "B", "7", "ab.", "ab.", "the", "x:y", "it's", "Σ", "Σ", "σ", "Α", "ΑΣ", "Σ.", ".Σ", "'", ".",
    ":", "^", "`", "..", ",", "-", "!", "_", "\u0301", "\u0327\u0301", "\u0345", "e\u0301",
    "\u00e9", "\u0130", "\u1fef", "\u037e", "\u00b7", "\u2019", "\u4e00", "\u4e8c",
    "\ud840\udc00", "\u3000", "\u00a0", "\u2028", "\r", "\t", "\u0000", "\u001c", "\u200b",
    "\u00ad", "\ufffd", "\u302e", "\u05b0\u0591", "\ud83d\ude00", "ß", "Ω",
    "a".repeat(199), "a".repeat(201), "Z9".repeat(130), "x".repeat(257), "q".repeat(700),
    "é".repeat(120), "Σ".repeat(30), "привет", "Ж.", ".ж", "привет".repeat(50), "한국어", "\u0e01\u0e32",
    "\u01c5", "\u02b0", "\u00aa", "\u05d0", "e\u0301".repeat(150), "Z\u0130".repeat(150)
  };

  @Test
  void piecesWithTheNewCutsGiveTheSameTokensAsWholeLines() throws IOException {
    Random random = new Random(7);
    long shortened = 0;
    long cutsAfterIgnorable = 0;
    long rounds = 0;
    for (boolean lower : new boolean[] {true, false}) {
      BertTokenizer tokenizer = new BertTokenizer(vocab, lower);
      for (int round = 0; round < 400; round++) {
        StringBuilder text = new StringBuilder();
        int n = 1 + random.nextInt(120);
        for (int i = 0; i < n; i++) {
          text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
        }
        byte[] bytes = (text + "\n" + text + "\n").getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0) {
          bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80)); // invalid
        }
        Utf8Lines whole = new Utf8Lines(new ByteArrayInputStream(bytes));
        List<List<String>> expected = new ArrayList<>();
        for (String line = whole.next(); line != null; line = whole.next()) {
          expected.add(tokenizer.tokenize(line));
        }
        int pieceBytes = 1 + random.nextInt(64);
        Utf8Lines pieces = new Utf8Lines(trickle(bytes, random.nextLong()));
        List<List<String>> actual = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String piece = pieces.nextPiece(pieceBytes, 4096); piece != null;
            piece = pieces.nextPiece(pieceBytes, 4096)) {
          assertTrue(piece.length() <= 4096);
          current.addAll(tokenizer.tokenize(piece));
          if (pieces.pieceEndsLine()) {
            actual.add(current);
            current = new ArrayList<>();
          } else if (piece.endsWith(".") || piece.endsWith(":") || piece.endsWith("'")
              || piece.endsWith("^") || piece.endsWith("`")) {
            cutsAfterIgnorable++;
          }
        }
        assertEquals(0, pieces.forcedCuts(), text.toString());
        assertEquals(expected, actual, "lower=" + lower + " pieceBytes=" + pieceBytes
            + " text=" + text);
        assertEquals(whole.droppedBytes(), pieces.droppedBytes());
        assertEquals(whole.linesRead(), pieces.linesRead());
        shortened += pieces.shortenedWords();
        rounds++;
      }
    }
    // The new rules were exercised.
    assertTrue(shortened > rounds / 4, "shortened " + shortened);
    assertTrue(cutsAfterIgnorable > rounds, "cuts after ' . : ^ ` " + cutsAfterIgnorable);
  }

  @Test
  void noCutNextToASigmaThatCouldSeeAcross() throws IOException {
    String[] texts = {"a\u03a3.b", "b.\u03a3", "\u03a3..:'a", "a.'\u03a3", "\u00e9.\u03a3",
        "\u03a3.\u00e9", "A\u03a3\u0301.:b", "x\u00ad.\u03a3", "a.\u0000\u03a3", "\u03a3\u00b7.b",
        "a.\u2019\u03a3", "\u03a3`.^b", "\u4e00.\u03a3", "a\u03a3.\u4e00"};
    for (boolean lower : new boolean[] {true, false}) {
      BertTokenizer tokenizer = new BertTokenizer(vocab, lower);
      for (String text : texts) {
        for (String t : new String[] {text, "Ab." + text + ".bA", text + text}) {
          Utf8Lines pieces = new Utf8Lines(trickle(t.getBytes(StandardCharsets.UTF_8), 3));
          List<String> actual = new ArrayList<>();
          for (String piece = pieces.nextPiece(1); piece != null; piece = pieces.nextPiece(1)) {
            actual.addAll(tokenizer.tokenize(piece));
          }
          assertEquals(tokenizer.tokenize(t), actual, t);
        }
      }
    }
    // Cuts do fall after '.' between ASCII letters (not before a CJK ideograph), and after CJK
    // ideographs and U+3000.
    Utf8Lines pieces = new Utf8Lines(new ByteArrayInputStream(
        "ab.cd.\u4e00\u4e8c\u3000e".getBytes(StandardCharsets.UTF_8)));
    List<String> all = new ArrayList<>();
    for (String piece = pieces.nextPiece(1); piece != null; piece = pieces.nextPiece(1)) {
      all.add(piece);
    }
    assertEquals(List.of("ab.", "cd.\u4e00", "\u4e8c", "\u3000", "e"), all);
  }

  @Test
  void longAsciiRunsAreShortenedToOneUnknownWord() throws IOException {
    BertTokenizer tokenizer = new BertTokenizer(vocab, true);
    String text = "x\u03a3" + "b".repeat(100_000) + "9\u03a3 " + "q".repeat(300) + "\u0301, ok";
    Utf8Lines pieces = new Utf8Lines(new ByteArrayInputStream(
        text.getBytes(StandardCharsets.UTF_8)));
    List<String> all = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (String piece = pieces.nextPiece(1 << 16); piece != null;
        piece = pieces.nextPiece(1 << 16)) {
      all.add(piece);
      tokens.addAll(tokenizer.tokenize(piece));
    }
    assertEquals(List.of("x\u03a3" + "b".repeat(Utf8Lines.LONG_RUN - 1) + "9\u03a3 "
        + "q".repeat(Utf8Lines.LONG_RUN) + "\u0301, ok"), all);
    assertEquals(tokenizer.tokenize(text), tokens);
    assertEquals(List.of("[UNK]", "[UNK]", ",", "ok"), tokens);
    assertEquals(2, pieces.shortenedWords());
    assertEquals(100_001 - Utf8Lines.LONG_RUN + 300 - Utf8Lines.LONG_RUN,
        pieces.shortenedBytes());
  }

  @Test
  void longRunsOfLettersOfAnyScriptAreShortened() throws IOException {
    String text = "\u03a3\u0416" + "\u043f\u0440\u0438\u0432\u0435\u0442".repeat(10_000) + "\u00e9.\u03a3 "
        + "\ud55c".repeat(300) + "x.\u0416" + "a".repeat(300) + "\u0301b";
    for (boolean lower : new boolean[] {true, false}) {
      BertTokenizer tokenizer = new BertTokenizer(vocab, lower);
      Utf8Lines pieces = new Utf8Lines(trickle(text.getBytes(StandardCharsets.UTF_8), 9));
      List<String> tokens = new ArrayList<>();
      int total = 0;
      for (String piece = pieces.nextPiece(64, 1024); piece != null;
          piece = pieces.nextPiece(64, 1024)) {
        total += piece.length();
        tokens.addAll(tokenizer.tokenize(piece));
      }
      assertEquals(tokenizer.tokenize(text), tokens);
      assertEquals(3, pieces.shortenedWords());
      assertEquals(0, pieces.forcedCuts());
      assertTrue(total < 3 * Utf8Lines.LONG_RUN + 20, "chars kept " + total);
    }
  }

  @Test
  void aRunWithoutSafeCutIsCutAtTheBoundAndCounted() throws IOException {
    // Greek letters without any space or ASCII punctuation: no safe cut anywhere.
    String text = "\u03b1\u03b2\u0301".repeat(2000);
    Utf8Lines pieces = new Utf8Lines(trickle(text.getBytes(StandardCharsets.UTF_8), 5));
    StringBuilder joined = new StringBuilder();
    int count = 0;
    for (String piece = pieces.nextPiece(16, 600); piece != null;
        piece = pieces.nextPiece(16, 600)) {
      assertTrue(piece.getBytes(StandardCharsets.UTF_8).length <= 600, piece);
      joined.append(piece);
      count++;
    }
    assertEquals(text, joined.toString());
    assertTrue(count >= 20, "pieces " + count);
    assertEquals(count - 1, pieces.forcedCuts());
    assertEquals(0, pieces.droppedBytes());
  }
}
