package io.beambert.instances;

import java.io.Serializable;
import java.util.Objects;

/**
 * Immutable, validated settings of instance generation; the defaults are the reference's flag
 * defaults, and the two extensions the reference lacks are off by default.
 *
 * <p>All checks live in {@link Builder#build()}, which throws {@link IllegalArgumentException} with
 * a message naming the offending value:
 *
 * <ul>
 *   <li>{@code maxSeqLength} &ge; 5 (room for [CLS] A [SEP] B [SEP] with one token in A and B;
 *       default 128)
 *   <li>{@code maxPredictionsPerSeq} &ge; 1 (default 20)
 *   <li>{@code maskedLmProb} in (0, 1] (default 0.15)
 *   <li>{@code dupeFactor} &ge; 1 (default 10)
 *   <li>{@code shortSeqProb} in [0, 1] (default 0.1)
 *   <li>{@code randomSeed} any long (default 12345; Python drops the sign)
 *   <li>{@code doWholeWordMask} (default false): the reference's whole-word masking, with its quirks
 *   <li>{@code perWordMaskDecision} (default false; requires {@code doWholeWordMask}): one
 *       80/10/10 decision per word instead of per piece (bert issue #910)
 *   <li>{@code nonSpecialReplacements} (default false): random replacements drawn only from
 *       non-special vocabulary entries (see {@link InstanceVocab})
 *   <li>{@code doLowerCase} (default true): the tokenizer's casing
 *   <li>{@code nspPoolSize} &ge; 1 (default 250) and {@code maxSentenceBytes} &ge; 1 (default
 *       10,000,000): the distributed mode's pools and its limit on one sentence
 * </ul>
 *
 * <p>One object configures every step of a pipeline (tokenizing, packing, pairing, truncation,
 * masking), so the steps cannot disagree.
 *
 * <pre>{@code
 * InstanceOptions options = InstanceOptions.builder().maxSeqLength(256).dupeFactor(5).build();
 * }</pre>
 */
