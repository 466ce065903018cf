package io.beambert.io;

import io.beambert.schemas.RunCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Building and summing {@link RunCounts}, the figures of {@code _metadata.json}. Every count is a
 * field of the Avro schema, and this class reads the fields from the schema, so a new count needs
 * no change here.
 */
public final class Counts {
  private static final String SHARDS = "shard_instances";

  private Counts() {}

  /** All zeros, no shards. */
  public static RunCounts zero() {
    RunCounts c = new RunCounts();
    for (Schema.Field f : RunCounts.getClassSchema().getFields()) {
      c.put(f.pos(), f.name().equals(SHARDS) ? new ArrayList<Long>() : (Object) 0L);
    }
    return c;
  }

  /** Field-wise sum; shard counts by index. */
  public static RunCounts sum(RunCounts a, RunCounts b) {
    RunCounts c = new RunCounts();
    for (Schema.Field f : RunCounts.getClassSchema().getFields()) {
      if (f.name().equals(SHARDS)) {
        List<Long> x = a.getShardInstances();
        List<Long> y = b.getShardInstances();
        List<Long> shards = new ArrayList<>();
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
          shards.add((i < x.size() ? x.get(i) : 0) + (i < y.size() ? y.get(i) : 0));
        }
        c.put(f.pos(), shards);
      } else {
        c.put(f.pos(), (Long) a.get(f.pos()) + (Long) b.get(f.pos()));
      }
    }
    return c;
  }

  /** The counts by their schema names, in schema order, with {@code shards}: the number of shards. */
  public static Map<String, Long> byName(RunCounts counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Schema.Field f : RunCounts.getClassSchema().getFields()) {
      if (!f.name().equals(SHARDS)) {
        out.put(f.name(), (Long) counts.get(f.pos()));
      }
    }
    out.put("shards", (long) counts.getShardInstances().size());
    return out;
  }

  /** The instances per shard as an array. */
  public static long[] perShard(RunCounts counts) {
    long[] out = new long[counts.getShardInstances().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = counts.getShardInstances().get(i);
    }
    return out;
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
