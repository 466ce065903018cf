package io.beambert.instances;

import io.beambert.random.RandomSource;
import java.util.Arrays;

/**
 * Masked-LM masking of the reference's {@code create_masked_lm_predictions}, on ids.
 *
 * <ol>
 *   <li>Candidates are all positions except [CLS] and [SEP] (compared by id). With whole-word
 *       masking a "##" piece joins the previous candidate group; [CLS]/[SEP] are skipped without
 *       closing the group, so a "##" piece at the start of B joins the last word of A (the
 *       reference's cross-[SEP] quirk), while a "##" at the very start of A starts its own group.
 *   <li>M1: {@code shuffle} of the candidate groups.
 *   <li>{@code numToPredict = min(maxPredictionsPerSeq, max(1, round(len * maskedLmProb)))} with
 *       Python 3 rounding (half to even) of the double product; len includes [CLS]/[SEP].
 *   <li>Groups in shuffled order: stop when the budget is reached; a group that would exceed it is
 *       skipped (continue, not break). For each position of a taken group, in ascending order: M2
 *       {@code random() < 0.8} gives [MASK]; else M3 {@code random() < 0.5} keeps the token; else
 *       M4 replaces it with {@code table[randint(0, table.length - 1)]}.
 *   <li>Positions and labels (original ids) are sorted by position.
 * </ol>
 *
 * <p>Options beyond the reference (both off by default): {@code perWordMaskDecision} draws M2/M3
 * once per group and applies the outcome to every piece of the word (a "random word" outcome draws
 * one M4 replacement per piece); {@code nonSpecialReplacements} draws M4 from {@link
 * InstanceVocab}'s non-special table. Not thread-safe only through the {@link RandomSource}; the
 * object itself is immutable and may be shared.
 */
public final class MaskedLm {
  private final int maxPredictionsPerSeq;
  private final double maskedLmProb;
  private final boolean wholeWord;
  private final boolean perWordDecision;
  private final InstanceVocab vocab;
  private final int[] replacements;
  private final boolean lazyShuffle;

  /**
   * Creates a masker for these options and vocabulary that draws exactly as the reference does.
   *
   * @throws IllegalArgumentException when non-special replacements are requested but the
   *     vocabulary has no non-special entry
   */
  public MaskedLm(InstanceOptions options, InstanceVocab vocab) {
    this(options, vocab, false);
  }

  /**
   * Creates a masker; with {@code lazyShuffle} M1 shuffles the candidate groups lazily, front to
   * back ({@code j = randint(i, groups - 1)} for position {@code i}, drawn only when the loop
   * reaches {@code i}), and stops drawing once the budget is reached. Each prefix of that order is
   * a uniformly random ordered selection, exactly as a prefix of the reference's full shuffle is,
   * so the masked positions have the reference's distribution, but the draws (and so the output
   * for a given seed) differ: it is for the distributed mode, where a sequence of 128 tokens needs
   * about 20 draws for M1 instead of 127.
   */
  public MaskedLm(InstanceOptions options, InstanceVocab vocab, boolean lazyShuffle) {
    this.lazyShuffle = lazyShuffle;
    this.maxPredictionsPerSeq = options.maxPredictionsPerSeq();
    this.maskedLmProb = options.maskedLmProb();
    this.wholeWord = options.doWholeWordMask();
    this.perWordDecision = options.perWordMaskDecision();
    this.vocab = vocab;
    this.replacements = vocab.replacementTable(options.nonSpecialReplacements());
    if (replacements.length == 0) {
      throw new IllegalArgumentException(
          "nonSpecialReplacements=true but the vocabulary of " + vocab.size()
              + " entries has no entry outside square brackets");
    }
  }

  /**
   * The reference's number of positions to mask for a sequence of {@code numTokens} tokens
   * (including [CLS] and [SEP]): Python 3 {@code round()} (half to even) of the double product.
   */
  public static int numToPredict(int numTokens, double maskedLmProb, int maxPredictionsPerSeq) {
    return (int) Math.min(maxPredictionsPerSeq, Math.max(1, Math.rint(numTokens * maskedLmProb)));
  }

  /** Builds {@code [CLS] A [SEP] B [SEP]} and masks it (draws M1..M4). */
  public TrainingInstance mask(SegmentPair pair, RandomSource rng) {
    int[] tokens = pair.sequence(vocab.clsId(), vocab.sepId());
    return maskSequence(tokens, pair.lengthA(), pair.isRandomNext(), rng);
  }

