package io.beambert.transforms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.instances.distributed.PoolData;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.io.CommitOutput;
import io.beambert.io.InstanceShardWriter;
import io.beambert.io.ShardNames;
import io.beambert.io.ShardOutput;
import io.beambert.schemas.RunCounts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes each pool's shard, then commits the run ({@link CommitOutput}): the last step of the
 * pretraining-data pipeline.
 *
 * <p>Input: {@link Pools} whose chain ends with {@link Mask}. Per pool, on one worker: reads the
 * documents' texts again from their sources, runs the chain of steps ({@link PoolData#apply}), and
 * streams the instances, in the pool's shuffled order, into the pool's shard under a temporary name
 * ({@code part-SSSSS-of-NNNNN.avro}, shard = pool); documents the steps failed go to {@code
 * _dead_letter/part-SSSSS-of-NNNNN.jsonl} (one JSON object per line: id, step, reason, text). Once
 * every pool is written, the commit writes empty shards for pools without documents, renames the
 * shards and writes {@code _metadata.json} last. Output: the run's counts, one element.
 *
 * <p>Memory: a worker holds one pool at a time (its texts, token ids, pairs and encoded instances).
 * Metrics (namespace {@value PretrainingData#METRICS}): counters {@code documents_used}, {@code
 * documents_empty}, {@code documents_dead_lettered}, {@code instances}.
 *
 * <pre>{@code
 * PCollection<RunCounts> counts = instances.apply(WriteShards.to(ShardOutput.to("out/shards")));
 * }</pre>
 */
public final class WriteShards extends PTransform<Pools, PCollection<RunCounts>> {
  private final ShardOutput output;

  private WriteShards(ShardOutput output) {
    this.output = output;
  }

  /** Writes into {@code output}. */
  public static WriteShards to(ShardOutput output) {
    if (output == null) {
      throw new IllegalArgumentException("output must not be null");
    }
    return new WriteShards(output);
  }

  @Override
  public PCollection<RunCounts> expand(Pools pools) {
    if (pools.stage() != PoolData.Stage.MASKED) {
      throw new IllegalArgumentException(
          "WriteShards needs instances (apply Mask first) but the pools hold " + pools.stage()
              + pools.describeSteps());
    }
    return pools
        .pools()
        .apply("RunStepsAndWritePools", ParDo.of(new WritePoolFn(pools.steps(), output)))
        .setCoder(AvroCoder.of(RunCounts.class))
        .apply("Commit", CommitOutput.to(output));
  }

  /** Runs the steps on one pool and writes its shard and dead letters. */
  static final class WritePoolFn extends DoFn<Pool, RunCounts> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<PoolStep> steps;
    private final ShardOutput output;
    private final Counter used = Metrics.counter(PretrainingData.METRICS, "documents_used");
    private final Counter empty = Metrics.counter(PretrainingData.METRICS, "documents_empty");
    private final Counter dead = Metrics.counter(PretrainingData.METRICS, "documents_dead_lettered");
    private final Counter instances = Metrics.counter(PretrainingData.METRICS, "instances");

    WritePoolFn(List<PoolStep> steps, ShardOutput output) {
      this.steps = new ArrayList<>(steps);
      this.output = output;
    }

    @ProcessElement
    public void process(@Element Pool pool, OutputReceiver<RunCounts> out) throws IOException {
      out.output(write(pool, output));
    }

    /**
     * Runs the steps on {@code pool} and writes its shard (temporary name) and dead letters into
     * {@code output}; returns the pool's counts.
     */
    RunCounts write(Pool pool, ShardOutput output) throws IOException {
      List<String> ids = new ArrayList<>(pool.documents().size());
      List<DocumentSource> sources = new ArrayList<>(pool.documents().size());
      long invalidBytes = 0;
      for (KV<String, DocumentSource> d : pool.documents()) {
        ids.add(d.getKey());
        sources.add(d.getValue());
        invalidBytes += d.getValue().invalidBytes();
      }
      PoolData data = new PoolData(pool.index(), pool.count(), ids, DocumentSource.readAll(sources));
      sources = null;
      for (PoolStep step : steps) {
        data.apply(step);
      }
      ProgressCounters.addDocuments(ids.size());
      long[] written = {0};
      try (InstanceShardWriter writer = output.openShard(pool.index(), pool.count())) {
        data.writeInstances(
            (buffer, offset, length) -> {
              try {
                writer.writeEncoded(buffer, offset, length);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              if ((++written[0] & 4095) == 0) {
                ProgressCounters.addInstances(4096);
              }
            });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      ProgressCounters.addInstances(written[0] & 4095);
      if (!data.deadLetters().isEmpty()) {
        writeDeadLetters(output, pool.index(), pool.count(), data.deadLetters());
      }
      RunCounts counts = data.counts();
      counts.setInvalidUtf8Bytes(invalidBytes);
      used.inc(counts.getDocumentsUsed());
      empty.inc(counts.getDocumentsEmpty());
      dead.inc(counts.getDocumentsDeadLettered());
      instances.inc(counts.getInstances());
      return counts;
    }

    private static void writeDeadLetters(
        ShardOutput output, int pool, int pools, List<PoolData.DeadLetter> letters)
        throws IOException {
      ResourceId folder =
          FileSystems.matchNewResource(output.outputDir(), true)
              .resolve(ShardNames.DEAD_LETTER_DIR, StandardResolveOptions.RESOLVE_DIRECTORY);
      String name = ShardNames.deadLetters(pool, pools);
      ResourceId temp =
          folder.resolve("." + name + ".inprogress", StandardResolveOptions.RESOLVE_FILE);
      ResourceId target = folder.resolve(name, StandardResolveOptions.RESOLVE_FILE);
      try (OutputStream os =
          Channels.newOutputStream(FileSystems.create(temp, "application/json"))) {
        for (PoolData.DeadLetter letter : letters) {
          ObjectNode n = JSON.createObjectNode();
          n.put("id", letter.id());
          n.put("step", letter.step());
          n.put("reason", letter.reason());
          n.put("text", letter.text());
          os.write(JSON.writeValueAsBytes(n));
          os.write('\n');
        }
      }
      FileSystems.rename(
          List.of(temp), List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
    }
  }
}
