package io.beambert.transforms;

import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.List;

/** Small tokenized documents whose ids tell where they come from: doc d, sentence s, token t. */
final class TransformFixtures {
  private TransformFixtures() {}

  /** Id of token t of sentence s of document d: distinct across the fixture. */
  static int id(int d, int s, int t) {
    return 1000 + d * 10000 + s * 100 + t;
  }

  static int documentOf(int id) {
    return (id - 1000) / 10000;
  }

  /** Document d with sentences of the given lengths. */
  static TokenizedDocument doc(int d, int... lengths) {
    List<List<Integer>> sentences = new ArrayList<>();
    for (int s = 0; s < lengths.length; s++) {
      List<Integer> ids = new ArrayList<>();
      for (int t = 0; t < lengths[s]; t++) {
        ids.add(id(d, s, t));
      }
      sentences.add(ids);
    }
    return TokenizedDocument.newBuilder()
        .setId("doc-" + d)
        .setFile("f.txt")
        .setFirstLine(d * 100L)
        .setOpensFile(false)
        .setClosesFile(false)
        .setSentences(sentences)
        .build();
  }

  /** A few documents of varied shapes. */
  static List<TokenizedDocument> corpus() {
    List<TokenizedDocument> docs = new ArrayList<>();
    docs.add(doc(0, 12, 30, 7, 25, 40, 9, 18));
    docs.add(doc(1, 60));
    docs.add(doc(2, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5));
    docs.add(doc(3, 90, 80, 3));
    docs.add(doc(4, 20, 20));
    docs.add(doc(5, 33, 1, 44, 2, 17));
    return docs;
  }
}
