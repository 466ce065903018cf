package io.beambert.instances;

import io.beambert.random.RandomSource;

/**
 * Source of the document a random-next segment B is taken from; asked once per random-next
 * instance, before the start sentence is drawn.
 *
 * <p>The reference draws uniformly over all documents with up to 10 retries to avoid the current
 * one ({@link NextSentencePairer#referencePartners}); a distributed implementation supplies
 * partners from a deterministic keyed grouping instead.
 */
@FunctionalInterface
public interface PartnerDocuments {
  /** Returns the partner document (non-empty sentences of ids), drawing from {@code rng} as needed. */
  int[][] draw(RandomSource rng);
}
