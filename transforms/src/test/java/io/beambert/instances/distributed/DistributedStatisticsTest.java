package io.beambert.instances.distributed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.instances.InstanceEncoder;
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

  static List<String> compare(InstanceStats r, InstanceStats d, String label) {
    List<String> report = d.compareWith(r, Z);
    String text =
        label + " (" + r.instances() + " vs " + d.instances() + " instances)\n  "
            + String.join("\n  ", report);
    System.out.println(text);
    return report;
  }

  static boolean allWithin(List<String> report) {
    return InstanceStats.allWithin(report);
  }

  static void add(InstanceStats stats, TrainingInstance instance, InstanceOptions o) {
    stats.add(InstanceEncoder.toAvro(instance, o.maxSeqLength(), o.maxPredictionsPerSeq()));
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
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < vocab.size(); i++) {
      lines.add(vocab.tokenAt(i));
    }
    InstanceStats ref = new InstanceStats(lines);
    InstanceStats dist = new InstanceStats(lines);
    for (int s = 0; s < seeds; s++) {
      InstanceOptions o = base.toBuilder().randomSeed(base.randomSeed() + 1000L * s).build();
      new ReferenceGenerator(o, iv).generate(tokens, i -> add(ref, i, o));
      InstanceOptions od =
          distBase.toBuilder().randomSeed(base.randomSeed() + 1000L * s).doLowerCase(lowerCase)
              .build();
      for (TrainingInstance i : PoolStepsTest.distributed(docs, pools, od, vocab)) {
        add(dist, i, o);
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
