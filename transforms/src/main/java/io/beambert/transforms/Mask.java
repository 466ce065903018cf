package io.beambert.transforms;

import io.beambert.instances.InstanceEncoder;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.MaskedLm;
import io.beambert.instances.SegmentPair;
import io.beambert.instances.TrainingInstance;
import io.beambert.random.PythonRandom;
import io.beambert.schemas.NspPair;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.Vocab;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Masked-LM masking of next-sentence pairs, producing padded pretraining instances, like the
 * reference's {@code create_masked_lm_predictions}.
 *
 * <p>Input: {@code PCollection<NspPair>} (already within the budget, see {@link Truncate}). Output:
 * {@code PCollection<PretrainingInstance>}: {@code [CLS] A [SEP] B [SEP]} with {@code
 * min(maxPredictionsPerSeq, max(1, round_half_even(length * maskedLmProb)))} positions chosen in
 * random order among all positions except [CLS] and [SEP] (never masked); each chosen position
 * becomes [MASK] with probability 0.8, keeps its token with 0.1, or gets a random vocabulary entry
 * with 0.1. With whole-word masking a piece and its following "##" pieces are chosen together (the
 * reference's grouping, quirks included). Features padded to {@code maxSeqLength} and {@code
 * maxPredictionsPerSeq} as the reference writes them.
 *
 * <p>Deterministic: the draws of a pair come from a generator seeded with (seed, document id and
 * chunk, pass, masking step). The vocabulary facts are precomputed once ({@link InstanceVocab}).
 * Counter {@code instances}; distribution {@code masked_positions}.
 *
 * <pre>{@code
 * PCollection<PretrainingInstance> instances =
 *     pairs.apply(Mask.with(vocab).withMaskedLmProb(0.15).withWholeWordMask(true));
 * }</pre>
 */
public final class Mask extends PTransform<PCollection<NspPair>, PCollection<PretrainingInstance>> {

  private final InstanceVocab vocab;
  private final InstanceOptions options;

  private Mask(InstanceVocab vocab, InstanceOptions options) {
    this.vocab = vocab;
    this.options = options;
  }

  /**
   * Masks with {@code vocab}: maxSeqLength 128, maskedLmProb 0.15, maxPredictionsPerSeq 20, no
   * whole-word masking, seed 12345, replacements from the whole vocabulary (the reference's
   * defaults).
   *
   * @throws IllegalArgumentException when the vocabulary lacks [CLS], [SEP], [MASK] or [UNK]
   */
  public static Mask with(Vocab vocab) {
    return with(InstanceVocab.from(vocab));
  }

  /** As {@link #with(Vocab)}, from precomputed vocabulary facts. */
  public static Mask with(InstanceVocab vocab) {
    return new Mask(vocab, InstanceOptions.defaults());
  }

  /** Padded sequence length; at least 5; default 128. */
  public Mask withMaxSeqLength(int value) {
    return new Mask(vocab, options.toBuilder().maxSeqLength(value).build());
  }

  /** Fraction of the sequence to mask; in (0, 1]; default 0.15. */
  public Mask withMaskedLmProb(double value) {
    return new Mask(vocab, options.toBuilder().maskedLmProb(value).build());
  }

  /** Cap on masked positions, also the padded length of the masked_lm features; at least 1; default 20. */
  public Mask withMaxPredictionsPerSeq(int value) {
    return new Mask(vocab, options.toBuilder().maxPredictionsPerSeq(value).build());
  }

  /** Whole-word masking as the reference's flag; default false. */
  public Mask withWholeWordMask(boolean value) {
    return new Mask(vocab, options.toBuilder().doWholeWordMask(value).build());
  }

  /**
   * One 80/10/10 decision per word instead of per piece (not in the reference); needs whole-word
   * masking; default false.
   */
  public Mask withPerWordMaskDecision(boolean value) {
    return new Mask(vocab, options.toBuilder().perWordMaskDecision(value).build());
  }

  /** Random replacements only from non-special entries (not in the reference); default false. */
  public Mask withNonSpecialReplacements(boolean value) {
    return new Mask(vocab, options.toBuilder().nonSpecialReplacements(value).build());
  }

  /** Run seed; any value; default 12345. */
  public Mask withSeed(long value) {
    return new Mask(vocab, options.toBuilder().randomSeed(value).build());
  }

  /** All settings at once (the seed included). */
  public Mask withOptions(InstanceOptions value) {
    return new Mask(vocab, value);
  }

  @Override
  public PCollection<PretrainingInstance> expand(PCollection<NspPair> pairs) {
    return pairs
        .apply("MaskPairs", ParDo.of(new MaskFn(vocab, options)))
        .setCoder(AvroCoder.of(PretrainingInstance.class));
  }

  /** Masks one pair with its own generator: (seed, document id and chunk, pass, masking step). */
  static PretrainingInstance maskOne(MaskedLm masker, InstanceOptions options, NspPair p) {
    PythonRandom rng =
        RandomSteps.forChunk(
            options.randomSeed(), p.getDocumentId(), p.getPass(), p.getChunk(), RandomSteps.MASK);
    TrainingInstance instance =
        masker.mask(
            SegmentPair.of(Ids.unboxed(p.getTokensA()), Ids.unboxed(p.getTokensB()), p.getRandomNext()),
            rng);
    return InstanceEncoder.toAvro(instance, options.maxSeqLength(), options.maxPredictionsPerSeq());
  }

  /** Masks one pair. */
  static final class MaskFn extends DoFn<NspPair, PretrainingInstance> {
    private final InstanceVocab vocab;
    private final InstanceOptions options;
    private transient MaskedLm masker;
    private final Counter instances = Metrics.counter(Mask.class, "instances");
    private final Distribution maskedPositions = Metrics.distribution(Mask.class, "masked_positions");

    MaskFn(InstanceVocab vocab, InstanceOptions options) {
      this.vocab = vocab;
      this.options = options;
    }

    @Setup
    public void setup() {
      masker = new MaskedLm(options, vocab);
    }

    @ProcessElement
    public void process(@Element NspPair p, OutputReceiver<PretrainingInstance> out) {
      PretrainingInstance instance = maskOne(masker, options, p);
      instances.inc();
      maskedPositions.update(
          instance.getMaskedLmWeights().stream().filter(w -> w == 1.0f).count());
      out.output(instance);
    }
  }
}
