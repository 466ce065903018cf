package io.beambert.transforms;

import io.beambert.instances.distributed.PoolData;
import io.beambert.instances.distributed.PoolStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The pools of a run and the chain of per-pool steps applied to them so far: what {@link
 * GroupIntoPools} returns and {@link Tokenize}, {@link PackSegments}, {@link PairForNsp}, {@link
 * Truncate}, {@link Mask} (and a user's {@link PoolTransform}) take and return, and what {@link
 * WriteShards} writes.
 *
 * <p>Why a chain and not a collection of tokenized documents, then of chunks, then of pairs: a
 * pool's steps must run one after the other on one worker, fused, so that a worker holds one pool
 * at a time. Flink runs a chain of transforms over elements as a pipeline, but Beam's DirectRunner
 * runs each transform over all its input before the next one starts, so a collection of tokenized
 * pools would hold the token ids of the whole corpus in memory, and one of pairs ten times that.
 * Each step transform therefore adds its step to the chain (its name shows in the pipeline graph),
 * and {@link WriteShards} runs the whole chain on each pool, reading the pool's texts again from
 * their sources, and writes the pool's shard.
 *
 * <p>Immutable. The chain is checked as it grows: a step that needs what the pools do not hold yet
 * (masking before pairing, say) fails when it is applied, naming both.
 */
public final class Pools implements PInput, POutput {
  private static final TupleTag<Pool> TAG = new TupleTag<>("pools");

  private final PCollection<Pool> pools;
  private final List<PoolStep> steps;

  private Pools(PCollection<Pool> pools, List<PoolStep> steps) {
    this.pools = pools;
    this.steps = Collections.unmodifiableList(steps);
  }

  /** Pools that hold their documents' texts: no step applied yet. */
  public static Pools of(PCollection<Pool> pools) {
    return new Pools(pools, List.of());
  }

  /** Applies {@code transform} to these pools. */
  public <OutputT extends POutput> OutputT apply(PTransform<? super Pools, OutputT> transform) {
    return Pipeline.applyTransform(this, transform);
  }

  /** Applies {@code transform} to these pools under {@code name}. */
  public <OutputT extends POutput> OutputT apply(
      String name, PTransform<? super Pools, OutputT> transform) {
    return Pipeline.applyTransform(name, this, transform);
  }

  /** The pool elements. */
  public PCollection<Pool> pools() {
    return pools;
  }

  /** The steps applied so far, in order. */
  public List<PoolStep> steps() {
    return steps;
  }

  /** What the pools hold after the steps so far. */
  public PoolData.Stage stage() {
    return steps.isEmpty() ? PoolData.Stage.DOCUMENTS : steps.get(steps.size() - 1).produces();
  }

  /**
   * These pools with {@code step} added, carried by {@code next}.
   *
   * @throws IllegalArgumentException when the pools do not hold what the step needs
   */
  Pools then(PCollection<Pool> next, PoolStep step) {
    if (step.requires() != stage()) {
      throw new IllegalArgumentException(
          "step " + step.name() + " needs " + step.requires() + " but the pools hold " + stage()
              + describeSteps());
    }
    List<PoolStep> more = new ArrayList<>(steps);
    more.add(step);
    return new Pools(next, more);
  }

  /** " (after a, b, c)" or "". */
  String describeSteps() {
    if (steps.isEmpty()) {
      return " (no step applied yet)";
    }
    List<String> names = new ArrayList<>();
    steps.forEach(s -> names.add(s.name()));
    return " (after " + String.join(", ", names) + ")";
  }

  @Override
  public Pipeline getPipeline() {
    return pools.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(TAG, pools);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {
    // The pool collection is finished by the transform that produced it.
  }
}
