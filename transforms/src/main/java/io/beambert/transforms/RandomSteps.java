package io.beambert.transforms;

import io.beambert.random.PythonRandom;

/**
 * The per-element random streams of the distributed transforms. Every random step seeds its own
 * generator from (run seed, stable element id, pass, step), so output never depends on bundling,
 * retries, worker count or runner.
 */
final class RandomSteps {
  /** PackSegments: target length, split points and next-sentence decisions of a document's pass. */
  static final int PACK = 1;
  /** PairForNsp: the partner and the start sentence of a random next. */
  static final int PAIR = 2;
  /** PairForNsp: the bucket of documents a random next draws its partner from. */
  static final int PARTNER_BUCKET = 5;
  /** Truncate: which end loses a token. */
  static final int TRUNCATE = 3;
  /** Mask: candidate order and the 80/10/10 decisions. */
  static final int MASK = 4;

  private RandomSteps() {}

  /** Generator of one document pass. */
  static PythonRandom forDocument(long seed, String documentId, int pass, int step) {
    return PythonRandom.forKey(seed, documentId, pass, step);
  }

  /** Generator of one chunk of a document pass. */
  static PythonRandom forChunk(long seed, String documentId, int pass, int chunk, int step) {
    return PythonRandom.forKey(seed, documentId + "#" + chunk, pass, step);
  }
}
