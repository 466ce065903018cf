package io.beambert.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambert.schemas.TokenizedLine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteReferenceShardsTest {

  private static TokenizedLine line(String file, long number, int firstId) {
    List<Integer> ids = firstId < 0 ? List.of() : List.of(firstId, firstId + 1);
    return new TokenizedLine(file, number, false, ids);
  }

  private static TokenizedLine blank(String file, long number) {
    return new TokenizedLine(file, number, true, List.of());
  }

  private static int[][] ids(int... firstIds) {
    int[][] out = new int[firstIds.length][];
    for (int i = 0; i < firstIds.length; i++) {
      out[i] = new int[] {firstIds[i], firstIds[i] + 1};
    }
    return out;
  }

  @Test
  void readsLinesInInputOrderLikeTheReference() {
    List<TokenizedLine> lines =
        new ArrayList<>(
            List.of(
                blank("/c/a.txt", 0), // leading blank lines make no document
                line("/c/a.txt", 1, 10),
                blank("/c/a.txt", 2),
                line("/c/a.txt", 3, 20),
                line("/c/a.txt", 4, -1), // tokenizes to nothing: skipped, document goes on
                line("/c/a.txt", 5, 21),
                line("/c/b.txt", 0, 30), // no blank line between the files: same document
                blank("/c/b.txt", 1),
                blank("/c/b.txt", 2),
                line("/c/b.txt", 3, 40),
                blank("/c/c.txt", 0), // a file that starts with a blank line ends it
                line("/c/c.txt", 1, 50),
                line("/c/c.txt", 10, 60),
                line("/c/c.txt", 2, 55)));
    Collections.shuffle(lines, new java.util.Random(7));
    List<int[][]> docs = WriteReferenceShards.documents(lines, new long[1]);
    assertEquals(4, docs.size());
    assertArrayEquals(ids(10), docs.get(0));
    assertArrayEquals(ids(20, 21, 30), docs.get(1));
    assertArrayEquals(ids(40), docs.get(2));
    assertArrayEquals(ids(50, 55, 60), docs.get(3));
  }

  @Test
  void emptyCorpus() {
    assertEquals(0, WriteReferenceShards.documents(List.of(), new long[1]).size());
    assertEquals(0, WriteReferenceShards.documents(List.of(blank("f", 0), line("f", 1, -1)), new long[1]).size());
  }
}