  /**
   * Masks a full sequence {@code [CLS] A [SEP] B [SEP]} of ids, which it takes ownership of (the
   * array is changed in place and becomes the instance's): what the trainer's loader calls to mask
   * an instance again each time it is fed.
   */
  public TrainingInstance maskSequence(int[] tokens, int lengthA, boolean randomNext, RandomSource rng) {
    if (lazyShuffle && !wholeWord) {
      return maskSingles(tokens, lengthA, randomNext, rng);
    }
    int n = tokens.length;
    // Candidate groups: members[groupStart[g] .. groupStart[g + 1]) in ascending position order.
    int[] members = new int[n];
    int[] groupStart = new int[n + 1];
    int groups = 0;
    int memberCount = 0;
    int cls = vocab.clsId();
    int sep = vocab.sepId();
    for (int i = 0; i < n; i++) {
      int token = tokens[i];
      if (token == cls || token == sep) {
        continue;
      }
      if (!(wholeWord && groups >= 1 && vocab.isContinuation(token))) {
        groupStart[groups++] = memberCount;
      }
      members[memberCount++] = i;
    }
    groupStart[groups] = memberCount;

    int[] order = new int[groups];
    for (int g = 0; g < groups; g++) {
      order[g] = g;
    }
    if (!lazyShuffle) {
      rng.shuffle(order); // M1
    }

    int budget = numToPredict(n, maskedLmProb, maxPredictionsPerSeq);
    long[] picked = new long[Math.min(budget, memberCount)];
    int count = 0;
    for (int i = 0; i < groups && count < budget; i++) {
      if (lazyShuffle) { // M1, one step of a front-to-back Fisher-Yates shuffle
        int j = rng.randint(i, groups - 1);
        int g = order[j];
        order[j] = order[i];
        order[i] = g;
      }
      int g = order[i];
      int from = groupStart[g];
      int to = groupStart[g + 1];
      if (count + (to - from) > budget) {
        continue;
      }
      // Groups are disjoint, so the reference's "already covered" check never fires.
      if (perWordDecision) {
        int decision = drawDecision(rng);
        for (int m = from; m < to; m++) {
          int index = members[m];
          int original = tokens[index]; // groups are disjoint: each position is written once
          tokens[index] = apply(decision, original, rng);
          picked[count++] = ((long) index << 32) | (original & 0xFFFFFFFFL);
        }
      } else {
        for (int m = from; m < to; m++) {
          int index = members[m];
          int original = tokens[index];
          tokens[index] = apply(drawDecision(rng), original, rng);
          picked[count++] = ((long) index << 32) | (original & 0xFFFFFFFFL);
        }
      }
    }
    return instance(tokens, lengthA, picked, count, randomNext);
  }

  /**
   * The instance, its masked positions and labels sorted by position from {@code picked} (position
   * in the high 32 bits, original id in the low).
   */
  static TrainingInstance instance(
      int[] tokens, int lengthA, long[] picked, int count, boolean randomNext) {
    Arrays.sort(picked, 0, count);
    int[] positions = new int[count];
    int[] labels = new int[count];
    for (int k = 0; k < count; k++) {
      positions[k] = (int) (picked[k] >>> 32);
      labels[k] = (int) picked[k];
    }
    return TrainingInstance.wrap(tokens, lengthA, positions, labels, randomNext);
  }

  /**
   * The lazy path when every candidate is its own group (no whole-word masking): the same draws and
   * result as the general path, without its group bookkeeping.
   */
  private TrainingInstance maskSingles(
      int[] tokens, int lengthA, boolean randomNext, RandomSource rng) {
    int n = tokens.length;
    int cls = vocab.clsId();
    int sep = vocab.sepId();
    int[] candidates = new int[n];
    int c = 0;
    for (int i = 0; i < n; i++) {
      int token = tokens[i];
      if (token != cls && token != sep) {
        candidates[c++] = i;
      }
    }
    int take = Math.min(numToPredict(n, maskedLmProb, maxPredictionsPerSeq), c);
    long[] picked = new long[take];
    for (int k = 0; k < take; k++) {
      int j = rng.randint(k, c - 1); // M1, one step of a front-to-back Fisher-Yates shuffle
      int index = candidates[j];
      candidates[j] = candidates[k];
      candidates[k] = index;
      int original = tokens[index];
      tokens[index] = apply(drawDecision(rng), original, rng);
      picked[k] = ((long) index << 32) | (original & 0xFFFFFFFFL);
    }
    return instance(tokens, lengthA, picked, take, randomNext);
  }

  private static final int MASK = 0;
  private static final int KEEP = 1;
  private static final int RANDOM = 2;

  /** M2 and, when it misses, M3: [MASK] 80%, keep 10%, a random word 10%. */
  static int drawDecision(RandomSource rng) {
    if (rng.random() < 0.8) {
      return MASK;
    }
    return rng.random() < 0.5 ? KEEP : RANDOM;
  }

  /** The output id for a decision; M4 for a random word. */
  int apply(int decision, int originalId, RandomSource rng) {
    switch (decision) {
      case MASK:
        return vocab.maskId();
      case KEEP:
        return originalId;
      default:
        return replacements[rng.randint(0, replacements.length - 1)];
    }
  }
}
