package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.instances.distributed.PoolSteps;

/**
 * Packs each document's sentences into chunks, once per pass, like the reference's {@code
 * create_instances_from_document}: per document and pass a target length ({@code maxSeqLength - 3},
 * or with probability {@code shortSeqProb} a uniform {@code randint(2, maxSeqLength - 3)}); chunks of
 * whole sentences that reach it; in each chunk the split point of segment A and whether B is the
 * actual continuation or a random next (a one-sentence chunk always is; else with probability 0.5).
 * The decision belongs to packing because a random next puts the chunk's sentences after A back:
 * the next chunk starts right after A.
 *
 * <p>A per-pool step ({@link PoolSteps}): takes and returns {@link Pools}; it runs, fused with the
 * pool's other steps, where {@link WriteShards} writes the pool. Every setting comes from the one
 * {@link InstanceOptions} of the run.
 *
 * <pre>{@code
 * Pools chunks = tokenized.apply(PackSegments.with(options));
 * }</pre>
 */
public final class PackSegments extends PoolTransform {
  private PackSegments(PoolStep step) {
    super(step);
  }

  /** Packs with the options' maxSeqLength, shortSeqProb, dupeFactor and seed. */
  public static PackSegments with(InstanceOptions options) {
    return new PackSegments(PoolSteps.pack(options));
  }
}
