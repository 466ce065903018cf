package io.beambert.io;

import io.beambert.schemas.PretrainingInstance;
import io.beambert.schemas.RunCounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Writes pretraining instances of a distributed run into {@code numShards} Avro shards whose
 * content and bytes do not depend on bundling, worker count or runner.
 *
 * <p>Input: {@code PCollection<PretrainingInstance>}. Output: a {@code PCollection<RunCounts>}
 * with exactly one element (instances, tokens, masked positions, random nexts and the instances
 * of each shard), after the shards were written under temporary names; {@link
 * OutputDirectory#commit(String, int, String)} adds empty shards for indexes that received nothing
 * and renames them.
 *
 * <p>Each instance is encoded once (Avro binary) and placed by a digest of the run key and its
 * bytes: the digest picks the shard and orders the shard, so shards are a pseudo-random shuffle
 * of the instances, the same on every run. One worker writes one shard and holds that shard's
 * encoded records (about 600 bytes per instance with the defaults) while it sorts them; choose
 * {@code numShards} so a shard fits in a worker's memory.
 *
 * <pre>{@code
 * instances.apply(WriteShards.to("out/").withNumShards(64).withRunKey(key));
 * }</pre>
 */
public final class WriteShards
    extends PTransform<PCollection<PretrainingInstance>, PCollection<RunCounts>> {

  private final String outputDir;
  private final int numShards;
  private final String runKey;

  private WriteShards(String outputDir, int numShards, String runKey) {
    this.outputDir = outputDir;
    this.numShards = numShards;
    this.runKey = runKey;
  }

  /** Writes into {@code outputDir}, one shard, empty run key. */
  public static WriteShards to(String outputDir) {
    if (outputDir == null || outputDir.isEmpty()) {
      throw new IllegalArgumentException("outputDir must be a directory, got '" + outputDir + "'");
    }
    return new WriteShards(outputDir, 1, "");
  }

  /** Number of shards, at least 1; default 1. */
  public WriteShards withNumShards(int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("numShards must be at least 1, got " + numShards);
    }
    return new WriteShards(outputDir, numShards, runKey);
  }

  /** Text identifying the content (options, vocabulary digest): seeds placement and sync markers. */
  public WriteShards withRunKey(String runKey) {
    return new WriteShards(outputDir, numShards, runKey);
  }

  @Override
  public PCollection<RunCounts> expand(PCollection<PretrainingInstance> instances) {
    PCollection<RunCounts> perInstance =
        instances
            .apply("CountInstances", MapElements.into(TypeDescriptor.of(RunCounts.class)).via(Counts::ofInstance))
            .setCoder(AvroCoder.of(RunCounts.class));
    PCollection<RunCounts> perShard =
        instances
            .apply("EncodeAndPlace", ParDo.of(new PlaceFn(numShards, runKey)))
            .setCoder(
                KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), ByteArrayCoder.of())))
            .apply("GroupShards", GroupByKey.create())
            .apply("WriteShard", ParDo.of(new WriteShardFn(outputDir, numShards, runKey)))
            .setCoder(AvroCoder.of(RunCounts.class));
    return PCollectionList.of(perInstance)
        .and(perShard)
        .apply("AllCounts", Flatten.pCollections())
        .apply("Total", Combine.globally(new Counts.SumFn()))
        .setCoder(AvroCoder.of(RunCounts.class));
  }

  /** 64 bits of SHA-256 over run key and record bytes. */
  static long placement(String runKey, byte[] record) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(runKey.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(record);
      byte[] d = sha.digest();
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xff);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Encodes an instance and keys it by shard, with its placement for ordering. */
  static final class PlaceFn extends DoFn<PretrainingInstance, KV<Integer, KV<Long, byte[]>>> {
    private final int numShards;
    private final String runKey;

    PlaceFn(int numShards, String runKey) {
      this.numShards = numShards;
      this.runKey = runKey;
    }

    @ProcessElement
    public void process(
        @Element PretrainingInstance instance, OutputReceiver<KV<Integer, KV<Long, byte[]>>> out) {
      byte[] record = InstanceShardWriter.encode(instance);
      long place = placement(runKey, record);
      out.output(KV.of((int) Long.remainderUnsigned(place, numShards), KV.of(place, record)));
    }
  }

  /** Sorts one shard's records by placement (bytes break ties) and writes them. */
  static final class WriteShardFn extends DoFn<KV<Integer, Iterable<KV<Long, byte[]>>>, RunCounts> {
    private final String outputDir;
    private final int numShards;
    private final String runKey;

    WriteShardFn(String outputDir, int numShards, String runKey) {
      this.outputDir = outputDir;
      this.numShards = numShards;
      this.runKey = runKey;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<Long, byte[]>>> shard, OutputReceiver<RunCounts> out)
        throws IOException {
      List<KV<Long, byte[]>> records = new ArrayList<>();
      shard.getValue().forEach(records::add);
      records.sort(
          (a, b) -> {
            int c = Long.compareUnsigned(a.getKey(), b.getKey());
            return c != 0 ? c : Arrays.compareUnsigned(a.getValue(), b.getValue());
          });
      int index = shard.getKey();
      try (InstanceShardWriter writer =
          InstanceShardWriter.openShard(outputDir, index, numShards, runKey)) {
        for (KV<Long, byte[]> r : records) {
          writer.writeEncoded(r.getValue());
        }
      }
      List<Long> perShard = new ArrayList<>(numShards);
      for (int i = 0; i < numShards; i++) {
        perShard.add(i == index ? (long) records.size() : 0L);
      }
      RunCounts c = Counts.zero();
      c.setShardInstances(perShard);
      out.output(c);
    }
  }
}
