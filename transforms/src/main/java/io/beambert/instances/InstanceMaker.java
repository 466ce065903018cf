package io.beambert.instances;

import io.beambert.random.RandomSource;
import java.util.function.Consumer;

/**
 * The reference's {@code create_instances_from_document} for one document and one pass, composed
 * from {@link SegmentPacker}, {@link NextSentencePairer}, {@link SeqPairTruncator} and {@link
 * MaskedLm}, drawing in exactly the reference's order:
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
    if (document.length == 0) {
      return 0;
    }
    int target = SegmentPacker.drawTargetLength(rng, maxNumTokens, shortSeqProb);
    int emitted = 0;
    int start = 0;
    while (start < document.length) {
      int end = SegmentPacker.chunkEnd(document, start, target);
      int chunkSize = end - start;
      int split = SegmentPacker.drawSplit(rng, chunkSize);
      int[] tokensA = SegmentPacker.concat(document, start, start + split);
      int[] tokensB;
      boolean randomNext = NextSentencePairer.drawRandomNext(rng, chunkSize);
      if (randomNext) {
        int[][] partner = partners.draw(rng);
        tokensB = NextSentencePairer.randomNextSegment(partner, target - tokensA.length, rng);
        start += split; // put back the unused sentences
      } else {
        tokensB = SegmentPacker.concat(document, start + split, end);
        start = end;
      }
      sink.accept(SeqPairTruncator.truncate(tokensA, tokensB, randomNext, maxNumTokens, rng));
      emitted++;
    }
    return emitted;
  }
}
