package io.beambert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8LinesTest {
  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static List<String> read(Utf8Lines lines) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line = lines.next(); line != null; line = lines.next()) {
      out.add(line);
    }
    return out;
  }

  @Test
  void splitsOnNewlineOnlyLikeReadline() throws IOException {
    Utf8Lines lines = new Utf8Lines(new ByteArrayInputStream(
        "a\r\nb\u2028c\u0085d\n\nlast".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(List.of("a\r", "b\u2028c\u0085d", "", "last"), read(lines));
    assertEquals(4, lines.linesRead());
    assertEquals(List.of(), read(new Utf8Lines(new ByteArrayInputStream(new byte[0]))));
    assertEquals(List.of(""), read(new Utf8Lines(new ByteArrayInputStream(bytes('\n')))));
    assertEquals(List.of("x"), read(new Utf8Lines(new ByteArrayInputStream(bytes('x', '\n')))));
  }

  @Test
  void dropsInvalidBytesLikePythonErrorsIgnore() throws IOException {
    // Expected texts and counts are those of bytes.decode("utf-8", "ignore") in Python 3.11.
    Object[][] cases = {
      {bytes('a', 0xFF, 'b'), "ab", 1},
      {bytes(0xC0, 0x80, 'x'), "x", 2}, // overlong NUL
      {bytes(0xED, 0xA0, 0x80, 'x'), "x", 3}, // surrogate U+D800
      {bytes(0xE2, 0x82, 'x'), "x", 2}, // truncated euro sign
      {bytes(0xE2, 0x82, 0xE2, 0x82, 0xAC), "\u20ac", 2},
      {bytes(0xF4, 0x90, 0x80, 0x80), "", 4}, // above U+10FFFF
      {bytes(0xF0, 0x9F, 0x98, 0x80, 0x80), "\ud83d\ude00", 1}, // stray continuation byte
      {bytes(0xE0, 0x80, 0x80), "", 3}, // overlong
      {bytes(0x00, 'a', 0x00), "\u0000a\u0000", 0}, // NUL is valid UTF-8
      {bytes(0xF0, 0x9F, 0x98), "", 3}, // truncated at the end of the stream
    };
    for (Object[] c : cases) {
      Utf8Lines lines = new Utf8Lines(new ByteArrayInputStream((byte[]) c[0]));
      assertEquals(c[1], lines.next());
      assertNull(lines.next());
      assertEquals(((Integer) c[2]).longValue(), lines.droppedBytes(), (String) c[1]);
      assertEquals(c[1], Utf8Lines.decode((byte[]) c[0]));
    }
  }

  @Test
  void invalidBytesNeverSpanLines() throws IOException {
    Utf8Lines lines = new Utf8Lines(new ByteArrayInputStream(bytes(0xE2, 0x82, '\n', 0xAC, 'z')));
    assertEquals(List.of("", "z"), read(lines));
    assertEquals(3, lines.droppedBytes());
  }

  @Test
  void longLinesAreCutOnACharacterBoundary() throws IOException {
    // "aé" repeated: the bound falls inside a two-byte character.
    byte[] line = "a\u00e9a\u00e9a\u00e9\nok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Utf8Lines lines = new Utf8Lines(new ByteArrayInputStream(line), 5);
    assertEquals(List.of("a\u00e9a", "ok"), read(lines));
    assertEquals(1, lines.truncatedLines());
    assertEquals(5, lines.truncatedBytes());
    assertEquals(0, lines.droppedBytes());
    assertThrows(IllegalArgumentException.class, () -> new Utf8Lines(InputStream.nullInputStream(), 3));
  }

  @Test
  void readsLinesLongerThanTheBuffer() throws IOException {
    String big = "x".repeat(200_000) + "\u00e9";
    Utf8Lines lines = new Utf8Lines(new ByteArrayInputStream(
        (big + "\n" + big).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(List.of(big, big), read(lines));
  }

  @Test
  void positionIsTheOffsetPastEachLineAcrossBufferRefills() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("line ").append(i).append(i % 7 == 0 ? " \u00e9\u20ac" : "").append('\n');
    }
    text.append("no newline at the end");
    byte[] all = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Utf8Lines lines = new Utf8Lines(new ByteArrayInputStream(all));
    assertEquals(0, lines.position());
    long start = 0;
    for (String line = lines.next(); line != null; line = lines.next()) {
      long end = lines.position();
      String again =
          new String(all, (int) start, (int) (end - start), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(line, again.endsWith("\n") ? again.substring(0, again.length() - 1) : again);
      start = end;
    }
    assertEquals(all.length, lines.position());
  }
}
