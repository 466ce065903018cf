package io.beambert.instances.distributed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.TrainingInstance;
import io.beambert.testing.Shared;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The distributed mode's instances have the reference's statistics.
 *
 * <p>Both sides are sampled (many seeds on the small golden corpora, one run on a corpus of 5,000
 * documents) and each statistic must agree within {@value #Z} standard errors of the difference of
 * two independent sample means (binomial for fractions). Instances of one document and pass share
 * draws, so the true spread is somewhat wider: reference-vs-distributed runs with other seeds on
 * the 5,000 documents gave |z| up to 2.7, hence the margin of 4.5. The standard errors
 * are small enough to catch real bugs: on the large corpus a random-next fraction of 0.50 instead
 * of ~0.54 (C2 drawn for one-sentence chunks), a 0.14 instead of 0.15 masking rate, or an
 * 80/10/10 split off by one point is many standard errors away.
 */
class DistributedStatisticsTest {
  static final double Z = 4.5;

  /** Sums over instances of the statistics compared. */
  static final class Tally {
    long n;
    long randomNext;
    double len;
    double len2;
    long full;
    double masked;
    double masked2;
    long mask;
    long kept;
    long random;

    void add(TrainingInstance i, int maxSeqLength, int maskId) {
      n++;
      randomNext += i.isRandomNext() ? 1 : 0;
      len += i.length();
      len2 += (double) i.length() * i.length();
      full += i.length() == maxSeqLength ? 1 : 0;
      masked += i.maskedCount();
      masked2 += (double) i.maskedCount() * i.maskedCount();
      int[] pos = i.maskedPositions();
      int[] labels = i.maskedLabels();
      for (int k = 0; k < pos.length; k++) {
        int got = i.tokenAt(pos[k]);
        if (got == maskId) {
          mask++;
        } else if (got == labels[k]) {
          kept++;
        } else {
          random++;
        }
      }
    }

    long positions() {
      return mask + kept + random;
    }
  }

  static void checkProportion(String what, long a, long na, long b, long nb, List<String> report) {
    double pa = (double) a / na;
    double pb = (double) b / nb;
    double p = (double) (a + b) / (na + nb);
    double se = Math.sqrt(p * (1 - p) * (1.0 / na + 1.0 / nb));
    check(what, pa, pb, se, report);
  }

  static void checkMean(
      String what, double sa, double sa2, long na, double sb, double sb2, long nb, List<String> report) {
    double ma = sa / na;
    double mb = sb / nb;
    double va = Math.max(0, sa2 / na - ma * ma);
    double vb = Math.max(0, sb2 / nb - mb * mb);
    check(what, ma, mb, Math.sqrt(va / na + vb / nb), report);
  }

  static void check(String what, double ref, double dist, double se, List<String> report) {
    double z = se == 0 ? (ref == dist ? 0 : Double.POSITIVE_INFINITY) : Math.abs(ref - dist) / se;
    report.add(
        String.format(
            Locale.ROOT, "%s: reference %.5f distributed %.5f (|diff| %.5f, tolerance %.5f, z %.2f)%s",
            what, ref, dist, Math.abs(ref - dist), Z * se, z, z > Z ? "  <-- OUT" : ""));
  }

  static List<String> compare(Tally r, Tally d, String label) {
    List<String> report = new ArrayList<>();
    checkProportion("random-next fraction", r.randomNext, r.n, d.randomNext, d.n, report);
    checkMean("mean real tokens", r.len, r.len2, r.n, d.len, d.len2, d.n, report);
    checkProportion("fraction at full length", r.full, r.n, d.full, d.n, report);
    checkMean("mean masked positions", r.masked, r.masked2, r.n, d.masked, d.masked2, d.n, report);
    checkProportion("[MASK] share", r.mask, r.positions(), d.mask, d.positions(), report);
    checkProportion("kept share", r.kept, r.positions(), d.kept, d.positions(), report);
    checkProportion("random share", r.random, r.positions(), d.random, d.positions(), report);
    String text = label + " (" + r.n + " vs " + d.n + " instances)\n  " + String.join("\n  ", report);
    System.out.println(text);
    return report;
  }

  static boolean allWithin(List<String> report) {
    return report.stream().noneMatch(s -> s.endsWith("<-- OUT"));
  }

  private static void run(
      List<List<String>> raw, InstanceOptions base, boolean lowerCase, int seeds, int poolSize,
      String label) throws IOException {
    List<String> report = sample(raw, base, base, lowerCase, seeds, poolSize, label);
    assertTrue(allWithin(report), String.join("\n", report));
  }

  private static List<String> sample(
      List<List<String>> raw, InstanceOptions base, InstanceOptions distBase, boolean lowerCase,
      int seeds, int poolSize, String label) throws IOException {
    Vocab vocab = TestCorpus.vocab();
    InstanceVocab iv = InstanceVocab.from(vocab);
    BertTokenizer tokenizer = new BertTokenizer(vocab, lowerCase);
    List<PoolStepsTest.Doc> docs = PoolStepsTest.docs(raw, tokenizer);
    List<int[][]> tokens = new ArrayList<>();
    docs.forEach(d -> tokens.add(d.tokens()));
    int pools = Math.max(1, (docs.size() + poolSize - 1) / poolSize);
    int maskId = vocab.idOf("[MASK]");
    Tally ref = new Tally();
    Tally dist = new Tally();
    for (int s = 0; s < seeds; s++) {
      InstanceOptions o = base.toBuilder().randomSeed(base.randomSeed() + 1000L * s).build();
      new ReferenceGenerator(o, iv).generate(tokens, i -> ref.add(i, o.maxSeqLength(), maskId));
      InstanceOptions od =
          distBase.toBuilder().randomSeed(base.randomSeed() + 1000L * s).doLowerCase(lowerCase)
              .build();
      for (TrainingInstance i : PoolStepsTest.distributed(docs, pools, od, vocab)) {
        dist.add(i, o.maxSeqLength(), maskId);
      }
    }
    return compare(ref, dist, label + ", " + docs.size() + " documents in " + pools + " pools, " + seeds + " seeds");
  }

  @Test
  void goldenSampleCorpus() throws IOException {
    List<List<String>> raw = TestCorpus.documents(Shared.path("golden/sample_text.txt"));
    run(raw, InstanceOptions.builder().dupeFactor(5).build(), true, 60, 1000, "sample_text default");
    run(raw, InstanceOptions.builder().dupeFactor(2).doWholeWordMask(true).build(), true, 60, 1000,
        "sample_text wwm");
    run(raw,
        InstanceOptions.builder().maxSeqLength(32).maxPredictionsPerSeq(5).shortSeqProb(0.3)
            .dupeFactor(3).randomSeed(7).build(),
        true, 40, 1000, "sample_text short");
  }

  @Test
  void goldenEdgeCorpus() throws IOException {
    List<List<String>> raw = TestCorpus.documents(Shared.path("golden/edge_corpus.txt"));
    run(raw, InstanceOptions.builder().dupeFactor(2).build(), true, 60, 1000, "edge default");
    run(raw,
        InstanceOptions.builder().dupeFactor(1).maxSeqLength(64).maxPredictionsPerSeq(10).build(),
        false, 60, 1000, "edge cased");
    run(raw,
        InstanceOptions.builder().dupeFactor(2).doWholeWordMask(true).maxSeqLength(96)
            .shortSeqProb(0.5).build(),
        true, 60, 1000, "edge wwm");
  }

  /** A modest deviation (masking rate 0.14 instead of 0.15, on 1,000 documents) is flagged. */
  @Test
  void toleranceCatchesAModestDeviation() throws IOException {
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).build();
    List<String> report =
        sample(TestCorpus.recombined(1000, 23), o, o.toBuilder().maskedLmProb(0.14).build(), true, 1,
            1000, "deliberately wrong masking rate");
    assertTrue(!allWithin(report), String.join("\n", report));
  }

  @Test
  void largeCorpusInSeveralPools() throws IOException {
    run(TestCorpus.recombined(5000, 17), InstanceOptions.builder().dupeFactor(2).build(), true, 1,
        250, "recombined 5,000 documents");
  }
}
