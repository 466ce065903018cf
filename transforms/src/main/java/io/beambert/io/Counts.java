package io.beambert.io;

import io.beambert.schemas.PretrainingInstance;
import io.beambert.schemas.RunCounts;
import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Combine;

/** Building and summing {@link RunCounts}, the figures of {@code _metadata.json}. */
public final class Counts {
  private Counts() {}

  /** All zeros, no shards. */
  public static RunCounts zero() {
    return RunCounts.newBuilder()
        .setDocuments(0L)
        .setSentences(0L)
        .setTokens(0L)
        .setInstances(0L)
        .setInstanceTokens(0L)
        .setMaskedPositions(0L)
        .setRandomNext(0L)
        .setShardInstances(new ArrayList<>())
        .build();
  }

  /** The counts of one document: 1 document when it has a token, its non-empty sentences and tokens. */
  public static RunCounts ofDocument(TokenizedDocument doc) {
    long sentences = 0;
    long tokens = 0;
    for (List<Integer> s : doc.getSentences()) {
      if (!s.isEmpty()) {
        sentences++;
        tokens += s.size();
      }
    }
    RunCounts c = zero();
    c.setDocuments(tokens > 0 ? 1L : 0L);
    c.setSentences(sentences);
    c.setTokens(tokens);
    return c;
  }

  /** The counts of one written instance (shard counts are added by the writer). */
  public static RunCounts ofInstance(PretrainingInstance instance) {
    long real = 0;
    for (int m : instance.getInputMask()) {
      real += m;
    }
    long masked = 0;
    for (float w : instance.getMaskedLmWeights()) {
      masked += w > 0 ? 1 : 0;
    }
    RunCounts c = zero();
    c.setInstances(1L);
    c.setInstanceTokens(real);
    c.setMaskedPositions(masked);
    c.setRandomNext((long) instance.getNextSentenceLabels());
    return c;
  }

  /** Element-wise sum; shard counts by index. */
  public static RunCounts sum(RunCounts a, RunCounts b) {
    List<Long> shards = new ArrayList<>();
    int n = Math.max(a.getShardInstances().size(), b.getShardInstances().size());
    for (int i = 0; i < n; i++) {
      long x = i < a.getShardInstances().size() ? a.getShardInstances().get(i) : 0;
      long y = i < b.getShardInstances().size() ? b.getShardInstances().get(i) : 0;
      shards.add(x + y);
    }
    return RunCounts.newBuilder()
        .setDocuments(a.getDocuments() + b.getDocuments())
        .setSentences(a.getSentences() + b.getSentences())
        .setTokens(a.getTokens() + b.getTokens())
        .setInstances(a.getInstances() + b.getInstances())
        .setInstanceTokens(a.getInstanceTokens() + b.getInstanceTokens())
        .setMaskedPositions(a.getMaskedPositions() + b.getMaskedPositions())
        .setRandomNext(a.getRandomNext() + b.getRandomNext())
        .setShardInstances(shards)
        .build();
  }

  /** Sums counts; the empty input gives {@link #zero()}, so a global sum always has one element. */
  public static final class SumFn extends Combine.BinaryCombineFn<RunCounts> {
    @Override
    public RunCounts apply(RunCounts a, RunCounts b) {
      return sum(a, b);
    }

    @Override
    public RunCounts identity() {
      return zero();
    }
  }
}
