package io.beambert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PyStrTest {
  /** Every code point for which Python 3.11's {@code str.isspace()} is true. */
  private static final int[] PYTHON_SPACES = {0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20,
      0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
      0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};

  @Test
  void isSpaceMatchesPythonExactly() {
    List<Integer> found = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (PyStr.isSpace(cp)) {
        found.add(cp);
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int cp : PYTHON_SPACES) {
      expected.add(cp);
    }
    assertEquals(expected, found);
    assertFalse(PyStr.isSpace(0x200B));
    assertFalse(PyStr.isSpace(0x180E));
    assertFalse(PyStr.isSpace(0xFEFF));
  }

  @Test
  void stripRemovesEachPythonSpace() {
    for (int cp : PYTHON_SPACES) {
      String s = new String(Character.toChars(cp));
      assertEquals("a" + s + "b", PyStr.strip(s + "a" + s + "b" + s + s), Integer.toHexString(cp));
    }
    assertEquals("\u200ba\u200b", PyStr.strip("\u200ba\u200b"));
    assertEquals("", PyStr.strip("\u00a0\u0085\u001c "));
    assertEquals("", PyStr.strip(""));
  }

  @Test
  void splitsOnPythonSpaces() {
    assertEquals(List.of("a", "b", "c", "d"), PyStr.split("\u2028a\u00a0b\u001fc\u3000\u3000d "));
    assertEquals(List.of(), PyStr.split(" \u0085 "));
  }
}
