package io.beambert.instances;

import io.beambert.random.RandomSource;
import java.util.function.Consumer;

/**
 * The reference's {@code create_instances_from_document} for one document and one pass, composed
 * from the building blocks the distributed steps use too ({@link SegmentPacker#pack}, {@link
 * NextSentencePairer#randomNext}, {@link SeqPairTruncator} and {@link MaskedLm}), on ONE stream,
 * drawing in exactly the reference's order:
 *
 * <pre>
 * D1/D2 target length (once)
 * per chunk: C1 split (chunk of >= 2 sentences), C2 random next (chunk of >= 2 sentences),
 *            [random next: partner draw (C3 in the reference), C4 start sentence],
 *            T... truncation, M1..M4 masking
 * </pre>
 *
 * <p>A random next "puts back" the chunk's sentences after A: the next chunk starts right after
 * A. Immutable and shareable; all state is in the {@link RandomSource} passed per call.
 *
 * <pre>{@code
 * InstanceMaker maker = new InstanceMaker(InstanceOptions.defaults(), vocab);
 * maker.createInstances(doc, NextSentencePairer.referencePartners(docs, i), rng, sink);
 * }</pre>
 */
public final class InstanceMaker {
  private final int maxNumTokens;
  private final double shortSeqProb;
  private final MaskedLm masker;

  /** Creates a maker for these options and vocabulary. */
  public InstanceMaker(InstanceOptions options, InstanceVocab vocab) {
    this(options, new MaskedLm(options, vocab));
  }

  /** Creates a maker that masks with {@code masker} (for example a lazily shuffling one). */
  public InstanceMaker(InstanceOptions options, MaskedLm masker) {
    this.maxNumTokens = options.maxNumTokens();
    this.shortSeqProb = options.shortSeqProb();
    this.masker = masker;
  }

  /**
   * Emits the masked instances of one document for one pass, all draws from {@code rng} in the
   * reference's order.
   *
   * @param document non-empty sentences of ids (at least one sentence)
   * @param partners where random-next segments come from
   * @return the number of instances emitted
   */
  public int createInstances(
      int[][] document, PartnerDocuments partners, RandomSource rng,
      Consumer<TrainingInstance> sink) {
    return createPairs(document, partners, rng, pair -> sink.accept(masker.mask(pair, rng)));
  }

  /**
   * Emits the truncated, unmasked pairs of one document for one pass (draws D, C and T only). The
   * sink runs synchronously before the next chunk's draws, so a sink that masks with the same
   * {@code rng} reproduces {@link #createInstances}.
   *
   * @return the number of pairs emitted
   */
  public int createPairs(
      int[][] document, PartnerDocuments partners, RandomSource rng, Consumer<SegmentPair> sink) {
    return SegmentPacker.pack(
        document,
        maxNumTokens,
        shortSeqProb,
        rng,
        (start, split, end, randomNext, target) -> {
          int[] a = SegmentPacker.concat(document, start, split);
          int[] b =
              randomNext
                  ? NextSentencePairer.randomNext(partners, target, a.length, rng)
                  : SegmentPacker.concat(document, split, end);
          sink.accept(SeqPairTruncator.truncate(a, b, randomNext, maxNumTokens, rng));
        });
  }
}
