package io.beambert.instances;

import java.util.List;

/** A small vocabulary for unit tests; ids are the list indexes. */
final class TinyVocab {
  static final List<String> TOKENS =
      List.of(
          "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[unused0]", "a", "b", "c", "##x", "##y",
          "d", "e", "f", "g", "h");
  static final int CLS = 2;
  static final int SEP = 3;
  static final int MASK = 4;
  static final int A = 6;
  static final int B = 7;
  static final int C = 8;
  static final int X = 9; // ##x
  static final int Y = 10; // ##y
  static final int D = 11;

  private TinyVocab() {}

  static InstanceVocab vocab() {
    return InstanceVocab.fromTokens(TOKENS);
  }
}
