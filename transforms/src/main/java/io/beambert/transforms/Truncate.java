package io.beambert.transforms;

import io.beambert.instances.SegmentPair;
import io.beambert.instances.SeqPairTruncator;
import io.beambert.random.PythonRandom;
import io.beambert.schemas.NspPair;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Truncates next-sentence pairs to the token budget like the reference's {@code
 * truncate_seq_pair}: while {@code |A| + |B| > maxSeqLength - 3}, the longer segment (B on a tie)
 * loses one token, from the front or the back with probability 0.5 each.
 *
 * <p>Input and output: {@code PCollection<NspPair>}; pairs within the budget pass unchanged (and
 * draw nothing). Deterministic: the draws of a pair come from a generator seeded with (seed,
 * document id and chunk, pass, truncation step). Counters {@code truncated_pairs}, {@code
 * truncated_tokens}.
 *
 * <pre>{@code
 * PCollection<NspPair> fitted = pairs.apply(Truncate.create().withMaxSeqLength(256));
 * }</pre>
 */
public final class Truncate extends PTransform<PCollection<NspPair>, PCollection<NspPair>> {

  private final int maxSeqLength;
  private final long seed;

  private Truncate(int maxSeqLength, long seed) {
    this.maxSeqLength = maxSeqLength;
    this.seed = seed;
  }

  /** maxSeqLength 128, seed 12345. */
  public static Truncate create() {
    return new Truncate(128, 12345L);
  }

  /** Sequence length incl. [CLS] and two [SEP]; at least 5; default 128. */
  public Truncate withMaxSeqLength(int maxSeqLength) {
    if (maxSeqLength < 5) {
      throw new IllegalArgumentException("maxSeqLength must be at least 5, got " + maxSeqLength);
    }
    return new Truncate(maxSeqLength, seed);
  }

  /** Run seed; any value; default 12345. */
  public Truncate withSeed(long seed) {
    return new Truncate(maxSeqLength, seed);
  }

  @Override
  public PCollection<NspPair> expand(PCollection<NspPair> pairs) {
    return pairs
        .apply("TruncatePairs", ParDo.of(new TruncateFn(maxSeqLength - 3, seed)))
        .setCoder(AvroCoder.of(NspPair.class));
  }

  /** Truncates one pair. */
  static final class TruncateFn extends DoFn<NspPair, NspPair> {
    private final int maxNumTokens;
    private final long seed;
    private final Counter truncatedPairs = Metrics.counter(Truncate.class, "truncated_pairs");
    private final Counter truncatedTokens = Metrics.counter(Truncate.class, "truncated_tokens");

    TruncateFn(int maxNumTokens, long seed) {
      this.maxNumTokens = maxNumTokens;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element NspPair p, OutputReceiver<NspPair> out) {
      int total = p.getTokensA().size() + p.getTokensB().size();
      if (total <= maxNumTokens) {
        out.output(p);
        return;
      }
      PythonRandom rng =
          RandomSteps.forChunk(seed, p.getDocumentId(), p.getPass(), p.getChunk(), RandomSteps.TRUNCATE);
      SegmentPair cut =
          SeqPairTruncator.truncate(
              SegmentPair.of(
                  Ids.unboxed(p.getTokensA()), Ids.unboxed(p.getTokensB()), p.getRandomNext()),
              maxNumTokens,
              rng);
      truncatedPairs.inc();
      truncatedTokens.inc(total - cut.lengthA() - cut.lengthB());
      out.output(
          NspPair.newBuilder(p)
              .setTokensA(Ids.boxed(cut.tokensA()))
              .setTokensB(Ids.boxed(cut.tokensB()))
              .build());
    }
  }
}
