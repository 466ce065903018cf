package io.beambert.transforms;

import io.beambert.instances.distributed.PoolStep;
import org.apache.beam.sdk.transforms.PTransform;

/**
 * Adds one per-pool step ({@link PoolStep}) to the chain of {@link Pools}: the base of {@link
 * Tokenize}, {@link PackSegments}, {@link PairForNsp}, {@link Truncate} and {@link Mask}, and the
 * way to put a step of one's own between them (see {@link Pools} for why steps are chained and run
 * by {@link WriteShards}).
 *
 * <p>The step is checked against what the pools hold when the transform is applied. In the
 * pipeline graph the transform is a composite under its name that adds no work of its own: its
 * output is its input's pool collection with the step added to the chain, so a pool element passes
 * no extra runner stage.
 *
 * <pre>{@code
 * PoolStep dropShortPairs = PoolStep.of("drop-short-pairs", Stage.PAIRED, Stage.PAIRED,
 *     pool -> pool.chunks().removeIf(c -> c.lengthA() + c.lengthB() < 16));
 * pools.apply(Truncate.with(options))
 *     .apply("DropShortPairs", PoolTransform.of(dropShortPairs))
 *     .apply(Mask.with(vocab, options));
 * }</pre>
 */
public class PoolTransform extends PTransform<Pools, Pools> {
  private final PoolStep step;

  /** A transform that adds {@code step}. */
  protected PoolTransform(PoolStep step) {
    if (step == null) {
      throw new IllegalArgumentException("step must not be null");
    }
    this.step = step;
  }

  /** A transform that adds {@code step}, for a step of one's own. */
  public static PoolTransform of(PoolStep step) {
    return new PoolTransform(step);
  }

  /** The step this transform adds. */
  public PoolStep step() {
    return step;
  }

  @Override
  public Pools expand(Pools input) {
    return input.then(input.pools(), step);
  }
}
