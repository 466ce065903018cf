package io.beambert.instances.distributed;

import io.beambert.schemas.PretrainingInstance;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summary statistics and digests of {@link PretrainingInstance} records, computed exactly as the
 * project's {@code instance_stats.py} computes them from the reference's JSON layout, so that a
 * Beam output and a reference output can be compared by number.
 *
 * <p>Statistics: random-next fraction, mean real tokens, fraction at full length, mean segment A
 * and B lengths, mean masked positions, the [MASK] / kept / random split of masked positions (a
 * position counts as "kept" when its input id equals its label, "mask" when it is [MASK], else
 * "random"), the fraction of masked positions that are "##" pieces, whole-word coverage, the [UNK]
 * fraction, and format problems (counted by kind).
 *
 * <p>Digests: each instance is canonicalised as the compact JSON of its seven features with sorted
 * keys ({@code next_sentence_labels} as a one-element list, weights as {@code 1.0}/{@code 0.0});
 * {@link #digestOrdered()} is the SHA-256 over the canonical lines in the order added (each
 * followed by a newline), and {@link #digestMultiset()} the SHA-256 over the sorted SHA-256 digests
 * of the lines, so two outputs with the same instances in another order share it.
 *
 * <p>Keeps 32 bytes per instance for the multiset digest. Not thread-safe.
 *
 * <pre>{@code
 * InstanceStats stats = new InstanceStats(vocabLines);
 * for (PretrainingInstance i : records) stats.add(i);
 * double randomNext = stats.fracRandomNext();
 * }</pre>
 */
public final class InstanceStats {
  private final int maskId;
  private final int clsId;
  private final int sepId;
  private final int unkId;
  private final boolean[] continuation;

  private long n;
  private long randomNext;
  private long realTokens;
  private long fullLength;
  private int seqLength = -1;
  private int maxPredictions = -1;
  private long maskedTotal;
  private double realTokensSquared;
  private double maskedSquared;
  private long maskedAtMax;
  private long kindMask;
  private long kindKept;
  private long kindRandom;
  private long segATokens;
  private long segBTokens;
  private long unkTokens;
  private long maskedContinuation;
  private long wordsTotal;
  private long wordsTouched;
  private long wordsFully;
  private long wordsPartial;
  private final Map<String, Long> problems = new TreeMap<>();
  private final MessageDigest ordered = sha256();
  private final List<byte[]> lineDigests = new ArrayList<>();
  private final MessageDigest lineSha = sha256();
  private final StringBuilder canon = new StringBuilder(2048);

  /**
   * Creates an empty accumulator for a vocabulary given as its file's lines (line index = id;
   * each line stripped; a duplicate token maps to its last line, like the reference's dict).
   *
   * @throws IllegalArgumentException when [MASK], [CLS] or [SEP] is missing
   */
  public InstanceStats(List<String> vocabLines) {
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < vocabLines.size(); i++) {
      ids.put(vocabLines.get(i).strip(), i);
    }
    for (String t : List.of("[MASK]", "[CLS]", "[SEP]")) {
      if (!ids.containsKey(t)) {
        throw new IllegalArgumentException("vocabulary lacks " + t);
      }
    }
    this.maskId = ids.get("[MASK]");
    this.clsId = ids.get("[CLS]");
    this.sepId = ids.get("[SEP]");
    this.unkId = ids.getOrDefault("[UNK]", -1);
    this.continuation = new boolean[vocabLines.size()];
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      if (e.getKey().startsWith("##")) {
        continuation[e.getValue()] = true;
      }
    }
  }

  /** Adds one instance. */
  public void add(PretrainingInstance inst) {
    int[] ids = ints(inst.getInputIds());
    int[] msk = ints(inst.getInputMask());
    int[] seg = ints(inst.getSegmentIds());
    int[] pos = ints(inst.getMaskedLmPositions());
    int[] mids = ints(inst.getMaskedLmIds());
    List<Float> w = inst.getMaskedLmWeights();
    int nsl = inst.getNextSentenceLabels();

    digestLine(ids, msk, seg, pos, mids, w, nsl);
    n++;
    if (seqLength < 0) {
      seqLength = ids.length;
      maxPredictions = pos.length;
    }
    if (ids.length != seqLength || msk.length != seqLength || seg.length != seqLength) {
      problem("sequence length differs");
    }
    if (pos.length != maxPredictions || mids.length != maxPredictions
        || w.size() != maxPredictions) {
      problem("prediction length differs");
    }
    if (nsl != 0 && nsl != 1) {
      problem("bad next_sentence_labels");
    }
    if (nsl == 1) {
      randomNext++;
    }

    int len = 0;
    for (int x : msk) {
      len += x;
    }
    boolean maskOk = true;
    for (int i = 0; i < msk.length; i++) {
      if (msk[i] != (i < len ? 1 : 0)) {
        maskOk = false;
      }
    }
    if (!maskOk) {
      problem("input_mask not 1...1 0...0");
    }
    boolean padOk = true;
    for (int i = len; i < ids.length; i++) {
      padOk &= ids[i] == 0;
    }
    for (int i = len; i < seg.length; i++) {
      padOk &= seg[i] == 0;
    }
    if (!padOk) {
      problem("nonzero padding");
    }
    realTokens += len;
    realTokensSquared += (double) len * len;
    if (len == seqLength) {
      fullLength++;
    }
    if (ids.length == 0 || ids[0] != clsId) {
      problem("no [CLS] first");
    }
    int zeros = 0;
    int ones = 0;
    for (int i = 0; i < len; i++) {
      if (seg[i] == 0) {
        zeros++;
      } else if (seg[i] == 1) {
        ones++;
      }
    }
    int aLen = zeros - 2;
    int bLen = ones - 1;
    segATokens += aLen;
    segBTokens += bLen;
    boolean segOk = true;
    for (int i = 0; i < len; i++) {
      int expected = i < aLen + 2 ? 0 : 1;
      segOk &= seg[i] == expected;
    }
    if (!segOk) {
      problem("segment_ids not 0..0 1..1");
    }
    if (aLen < 1 || bLen < 1) {
      problem("empty segment");
    }

    int k = 0;
    for (float x : w) {
      if (x != 0.0f) {
        k++;
      }
    }
    maskedTotal += k;
    maskedSquared += (double) k * k;
    if (k == maxPredictions) {
      maskedAtMax++;
    }
    boolean weightsOk = true;
    for (int i = 0; i < w.size(); i++) {
      float x = w.get(i);
      weightsOk &= i < k ? x == 1.0f : x == 0.0f;
    }
    if (!weightsOk) {
      problem("masked_lm_weights not 1..1 0..0");
    }
    boolean predPadOk = true;
    for (int i = k; i < pos.length; i++) {
      predPadOk &= pos[i] == 0;
    }
    for (int i = k; i < mids.length; i++) {
      predPadOk &= mids[i] == 0;
    }
    if (!predPadOk) {
      problem("nonzero prediction padding");
    }
    boolean increasing = true;
    boolean special = false;
    for (int i = 0; i < k && i < pos.length; i++) {
      if (i > 0 && pos[i] <= pos[i - 1]) {
        increasing = false;
      }
      int q = pos[i];
      if (q == 0 || q == aLen + 1 || q == len - 1 || q >= len) {
        special = true;
      }
    }
    if (!increasing) {
      problem("masked positions not strictly increasing");
    }
    if (special) {
      problem("masked position on [CLS]/[SEP]/padding");
    }

    int[] orig = Arrays.copyOf(ids, len);
    boolean[] masked = new boolean[Math.max(len, 1)];
    for (int i = 0; i < k && i < pos.length && i < mids.length; i++) {
      int q = pos[i];
      int m = mids[i];
      if (q >= 0 && q < len) {
        int got = ids[q];
        if (got == maskId) {
          kindMask++;
        } else if (got == m) {
          kindKept++;
        } else {
          kindRandom++;
        }
        orig[q] = m;
        masked[q] = true;
        if (isContinuation(m)) {
          maskedContinuation++;
        }
      }
    }
    if (unkId >= 0) {
      for (int t : orig) {
        if (t == unkId) {
          unkTokens++;
        }
      }
    }

    // Whole-word statistics on the rebuilt original sequence; [CLS]/[SEP] close words.
    int wordPieces = 0;
    int wordHits = 0;
    boolean inWord = false;
    for (int i = 0; i < len; i++) {
      if (i == 0 || i == aLen + 1 || i == len - 1) {
        if (inWord) {
          closeWord(wordPieces, wordHits);
        }
        inWord = false;
        continue;
      }
      if (!(isContinuation(orig[i]) && inWord)) {
        if (inWord) {
          closeWord(wordPieces, wordHits);
        }
        inWord = true;
        wordPieces = 0;
        wordHits = 0;
      }
      wordPieces++;
      if (masked[i]) {
        wordHits++;
      }
    }
    if (inWord) {
      closeWord(wordPieces, wordHits);
    }
  }

  private void closeWord(int pieces, int hits) {
    wordsTotal++;
    if (hits > 0) {
      wordsTouched++;
      if (hits == pieces) {
        wordsFully++;
      } else {
        wordsPartial++;
      }
    }
  }

  private boolean isContinuation(int id) {
    return id >= 0 && id < continuation.length && continuation[id];
  }

  private void problem(String kind) {
    problems.merge(kind, 1L, Long::sum);
  }

  private void digestLine(
      int[] ids, int[] msk, int[] seg, int[] pos, int[] mids, List<Float> w, int nsl) {
    StringBuilder sb = canon;
    sb.setLength(0);
    sb.append("{\"input_ids\":");
    appendInts(sb, ids);
    sb.append(",\"input_mask\":");
    appendInts(sb, msk);
    sb.append(",\"masked_lm_ids\":");
    appendInts(sb, mids);
    sb.append(",\"masked_lm_positions\":");
    appendInts(sb, pos);
    sb.append(",\"masked_lm_weights\":[");
    for (int i = 0; i < w.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(pythonFloat(w.get(i)));
    }
    sb.append("],\"next_sentence_labels\":[").append(nsl).append("],\"segment_ids\":");
    appendInts(sb, seg);
    sb.append('}');
    byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
    ordered.update(line);
    ordered.update((byte) '\n');
    lineDigests.add(lineSha.digest(line));
  }

  /** Python's {@code repr} of a float32 widened to double, for the values weights take. */
  static String pythonFloat(float f) {
    double d = f;
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return (long) d + ".0";
    }
    return Double.toString(d);
  }

  private static void appendInts(StringBuilder sb, int[] a) {
    sb.append('[');
    for (int i = 0; i < a.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(a[i]);
    }
    sb.append(']');
  }

  private static int[] ints(List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static double mean(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** Number of instances added. */
  public long instances() {
    return n;
  }

  /** Fraction with next_sentence_labels = 1. */
  public double fracRandomNext() {
    return mean(randomNext, n);
  }

  /** Mean number of input_mask ones. */
  public double meanRealTokens() {
    return mean(realTokens, n);
  }

  /** Fraction whose real length equals the padded length. */
  public double fracFullLength() {
    return mean(fullLength, n);
  }

  /** Mean number of masked positions (non-zero weights). */
  public double meanMaskedPositions() {
    return mean(maskedTotal, n);
  }

  /** Fraction of masked positions holding [MASK]. */
  public double maskedFracMask() {
    return mean(kindMask, kindMask + kindKept + kindRandom);
  }

  /** Fraction of masked positions that kept their token. */
  public double maskedFracKept() {
    return mean(kindKept, kindMask + kindKept + kindRandom);
  }

  /** Fraction of masked positions replaced by another token. */
  public double maskedFracRandom() {
    return mean(kindRandom, kindMask + kindKept + kindRandom);
  }

  /** Total number of masked positions. */
  public long maskedPositionsTotal() {
    return maskedTotal;
  }

  /**
   * Compares the statistics that define the data's distribution with those of {@code reference}
   * (typically reference mode's instances on the same corpus): the random-next fraction, the mean
   * real tokens, the fraction at full length, the mean masked positions, and the [MASK] / kept /
   * random shares of the masked positions. Each must agree within {@code z} standard errors of the
   * difference of two independent sample means (binomial for fractions). One line per statistic,
   * ending with {@value #OUT} when it does not.
   */
  public List<String> compareWith(InstanceStats reference, double z) {
    List<String> report = new ArrayList<>();
    InstanceStats r = reference;
    proportion(report, z, "random-next fraction", r.randomNext, r.n, randomNext, n);
    mean(report, z, "mean real tokens", r.realTokens, r.realTokensSquared, r.n, realTokens,
        realTokensSquared, n);
    proportion(report, z, "fraction at full length", r.fullLength, r.n, fullLength, n);
    mean(report, z, "mean masked positions", r.maskedTotal, r.maskedSquared, r.n, maskedTotal,
        maskedSquared, n);
    long rp = r.kindMask + r.kindKept + r.kindRandom;
    long p = kindMask + kindKept + kindRandom;
    proportion(report, z, "[MASK] share", r.kindMask, rp, kindMask, p);
    proportion(report, z, "kept share", r.kindKept, rp, kindKept, p);
    proportion(report, z, "random share", r.kindRandom, rp, kindRandom, p);
    return report;
  }

  /** Marks a line of {@link #compareWith} whose statistic is out of tolerance. */
  public static final String OUT = "  <-- OUT";

  /** Whether every line of a {@link #compareWith} report is within tolerance. */
  public static boolean allWithin(List<String> report) {
    return report.stream().noneMatch(s -> s.endsWith(OUT));
  }

  private static void proportion(
      List<String> report, double z, String what, long a, long na, long b, long nb) {
    double pa = (double) a / na;
    double pb = (double) b / nb;
    double p = (double) (a + b) / (na + nb);
    check(report, z, what, pa, pb, Math.sqrt(p * (1 - p) * (1.0 / na + 1.0 / nb)));
  }

  private static void mean(
      List<String> report, double z, String what, double sa, double sa2, long na, double sb,
      double sb2, long nb) {
    double ma = sa / na;
    double mb = sb / nb;
    double va = Math.max(0, sa2 / na - ma * ma);
    double vb = Math.max(0, sb2 / nb - mb * mb);
    check(report, z, what, ma, mb, Math.sqrt(va / na + vb / nb));
  }

  private static void check(
      List<String> report, double z, String what, double ref, double got, double se) {
    double score = se == 0 ? (ref == got ? 0 : Double.POSITIVE_INFINITY) : Math.abs(ref - got) / se;
    report.add(
        String.format(
            java.util.Locale.ROOT,
            "%s: reference %.5f distributed %.5f (|diff| %.5f, tolerance %.5f, z %.2f)%s",
            what, ref, got, Math.abs(ref - got), z * se, score, score > z ? OUT : ""));
  }

  /** Format problems by kind; empty for well-formed instances. */
  public Map<String, Long> formatProblems() {
    return new TreeMap<>(problems);
  }

  /** SHA-256 (hex) over the canonical lines in the order added. */
  public String digestOrdered() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) ordered.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests are cloneable", e);
    }
  }

  /** SHA-256 (hex) over the sorted per-instance digests: the same for any order of instances. */
  public String digestMultiset() {
    byte[][] sorted = lineDigests.toArray(new byte[0][]);
    Arrays.sort(sorted, Arrays::compareUnsigned);
    MessageDigest sha = sha256();
    for (byte[] d : sorted) {
      sha.update(d);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Every statistic under the names {@code instance_stats.py --json} uses (without histograms). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("instances", n);
    m.put("max_seq_length", seqLength);
    m.put("max_predictions_per_seq", maxPredictions);
    m.put("frac_is_random_next", fracRandomNext());
    m.put("mean_real_tokens", meanRealTokens());
    m.put("frac_full_length", fracFullLength());
    m.put("mean_segment_a_tokens", mean(segATokens, n));
    m.put("mean_segment_b_tokens", mean(segBTokens, n));
    m.put("mean_masked_positions", meanMaskedPositions());
    m.put("frac_at_max_predictions", mean(maskedAtMax, n));
    m.put("masked_positions_total", maskedPositionsTotal());
    m.put("masked_frac_mask", maskedFracMask());
    m.put("masked_frac_kept", maskedFracKept());
    m.put("masked_frac_random", maskedFracRandom());
    m.put("masked_count_mask", kindMask);
    m.put("masked_count_kept", kindKept);
    m.put("masked_count_random", kindRandom);
    m.put("masked_frac_continuation_pieces", mean(maskedContinuation, maskedTotal));
    m.put("words_total", wordsTotal);
    m.put("words_with_a_masked_piece", wordsTouched);
    m.put("frac_touched_words_fully_masked", mean(wordsFully, wordsTouched));
    m.put("words_partially_masked", wordsPartial);
    m.put("real_tokens_total", realTokens);
    m.put("frac_unk_tokens", mean(unkTokens, realTokens));
    m.put("format_problems", formatProblems());
    m.put("digest_ordered", digestOrdered());
    m.put("digest_multiset", digestMultiset());
    return m;
  }
}
