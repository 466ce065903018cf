package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.io.ShardOutput;
import io.beambert.schemas.RunCounts;
import io.beambert.text.Vocab;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The distributed mode of {@code beambert pretraining-data} as one transform: corpus files in,
 * Avro shards, dead letters and {@code _metadata.json} out. Its {@link #expand} is the pipeline's
 * table of contents, made only of the named transforms a user can compose differently.
 *
 * <p>The reference's algorithm with two changes that make it parallel and deterministic on any
 * runner: each document, pass and step draws from its own stream ({@code KeyedRandom}), and a
 * random-next segment B comes from the document's pool of about {@code nspPoolSize} documents
 * instead of the whole corpus. The multiset of instances depends only on the documents' contents
 * and the options, not on file order, bundling, worker count, retries or runner; a rerun gives
 * byte-identical shards.
 *
 * <pre>{@code
 * pipeline.apply(
 *     PretrainingData.from("corpus/*.txt", vocab, InstanceOptions.defaults())
 *         .to(ShardOutput.to("out/shards")));
 * }</pre>
 */
public final class PretrainingData extends PTransform<PBegin, PCollection<RunCounts>> {
  /** Namespace of the pipeline's metrics. */
  public static final String METRICS = "beambert.distributed";

  private final String input;
  private final Vocab vocab;
  private final InstanceOptions options;
  private final int numShards;
  private final ShardOutput output;

  private PretrainingData(
      String input, Vocab vocab, InstanceOptions options, int numShards, ShardOutput output) {
    this.input = input;
    this.vocab = vocab;
    this.options = options;
    this.numShards = numShards;
    this.output = output;
  }

  /**
   * Reads the corpus files matching {@code input}; tokenizes and masks with {@code vocab} (which
   * must hold [CLS], [SEP], [MASK] and [UNK]); every step takes its settings from {@code options}.
   */
  public static PretrainingData from(String input, Vocab vocab, InstanceOptions options) {
    InstanceVocab.from(vocab); // fails early, naming a missing special token
    return new PretrainingData(input, vocab, options, 0, null);
  }

  /** Exactly {@code numShards} pools and shards (0, the default: one per {@code nspPoolSize}). */
  public PretrainingData withNumShards(int numShards) {
    GroupIntoPools.with(options).withNumPools(numShards); // validates
    return new PretrainingData(input, vocab, options, numShards, output);
  }

  /** Where the shards go; required. */
  public PretrainingData to(ShardOutput output) {
    return new PretrainingData(input, vocab, options, numShards, output);
  }

  @Override
  public PCollection<RunCounts> expand(PBegin begin) {
    if (output == null) {
      throw new IllegalArgumentException("PretrainingData needs to(ShardOutput)");
    }
    Pools pools =
        begin
            .apply("ReadDocuments", ReadDocuments.from(input))
            .apply("GroupIntoPools", GroupIntoPools.with(options).withNumPools(numShards));
    return instances(pools, vocab, options).apply("WriteShards", WriteShards.to(output));
  }

  /** The per-pool steps, batch and stream alike: Tokenize, PackSegments, PairForNsp, Truncate, Mask. */
  static Pools instances(Pools pools, Vocab vocab, InstanceOptions options) {
    return pools
        .apply("Tokenize", Tokenize.with(vocab, options))
        .apply("PackSegments", PackSegments.with(options))
        .apply("PairForNsp", PairForNsp.with(options))
        .apply("Truncate", Truncate.with(options))
        .apply("Mask", Mask.with(vocab, options));
  }
}
