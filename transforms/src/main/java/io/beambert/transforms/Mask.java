package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.instances.distributed.PoolSteps;
import io.beambert.text.Vocab;

/**
 * Masked-LM masking of each pool's pairs, like the reference's {@code create_masked_lm_predictions}:
 * {@code [CLS] A [SEP] B [SEP]} with {@code min(maxPredictionsPerSeq, max(1,
 * round_half_even(length * maskedLmProb)))} positions chosen among all but [CLS] and [SEP]; each
 * becomes [MASK] with probability 0.8, keeps its token with 0.1, or gets a random vocabulary entry
 * with 0.1; optional whole-word masking with the reference's quirks. Each instance is encoded as an
 * Avro {@code PretrainingInstance} datum at once, and the pool's instances are put in a seeded
 * shuffled order, the order of the pool's shard.
 *
 * <p>A per-pool step ({@link PoolSteps}): takes and returns {@link Pools}; it runs, fused with the
 * pool's other steps, where {@link WriteShards} writes the pool. Every setting comes from the one
 * {@link InstanceOptions} of the run.
 *
 * <pre>{@code
 * Pools instances = fitted.apply(Mask.with(vocab, options));
 * }</pre>
 */
public final class Mask extends PoolTransform {
  private Mask(PoolStep step) {
    super(step);
  }

  /** Masks with {@code vocab} (must hold [CLS], [SEP], [MASK], [UNK]) and the options. */
  public static Mask with(Vocab vocab, InstanceOptions options) {
    return new Mask(PoolSteps.mask(options, InstanceVocab.from(vocab)));
  }
}
