package io.beambert.instances;

import io.beambert.random.RandomSource;

/**
 * Segment packing of the reference's {@code create_instances_from_document}: the per-document
 * target length (draws D1/D2), the chunk of whole sentences that reaches it, and the split point of
 * A inside the chunk (draw C1).
 *
 * <p>Stateless; every method that draws says which reference draw it is. Documents are {@code
 * int[][]}: sentences of ids, each non-empty.
 */
public final class SegmentPacker {
  private SegmentPacker() {}

  /**
   * The target length of a document for one pass: {@code maxNumTokens}, or with probability {@code
   * shortSeqProb} a uniform {@code randint(2, maxNumTokens)}. Draws D1 ({@code random()}) always and
   * D2 ({@code randint}) only when D1 hits. Called once per document per pass, not per instance.
   */
  public static int drawTargetLength(RandomSource rng, int maxNumTokens, double shortSeqProb) {
    if (rng.random() < shortSeqProb) {
      return rng.randint(2, maxNumTokens);
    }
    return maxNumTokens;
  }

  /**
   * End (exclusive) of the chunk that starts at sentence {@code start}: sentences are added whole
   * until their total length reaches {@code targetLength} or the document ends. No draws.
   *
   * @throws IllegalArgumentException when {@code start} is not a sentence index
   */
  public static int chunkEnd(int[][] document, int start, int targetLength) {
    if (start < 0 || start >= document.length) {
      throw new IllegalArgumentException(
          "chunk start " + start + " outside a document of " + document.length + " sentences");
    }
    long length = 0;
    for (int i = start; ; i++) {
      length += document[i].length;
      if (i == document.length - 1 || length >= targetLength) {
        return i + 1;
      }
    }
  }

  /**
   * Number of the chunk's sentences that go to A: 1 for a one-sentence chunk (no draw), else draw C1
   * {@code randint(1, chunkSize - 1)}, which draws even for a two-sentence chunk.
   */
  public static int drawSplit(RandomSource rng, int chunkSize) {
    return chunkSize >= 2 ? rng.randint(1, chunkSize - 1) : 1;
  }

  /** Receives the chunks of one document's pass, in order, while it is packed. */
  @FunctionalInterface
  public interface ChunkSink {
    /**
     * One chunk, as sentence indices of the document: segment A is sentences {@code [start,
     * split)}; B is sentences {@code [split, end)} when it is the actual continuation, and is drawn
     * by the caller for a random next. Runs before the next chunk's draws, so a caller drawing on
     * the same stream keeps the reference's order.
     */
    void accept(int start, int split, int end, boolean randomNext, int targetLength);
  }

  /**
   * Packs one document for one pass, the reference's loop: the target length once (D1/D2), then per
   * chunk the split (C1) and the random-next decision (C2, {@link
   * NextSentencePairer#drawRandomNext}). A random next puts the chunk's sentences after A back: the
   * next chunk starts right after A.
   *
   * @param document non-empty sentences of ids; an empty document yields nothing and draws nothing
   * @return the number of chunks
   */
  public static int pack(
      int[][] document, int maxNumTokens, double shortSeqProb, RandomSource rng, ChunkSink sink) {
    if (document.length == 0) {
      return 0;
    }
    int target = drawTargetLength(rng, maxNumTokens, shortSeqProb);
    int chunks = 0;
    int start = 0;
    while (start < document.length) {
      int end = chunkEnd(document, start, target);
      int chunkSize = end - start;
      int split = start + drawSplit(rng, chunkSize);
      boolean randomNext = NextSentencePairer.drawRandomNext(rng, chunkSize);
      sink.accept(start, split, end, randomNext, target);
      start = randomNext ? split : end; // a random next puts back the unused sentences
      chunks++;
    }
    return chunks;
  }

  /** Tokens in sentences {@code from} (inclusive) to {@code to} (exclusive). No draws. */
  public static int length(int[][] document, int from, int to) {
    int length = 0;
    for (int i = from; i < to; i++) {
      length += document[i].length;
    }
    return length;
  }

  /** Concatenation of sentences {@code from} (inclusive) to {@code to} (exclusive). No draws. */
  public static int[] concat(int[][] document, int from, int to) {
    int[] out = new int[length(document, from, to)];
    int at = 0;
    for (int i = from; i < to; i++) {
      System.arraycopy(document[i], 0, out, at, document[i].length);
      at += document[i].length;
    }
    return out;
  }
}
