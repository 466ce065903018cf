package io.beambert.instances;

import io.beambert.random.RandomSource;

/**
 * SpanBERT's span masking (Joshi et al., 2020) on ids: contiguous spans of whole words are masked
 * until the masking budget is met.
 *
 * <ol>
 *   <li>Words are a piece and its following {@code ##} pieces; [CLS] and [SEP] belong to none, and
 *       a span never crosses [SEP] (it stops at the end of its segment).
 *   <li>The budget is the reference's: {@code min(maxPredictionsPerSeq, max(1, round(len ·
 *       maskedLmProb)))} tokens ({@link MaskedLm#numToPredict}).
 *   <li>While the budget is not met: a span length in words from a geometric distribution with
 *       {@code p = 0.2} limited to 1..10 as SpanBERT limits it (renormalised over those lengths, so
 *       no length above 10 is drawn and 10 gets no extra mass; mean 3.8 words, as the paper
 *       reports); a starting word drawn uniformly; the span
 *       is dropped when it touches a masked word, and shortened (whole words off its end) when it
 *       would exceed the budget. After 100 dropped draws in a row the instance keeps what it has.
 *   <li>One 80/10/10 decision per span ([MASK], keep, random word), applied to every token of it,
 *       as SpanBERT does; random words are drawn per token from the reference's table.
 * </ol>
 *
 * <p>Immutable; draws only from the {@link RandomSource} it is given, so the same stream gives the
 * same masks.
 */
public final class SpanMasking {
  /** Success probability of the geometric span length. */
  public static final double GEOMETRIC_P = 0.2;

  /** Longest span, in words. */
  public static final int MAX_SPAN_WORDS = 10;

  private static final int MAX_FAILED_DRAWS = 100;
  private final double maskedLmProb;
  private final int maxPredictionsPerSeq;
  private final InstanceVocab vocab;
  private final MaskedLm decisions;

  public SpanMasking(InstanceOptions options, InstanceVocab vocab) {
    this.maskedLmProb = options.maskedLmProb();
    this.maxPredictionsPerSeq = options.maxPredictionsPerSeq();
    this.vocab = vocab;
    this.decisions = new MaskedLm(options, vocab, true);
  }

  /** The probability that a geometric length exceeds {@link #MAX_SPAN_WORDS}. */
  private static final double TAIL = Math.pow(1 - GEOMETRIC_P, MAX_SPAN_WORDS);

  /**
   * A span length in words: {@code P(l) = p (1-p)^(l-1) / (1 - (1-p)^10)} for {@code l} in 1..10,
   * by inverting its distribution function.
   */
  public static int spanLength(RandomSource rng) {
    double u = rng.random() * (1 - TAIL); // in [0, 1 - TAIL)
    int length = 1 + (int) Math.floor(Math.log(1 - u) / Math.log(1 - GEOMETRIC_P));
    return Math.min(length, MAX_SPAN_WORDS); // guards rounding at the top end only
  }

  /** Masks {@code [CLS] A [SEP] B [SEP]}, which it takes ownership of. */
  public TrainingInstance maskSequence(int[] tokens, int lengthA, boolean randomNext, RandomSource rng) {
    int n = tokens.length;
    // Words: [wordStart[w], wordStart[w + 1]) with segment[w]; positions of [CLS]/[SEP] excluded.
    int[] wordFrom = new int[n];
    int[] wordTo = new int[n];
    int[] segment = new int[n];
    int words = 0;
    int currentSegment = 0;
    for (int i = 0; i < n; i++) {
      int token = tokens[i];
      if (token == vocab.clsId()) {
        continue;
      }
      if (token == vocab.sepId()) {
        currentSegment++;
        continue;
      }
      boolean joins = words > 0 && vocab.isContinuation(token) && wordTo[words - 1] == i
          && segment[words - 1] == currentSegment;
      if (joins) {
        wordTo[words - 1] = i + 1;
      } else {
        wordFrom[words] = i;
        wordTo[words] = i + 1;
        segment[words] = currentSegment;
        words++;
      }
    }
    int budget = MaskedLm.numToPredict(n, maskedLmProb, maxPredictionsPerSeq);
    boolean[] maskedWord = new boolean[words];
    long[] picked = new long[Math.max(budget, 1)];
    int count = 0;
    int failed = 0;
    while (count < budget && words > 0 && failed < MAX_FAILED_DRAWS) {
      int length = spanLength(rng);
      int first = rng.randint(0, words - 1);
      int last = first;
      int tokensInSpan = 0;
      boolean clash = false;
      for (int w = first; w < words && w < first + length && segment[w] == segment[first]; w++) {
        if (maskedWord[w]) {
          clash = true;
          break;
        }
        int size = wordTo[w] - wordFrom[w];
        if (count + tokensInSpan + size > budget) {
          break;
        }
        tokensInSpan += size;
        last = w;
      }
      if (clash || tokensInSpan == 0) {
        failed++;
        continue;
      }
      failed = 0;
      int decision = MaskedLm.drawDecision(rng);
      for (int w = first; w <= last; w++) {
        maskedWord[w] = true;
        for (int index = wordFrom[w]; index < wordTo[w]; index++) {
          int original = tokens[index];
          tokens[index] = decisions.apply(decision, original, rng);
          picked[count++] = ((long) index << 32) | (original & 0xFFFFFFFFL);
        }
      }
    }
    return MaskedLm.instance(tokens, lengthA, picked, count, randomNext);
  }
}
