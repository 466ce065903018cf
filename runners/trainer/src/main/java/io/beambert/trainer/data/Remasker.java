package io.beambert.trainer.data;

import io.beambert.instances.InstanceOptions;
import io.beambert.text.Vocab;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.MaskedLm;
import io.beambert.instances.SpanMasking;
import io.beambert.instances.TrainingInstance;
import io.beambert.random.KeyedRandom;

/**
 * Masks an instance again when it is fed ({@code --masking=dynamic|wholeWord|span}): the shard's
 * original ids are put back at its masked positions, and the sequence is masked anew with {@link
 * MaskedLm} or {@link SpanMasking}, the same code that makes the shards.
 *
 * <p>The random stream is keyed by (seed, epoch, the instance's shard and record), so the same
 * command gives the same masks whatever the loader's threads, and every epoch new ones. The
 * instance read from the shard is left as it is; the result is a new instance with {@code
 * predictions} masked slots. Thread-safe.
 */
final class Remasker {
  private final Masking masking;
  private final long seed;
  private final int predictions;
  private final InstanceVocab vocab;
  private final MaskedLm maskedLm;
  private final SpanMasking spans;

  /**
   * @param maskedLmProb fraction of tokens to mask, in (0, 0.5]
   * @param predictions masked slots per instance (the budget's cap)
   */
  Remasker(Masking masking, Vocab vocab, double maskedLmProb, int predictions, long seed) {
    this.masking = masking;
    this.seed = seed;
    this.predictions = predictions;
    if (masking == Masking.STATIC) {
      this.vocab = null;
      this.maskedLm = null;
      this.spans = null;
      return;
    }
    this.vocab = InstanceVocab.from(vocab); // needs [CLS], [SEP], [MASK] and [UNK]
    InstanceOptions options = InstanceOptions.builder().maskedLmProb(maskedLmProb)
        .maxPredictionsPerSeq(predictions).doWholeWordMask(masking == Masking.WHOLE_WORD).build();
    this.maskedLm = new MaskedLm(options, this.vocab, true);
    this.spans = new SpanMasking(options, this.vocab);
  }

  /** The instance to feed: {@code x} itself for static masking, else {@code x} masked anew. */
  Instance apply(Instance x) throws ShardException {
    if (masking == Masking.STATIC) {
      return x;
    }
    int length = x.length();
    int[] tokens = originals(x, length);
    int lengthA = -2; // [CLS] and the first [SEP] are in segment 0 too
    for (int i = 0; i < length; i++) {
      if (x.segmentIds[i] == 0) {
        lengthA++;
      }
    }
    KeyedRandom rng = KeyedRandom.forKey(seed, x.stableId(), x.epoch, 0);
    boolean randomNext = x.nextSentenceLabel == 1;
    TrainingInstance masked = masking == Masking.SPAN
        ? spans.maskSequence(tokens, lengthA, randomNext, rng)
        : maskedLm.maskSequence(tokens, lengthA, randomNext, rng);
    Instance out = new Instance(x.seqLength(), predictions);
    System.arraycopy(masked.tokens(), 0, out.inputIds, 0, length);
    System.arraycopy(x.inputMask, 0, out.inputMask, 0, x.seqLength());
    System.arraycopy(x.segmentIds, 0, out.segmentIds, 0, x.seqLength());
    int[] positions = masked.maskedPositions();
    int[] labels = masked.maskedLabels();
    for (int k = 0; k < positions.length; k++) {
      out.maskedPositions[k] = positions[k];
      out.maskedIds[k] = labels[k];
      out.maskedWeights[k] = 1f;
    }
    out.nextSentenceLabel = x.nextSentenceLabel;
    out.source = x.source;
    out.shard = x.shard;
    out.record = x.record;
    out.epoch = x.epoch;
    return out;
  }

  /**
   * The sequence before the shard's masking: its masked-LM labels put back at their positions.
   *
   * @throws ShardException when the masks do not fit the sequence: a position at [CLS], [SEP] or
   *     padding, positions not ascending, a label that is [CLS], [SEP] or [MASK], or a sequence that
   *     is not {@code [CLS] A [SEP] B [SEP]} once restored
   */
  static int[] originals(Instance x, int length, InstanceVocab vocab) throws ShardException {
    int[] tokens = new int[length];
    System.arraycopy(x.inputIds, 0, tokens, 0, length);
    int previous = 0;
    for (int k = 0; k < x.maskedPositions.length; k++) {
      if (x.maskedWeights[k] == 0) {
        continue;
      }
      int position = x.maskedPositions[k];
      int label = x.maskedIds[k];
      if (position <= previous || position >= length - 1) {
        throw corrupt(x, "its masked positions are not ascending inside the sequence (position "
            + position + " of " + length + ")");
      }
      if (label == vocab.clsId() || label == vocab.sepId() || label == vocab.maskId()) {
        throw corrupt(x, "a masked-LM label at position " + position + " is [CLS], [SEP] or [MASK]");
      }
      tokens[position] = label;
      previous = position;
    }
    int sepCount = 0;
    for (int i = 0; i < length; i++) {
      if (tokens[i] == vocab.sepId()) {
        sepCount++;
      }
    }
    if (tokens[0] != vocab.clsId() || tokens[length - 1] != vocab.sepId() || sepCount != 2) {
      throw corrupt(x, "with its labels put back it is not [CLS] A [SEP] B [SEP]");
    }
    return tokens;
  }

  private int[] originals(Instance x, int length) throws ShardException {
    return originals(x, length, vocab);
  }

  private static ShardException corrupt(Instance x, String why) {
    return new ShardException(x.source, "record " + x.record + " cannot be masked again: "
        + why + " (a damaged shard?)");
  }
}