public final class InstanceOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int maxSeqLength;
  private final int maxPredictionsPerSeq;
  private final double maskedLmProb;
  private final int dupeFactor;
  private final double shortSeqProb;
  private final long randomSeed;
  private final boolean doWholeWordMask;
  private final boolean perWordMaskDecision;
  private final boolean nonSpecialReplacements;
  private final boolean doLowerCase;
  private final int nspPoolSize;
  private final int maxSentenceBytes;

  private InstanceOptions(Builder b) {
    this.maxSeqLength = b.maxSeqLength;
    this.maxPredictionsPerSeq = b.maxPredictionsPerSeq;
    this.maskedLmProb = b.maskedLmProb;
    this.dupeFactor = b.dupeFactor;
    this.shortSeqProb = b.shortSeqProb;
    this.randomSeed = b.randomSeed;
    this.doWholeWordMask = b.doWholeWordMask;
    this.perWordMaskDecision = b.perWordMaskDecision;
    this.nonSpecialReplacements = b.nonSpecialReplacements;
    this.doLowerCase = b.doLowerCase;
    this.nspPoolSize = b.nspPoolSize;
    this.maxSentenceBytes = b.maxSentenceBytes;
  }

  /** The reference's defaults. */
  public static InstanceOptions defaults() {
    return builder().build();
  }

  /** A builder holding the reference's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxSeqLength = maxSeqLength;
    b.maxPredictionsPerSeq = maxPredictionsPerSeq;
    b.maskedLmProb = maskedLmProb;
    b.dupeFactor = dupeFactor;
    b.shortSeqProb = shortSeqProb;
    b.randomSeed = randomSeed;
    b.doWholeWordMask = doWholeWordMask;
    b.perWordMaskDecision = perWordMaskDecision;
    b.nonSpecialReplacements = nonSpecialReplacements;
    b.doLowerCase = doLowerCase;
    b.nspPoolSize = nspPoolSize;
    b.maxSentenceBytes = maxSentenceBytes;
    return b;
  }

  /** Maximum total length of [CLS] A [SEP] B [SEP]; padded length of input_ids. */
  public int maxSeqLength() {
    return maxSeqLength;
  }

  /** {@code maxSeqLength - 3}: the token budget of A plus B. */
  public int maxNumTokens() {
    return maxSeqLength - 3;
  }

  /** Cap on masked positions; padded length of the masked_lm_* features. */
  public int maxPredictionsPerSeq() {
    return maxPredictionsPerSeq;
  }

  /** Fraction of the sequence (incl. [CLS]/[SEP]) to mask, rounded half to even. */
  public double maskedLmProb() {
    return maskedLmProb;
  }

  /** Number of passes over the documents. */
  public int dupeFactor() {
    return dupeFactor;
  }

  /** Probability that a document's pass uses a random shorter target length. */
  public double shortSeqProb() {
    return shortSeqProb;
  }

  /** Seed of the reference's single {@code random.Random}. */
  public long randomSeed() {
    return randomSeed;
  }

  /** Whether candidates are whole words (a piece and its following "##" pieces). */
  public boolean doWholeWordMask() {
    return doWholeWordMask;
  }

  /** Whether one 80/10/10 decision covers all pieces of a word (not in the reference). */
  public boolean perWordMaskDecision() {
    return perWordMaskDecision;
  }

  /** Whether random replacements avoid special entries (not in the reference). */
  public boolean nonSpecialReplacements() {
    return nonSpecialReplacements;
  }

  /**
   * Lower-case and strip accents before WordPiece (the reference's {@code do_lower_case}; false
   * for cased vocabularies); default true.
   */
  public boolean doLowerCase() {
    return doLowerCase;
  }

  /**
   * Distributed mode: documents per pool; a random-next segment B comes from another document of
   * the same pool (reference mode draws from the whole corpus); default 250.
   */
  public int nspPoolSize() {
    return nspPoolSize;
  }

  /**
   * Distributed mode: longest sentence in UTF-8 bytes; a document with a longer one goes to the
   * dead letters; default 10,000,000.
   */
  public int maxSentenceBytes() {
    return maxSentenceBytes;
  }

  /** Whether every setting that changes output equals the reference's behaviour. */
  public boolean isReferenceCompatible() {
    return !perWordMaskDecision && !nonSpecialReplacements;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof InstanceOptions)) {
      return false;
    }
    InstanceOptions that = (InstanceOptions) o;
    return maxSeqLength == that.maxSeqLength
        && maxPredictionsPerSeq == that.maxPredictionsPerSeq
        && Double.compare(maskedLmProb, that.maskedLmProb) == 0
        && dupeFactor == that.dupeFactor
        && Double.compare(shortSeqProb, that.shortSeqProb) == 0
        && randomSeed == that.randomSeed
        && doWholeWordMask == that.doWholeWordMask
        && perWordMaskDecision == that.perWordMaskDecision
        && nonSpecialReplacements == that.nonSpecialReplacements
        && doLowerCase == that.doLowerCase
        && nspPoolSize == that.nspPoolSize
        && maxSentenceBytes == that.maxSentenceBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxSeqLength,
        maxPredictionsPerSeq,
        maskedLmProb,
        dupeFactor,
        shortSeqProb,
        randomSeed,
        doWholeWordMask,
        perWordMaskDecision,
        nonSpecialReplacements,
        doLowerCase,
        nspPoolSize,
        maxSentenceBytes);
  }

  @Override
  public String toString() {
    return "InstanceOptions{maxSeqLength=" + maxSeqLength
        + ", maxPredictionsPerSeq=" + maxPredictionsPerSeq
        + ", maskedLmProb=" + maskedLmProb
        + ", dupeFactor=" + dupeFactor
        + ", shortSeqProb=" + shortSeqProb
        + ", randomSeed=" + randomSeed
        + ", doWholeWordMask=" + doWholeWordMask
        + ", perWordMaskDecision=" + perWordMaskDecision
        + ", nonSpecialReplacements=" + nonSpecialReplacements
        + ", doLowerCase=" + doLowerCase
        + ", nspPoolSize=" + nspPoolSize
        + ", maxSentenceBytes=" + maxSentenceBytes
        + "}";
  }

  /** Mutable builder; {@link #build()} validates every value. */
  public static final class Builder {
    private int maxSeqLength = 128;
    private int maxPredictionsPerSeq = 20;
    private double maskedLmProb = 0.15;
    private int dupeFactor = 10;
    private double shortSeqProb = 0.1;
    private long randomSeed = 12345L;
    private boolean doWholeWordMask = false;
    private boolean perWordMaskDecision = false;
    private boolean nonSpecialReplacements = false;
    private boolean doLowerCase = true;
    private int nspPoolSize = 250;
    private int maxSentenceBytes = 10_000_000;

    private Builder() {}

    /** Default 128; at least 5. */
    public Builder maxSeqLength(int value) {
      this.maxSeqLength = value;
      return this;
    }

    /** Default 20; at least 1. */
    public Builder maxPredictionsPerSeq(int value) {
      this.maxPredictionsPerSeq = value;
      return this;
    }

    /** Default 0.15; in (0, 1]. */
    public Builder maskedLmProb(double value) {
      this.maskedLmProb = value;
      return this;
    }

    /** Default 10; at least 1. */
    public Builder dupeFactor(int value) {
      this.dupeFactor = value;
      return this;
    }

    /** Default 0.1; in [0, 1]. */
    public Builder shortSeqProb(double value) {
      this.shortSeqProb = value;
      return this;
    }

    /** Default 12345; any value. */
    public Builder randomSeed(long value) {
      this.randomSeed = value;
      return this;
    }

    /** Default false. */
    public Builder doWholeWordMask(boolean value) {
      this.doWholeWordMask = value;
      return this;
    }

    /** Default false; needs {@code doWholeWordMask}. Not reference-compatible when true. */
    public Builder perWordMaskDecision(boolean value) {
      this.perWordMaskDecision = value;
      return this;
    }

    /** Default false. Not reference-compatible when true. */
    public Builder nonSpecialReplacements(boolean value) {
      this.nonSpecialReplacements = value;
      return this;
    }

    /** Default true. */
    public Builder doLowerCase(boolean value) {
      this.doLowerCase = value;
      return this;
    }

    /** Default 250. */
    public Builder nspPoolSize(int value) {
      this.nspPoolSize = value;
      return this;
    }

    /** Default 10,000,000. */
    public Builder maxSentenceBytes(int value) {
      this.maxSentenceBytes = value;
      return this;
    }

    /**
     * Validates and returns the options.
     *
     * @throws IllegalArgumentException naming the first invalid value
     */
    public InstanceOptions build() {
      if (maxSeqLength < 5) {
        throw new IllegalArgumentException(
            "maxSeqLength must be at least 5 ([CLS] A [SEP] B [SEP]), got " + maxSeqLength);
      }
      if (maxPredictionsPerSeq < 1) {
        throw new IllegalArgumentException(
            "maxPredictionsPerSeq must be at least 1, got " + maxPredictionsPerSeq);
      }
      if (!(maskedLmProb > 0.0 && maskedLmProb <= 1.0)) {
        throw new IllegalArgumentException(
            "maskedLmProb must be in (0, 1], got " + maskedLmProb);
      }
      if (dupeFactor < 1) {
        throw new IllegalArgumentException("dupeFactor must be at least 1, got " + dupeFactor);
      }
      if (!(shortSeqProb >= 0.0 && shortSeqProb <= 1.0)) {
        throw new IllegalArgumentException(
            "shortSeqProb must be in [0, 1], got " + shortSeqProb);
      }
      if (perWordMaskDecision && !doWholeWordMask) {
        throw new IllegalArgumentException(
            "perWordMaskDecision=true needs doWholeWordMask=true (got doWholeWordMask=false)");
      }
      if (nspPoolSize < 1) {
        throw new IllegalArgumentException("nspPoolSize must be at least 1, got " + nspPoolSize);
      }
      if (maxSentenceBytes < 1) {
        throw new IllegalArgumentException(
            "maxSentenceBytes must be positive, got " + maxSentenceBytes);
      }
      return new InstanceOptions(this);
    }
  }
}
