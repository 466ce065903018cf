package io.beambert.io;

import io.beambert.schemas.RunCounts;
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
