package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.instances.distributed.PoolSteps;

/**
 * Truncates next-sentence pairs to the token budget like the reference's {@code truncate_seq_pair}:
 * while {@code |A| + |B| > maxSeqLength - 3}, the longer segment (B on a tie) loses one token, from
 * the front or the back with probability 0.5 each. Pairs within the budget are unchanged.
 *
 * <p>A per-pool step ({@link PoolSteps}): takes and returns {@link Pools}; it runs, fused with the
 * pool's other steps, where {@link WriteShards} writes the pool. Every setting comes from the one
 * {@link InstanceOptions} of the run.
 *
 * <pre>{@code
 * Pools fitted = pairs.apply(Truncate.with(options));
 * }</pre>
 */
public final class Truncate extends PoolTransform {
  private Truncate(PoolStep step) {
    super(step);
  }

  /** Truncates to the options' {@code maxSeqLength - 3} tokens. */
  public static Truncate with(InstanceOptions options) {
    return new Truncate(PoolSteps.truncate(options));
  }
}
