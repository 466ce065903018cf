package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {

  /** Fake tokenizer: each whitespace-separated word of letters becomes its length; others vanish. */
  private static int[] fake(String line) {
    List<Integer> out = new ArrayList<>();
    for (String word : line.split("[ \\t]+")) {
      if (word.chars().allMatch(Character::isLetter) && !word.isEmpty()) {
        out.add(word.length());
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<int[][]> read(byte[]... files) throws IOException {
    CorpusReader reader = new CorpusReader(CorpusReaderTest::fake);
    for (byte[] file : files) {
      reader.readStream(new ByteArrayInputStream(file));
    }
    return reader.documents();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String show(List<int[][]> docs) {
    StringBuilder sb = new StringBuilder();
    for (int[][] doc : docs) {
      sb.append('{');
      for (int[] s : doc) {
        sb.append(java.util.Arrays.toString(s));
      }
      sb.append('}');
    }
    return sb.toString();
  }

  @Test
  void blankLinesSeparateDocumentsAndEdgesCreateNone() throws IOException {
    assertEquals(
        "{[1, 2][3]}{[4]}",
        show(read(utf8("\n\n  \na bb\nccc\n\n\n   \ndddd\n\n"))));
  }

  @Test
  void pythonWhitespaceOnlyLinesAreBlank() throws IOException {
    // U+00A0, U+2028, U+001C and U+0085 are whitespace for str.strip(); Java's strip() disagrees on
    // some of them.
    assertEquals(
        "{[1]}{[2]}{[3]}{[4]}{[5]}",
        show(read(utf8("a\n\u00a0\nbb\n\u2028\nccc\n\u001c\ndddd\n\u0085\neeeee\n"))));
    // Stripping applies to the text handed to the tokenizer.
    List<String> seen = new ArrayList<>();
    CorpusReader reader =
        new CorpusReader(
            s -> {
              seen.add(s);
              return new int[] {1};
            });
    reader.readStream(new ByteArrayInputStream(utf8("\u00a0 x y\u3000\r\n")));
    reader.endDocument(); // documents are tokenized when they end
    assertEquals(List.of("x y"), seen);
  }

  @Test
  void lineWithoutTokensIsDroppedWithoutEndingTheDocument() throws IOException {
    CorpusReader reader = new CorpusReader(CorpusReaderTest::fake);
    reader.readStream(new ByteArrayInputStream(utf8("a\n123 !!\nbb\n")));
    assertEquals("{[1][2]}", show(reader.documents()));
    reader.endDocument(); // the counts are of ended documents
    assertEquals(1, reader.emptyTokenLines());
    assertEquals(3, reader.lines());
    assertEquals(2, reader.tokens());
  }

  @Test
  void documentsRunOnAcrossFilesUnlessSeparated() throws IOException {
    assertEquals("{[1][2]}", show(read(utf8("a\n"), utf8("bb\n"))));
    assertEquals("{[1]}{[2]}", show(read(utf8("a\n\n"), utf8("bb\n"))));
    assertEquals("{[1][2]}", show(read(utf8("a"), utf8("bb"))));
    CorpusReader reader = new CorpusReader(CorpusReaderTest::fake);
    reader.readStream(new ByteArrayInputStream(utf8("a\n")));
    reader.endDocument();
    reader.readStream(new ByteArrayInputStream(utf8("bb\n")));
    assertEquals("{[1]}{[2]}", show(reader.documents()));
  }

  @Test
  void invalidUtf8IsDroppedAndAnUnterminatedInvalidLastLineEndsOnlyTheFile() throws IOException {
    byte[] withInvalid = {'a', (byte) 0xff, 'b', '\n', (byte) 0xc3, '\n', 'c', 'c', '\n'};
    CorpusReader reader = new CorpusReader(CorpusReaderTest::fake);
    reader.readStream(new ByteArrayInputStream(withInvalid));
    // "a\xffb" -> "ab"; a line of one invalid byte is blank and ends the document.
    assertEquals("{[2]}{[2]}", show(reader.documents()));
    assertEquals(2, reader.droppedBytes());
    // Python's readline() loop stops at a last line that decodes to "" (no '\n'): no boundary.
    byte[] first = {'a', '\n', (byte) 0xff};
    assertEquals("{[1][2]}", show(read(first, utf8("bb\n"))));
  }

  @Test
  void readsFilesAndNamesMissingOnes(@TempDir Path dir) throws IOException {
    Path one = dir.resolve("one.txt");
    Files.write(one, utf8("a bb\n\nccc\n"));
    CorpusReader reader = new CorpusReader(CorpusReaderTest::fake);
    reader.readFile(one);
    assertEquals(2, reader.documents().size());
    assertArrayEquals(new int[] {1, 2}, reader.documents().get(0)[0]);
    Path missing = dir.resolve("missing.txt");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> reader.readFile(missing));
    assertTrue(e.getMessage().contains("missing.txt"), e.getMessage());
  }
}
