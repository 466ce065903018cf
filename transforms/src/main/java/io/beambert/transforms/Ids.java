package io.beambert.transforms;

import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.List;

/** Conversions between Avro id lists and the {@code int} arrays of the algorithms. */
final class Ids {
  private Ids() {}

  static List<Integer> boxed(int[] ids) {
    List<Integer> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      out.add(id);
    }
    return out;
  }

  static int[] unboxed(List<Integer> ids) {
    int[] out = new int[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  /** The non-empty sentences of a document as id arrays. */
  static int[][] sentences(TokenizedDocument doc) {
    List<int[]> out = new ArrayList<>(doc.getSentences().size());
    for (List<Integer> s : doc.getSentences()) {
      if (!s.isEmpty()) {
        out.add(unboxed(s));
      }
    }
    return out.toArray(new int[0][]);
  }
}
