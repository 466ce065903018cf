package io.beambert.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteReferenceShardsTest {

  private static TokenizedDocument doc(
      String file, long line, boolean opens, boolean closes, int... firstIds) {
    List<List<Integer>> sentences = new ArrayList<>();
    for (int id : firstIds) {
      sentences.add(id < 0 ? List.of() : List.of(id, id + 1));
    }
    return new TokenizedDocument(file + ":" + line, file, line, opens, closes, sentences);
  }

  private static int[][] ids(int... firstIds) {
    int[][] out = new int[firstIds.length][];
    for (int i = 0; i < firstIds.length; i++) {
      out[i] = new int[] {firstIds[i], firstIds[i] + 1};
    }
    return out;
  }

  @Test
  void restoresInputOrderAndJoinsAcrossFilesLikeTheReference() {
    List<TokenizedDocument> grouped =
        List.of(
            doc("/c/b.txt", 0, true, false, 30), // continues a.txt's last document
            doc("/c/a.txt", 5, false, true, 20, 21),
            doc("/c/c.txt", 2, false, true, 50), // a blank line precedes it: new document
            doc("/c/b.txt", 4, false, true, 40),
            doc("/c/a.txt", 0, true, false, 10),
            doc("/c/a.txt", 2, false, false, -1)); // tokenizes to nothing: dropped
    List<int[][]> docs = WriteReferenceShards.inInputOrder(grouped);
    assertEquals(4, docs.size());
    assertArrayEquals(ids(10), docs.get(0));
    assertArrayEquals(ids(20, 21, 30), docs.get(1));
    assertArrayEquals(ids(40), docs.get(2));
    assertArrayEquals(ids(50), docs.get(3));
  }

  @Test
  void emptyCorpus() {
    assertEquals(0, WriteReferenceShards.inInputOrder(List.of()).size());
  }
}
