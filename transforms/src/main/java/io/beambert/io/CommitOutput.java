package io.beambert.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.schemas.RunCounts;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * The one commit of a pretraining-data run, in both modes: sums the counts of the shard writers
 * (one {@link RunCounts} per pool or writer, with the instances of its shards), fails the run
 * when no document gave instances (if asked to), writes an empty shard for each shard that received
 * nothing, renames the temporary shards ({@link OutputDirectory#commit}) and writes {@code
 * _metadata.json} last ({@link RunMetadata}), its counts under the schema's names.
 *
 * <p>Output: the run's total counts, one element. Safe to retry (see {@link OutputDirectory}).
 */
public final class CommitOutput extends PTransform<PCollection<RunCounts>, PCollection<RunCounts>> {
  private final ShardOutput output;

  private CommitOutput(ShardOutput output) {
    this.output = output;
  }

  /** Commits into {@code output}'s directory. */
  public static CommitOutput to(ShardOutput output) {
    return new CommitOutput(output);
  }

  @Override
  public PCollection<RunCounts> expand(PCollection<RunCounts> counts) {
    return counts
        .apply("SumCounts", Combine.globally(new Counts.SumFn()))
        .setCoder(AvroCoder.of(RunCounts.class))
        .apply("RenameShardsAndWriteMetadata", ParDo.of(new CommitFn(output)))
        .setCoder(AvroCoder.of(RunCounts.class));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Commits a folder of shards: writes the empty shards of pools without documents, renames the
   * shards, then writes {@code _metadata.json} (options, vocabulary, schema, counts, shards, and
   * what {@code more} adds), the last file of a complete output.
   */
  static void commitFolder(ShardOutput output, RunCounts counts, Consumer<RunMetadata> more)
      throws IOException {
    long[] perShard = Counts.perShard(counts);
    int n = perShard.length;
    OutputDirectory.commit(output.outputDir(), perShard, i -> output.openShard(i, n));
    @SuppressWarnings("unchecked")
    Map<String, Object> options = JSON.readValue(output.optionsJson(), LinkedHashMap.class);
    RunMetadata metadata =
        RunMetadata.withOptions(options)
            .vocabSha256(output.vocabSha256())
            .schema(PretrainingInstance.getClassSchema())
            .counts(Counts.byName(counts))
            .shards(perShard);
    more.accept(metadata);
    OutputDirectory.writeMetadata(output.outputDir(), metadata.toJson());
  }

  /** Renames the shards and writes {@code _metadata.json}. */
  static final class CommitFn extends DoFn<RunCounts, RunCounts> {
    private final ShardOutput output;

    CommitFn(ShardOutput output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element RunCounts summed, OutputReceiver<RunCounts> out)
        throws IOException {
      RunCounts counts = RunCounts.newBuilder(summed).build(); // the input must not change
      if (output.noDocumentsError() != null && counts.getDocumentsUsed() == 0) {
        if (counts.getDocumentsDeadLettered() > 0) {
          throw new IllegalArgumentException(
              "every document that was read (" + counts.getDocumentsRead() + ") went to the dead"
                  + " letters, so there is nothing to write; the reasons are in "
                  + FileSystems.matchNewResource(output.outputDir(), true)
                      .resolve(ShardNames.DEAD_LETTER_DIR, StandardResolveOptions.RESOLVE_DIRECTORY));
        }
        throw new IllegalArgumentException(output.noDocumentsError());
      }
      if (counts.getShardInstances().isEmpty()) {
        // No pool at all (no document read): one empty shard, so the output is still a data set.
        counts.setShardInstances(new java.util.ArrayList<>(java.util.List.of(0L)));
      }
      commitFolder(
          output,
          counts,
          metadata -> {
            if (output.startMillis() >= 0) {
              metadata.wallTimeSeconds(
                  (System.currentTimeMillis() - output.startMillis()) / 1000.0);
            }
          });
      out.output(counts);
    }
  }
}
