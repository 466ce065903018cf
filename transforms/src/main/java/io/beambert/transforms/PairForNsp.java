package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.instances.distributed.PoolSteps;

/**
 * Completes chunks into next-sentence pairs: for a random next, segment B is a run of sentences of
 * another document of the same pool, drawn like the reference draws it (a document uniformly, up to
 * ten times until it is not the chunk's own; a start sentence uniformly; whole sentences until B
 * reaches the target length minus |A|). The reference draws over the whole corpus; a pool holds
 * {@code nspPoolSize} documents (250 by default).
 *
 * <p>A per-pool step ({@link PoolSteps}): takes and returns {@link Pools}; it runs, fused with the
 * pool's other steps, where {@link WriteShards} writes the pool. Every setting comes from the one
 * {@link InstanceOptions} of the run.
 *
 * <pre>{@code
 * Pools pairs = chunks.apply(PairForNsp.with(options));
 * }</pre>
 */
public final class PairForNsp extends PoolTransform {
  private PairForNsp(PoolStep step) {
    super(step);
  }

  /** Pairs with the options' seed. */
  public static PairForNsp with(InstanceOptions options) {
    return new PairForNsp(PoolSteps.pair(options));
  }
}
