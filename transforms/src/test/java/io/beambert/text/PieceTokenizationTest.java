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
    Utf8Lines pieces = new Utf8Lines(new ByteArrayInputStream(
        ("a".repeat(70_000) + " ").getBytes(StandardCharsets.UTF_8)));
    assertEquals("a".repeat(70_000) + " ", pieces.nextPiece(16));
    assertEquals(false, pieces.pieceEndsLine());
    assertEquals("", pieces.nextPiece(16));
    assertEquals(true, pieces.pieceEndsLine());
    assertNull(pieces.nextPiece(16));
    assertEquals(1, pieces.linesRead());
  }
}
