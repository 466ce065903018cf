package io.beambert.transforms;

import io.beambert.instances.distributed.PoolData;
import io.beambert.io.ShardOutput;
import io.beambert.io.WindowFolders;
import io.beambert.schemas.RunCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * The streaming counterpart of {@link WriteShards}: writes each window pane's pool to a folder of
 * its own and keeps the output's manifest ({@link WindowFolders}).
 *
 * <p>Input: windowed {@link Pools} whose chain ends with {@link Mask}, one pool per pane. Per pane,
 * on one worker: runs the chain, writes the shard into a temporary folder, writes {@code
 * _metadata.json} with the window, and renames the folder into place. The step requires stable
 * input, so a runner that retries it (a Flink job restored from a checkpoint) hands it the same pane
 * again, and the retry finds the same bytes committed. Then one worker at a time rewrites {@code
 * _manifest.json}. Output: the names of the committed folders.
 *
 * <pre>{@code
 * PCollection<String> folders = pools.apply(WriteWindows.to(ShardOutput.to("/data/stream")));
 * }</pre>
 */
public final class WriteWindows extends PTransform<Pools, PCollection<String>> {
  private final ShardOutput output;

  private WriteWindows(ShardOutput output) {
    this.output = output;
  }

  /** Writes the panes' folders into {@code output} (a local or mounted folder). */
  public static WriteWindows to(ShardOutput output) {
    if (output == null) {
      throw new IllegalArgumentException("output must not be null");
    }
    return new WriteWindows(output);
  }

  @Override
  public PCollection<String> expand(Pools pools) {
    if (pools.stage() != PoolData.Stage.MASKED) {
      throw new IllegalArgumentException(
          "WriteWindows needs instances (apply Mask first) but the pools hold " + pools.stage()
              + pools.describeSteps());
    }
    return pools
        .pools()
        .apply(
            "RunStepsAndWritePanes",
            ParDo.of(new WritePaneFn(new WriteShards.WritePoolFn(pools.steps(), output), output)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply(
            "EveryCommit",
            Window.<KV<String, String>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes())
        .apply("UpdateManifest", ParDo.of(new ManifestFn(output.outputDir())))
        .setCoder(StringUtf8Coder.of());
  }

  /** Writes and commits one pane's folder; outputs ("manifest", folder name). */
  static final class WritePaneFn extends DoFn<Pool, KV<String, String>> {
    private final WriteShards.WritePoolFn writer;
    private final ShardOutput output;

    WritePaneFn(WriteShards.WritePoolFn writer, ShardOutput output) {
      this.writer = writer;
      this.output = output;
    }

    @RequiresStableInput
    @ProcessElement
    public void process(
        @Element Pool pool, BoundedWindow window, PaneInfo pane,
        OutputReceiver<KV<String, String>> out)
        throws IOException {
      Instant start = null;
      Instant end = null;
      if (window instanceof IntervalWindow w) {
        start = Instant.ofEpochMilli(w.start().getMillis());
        end = Instant.ofEpochMilli(w.end().getMillis());
      }
      String name = WindowFolders.name(start, end, pane.getIndex());
      Path root = Paths.get(output.outputDir());
      Path temp = WindowFolders.temporary(root, name);
      WindowFolders.deleteRecursively(temp); // a failed attempt's
      Files.createDirectories(temp);
      ShardOutput folder = output.in(temp.toString());
      RunCounts counts = writer.write(pool, folder);
      WindowFolders.commit(
          folder, counts, root.resolve(name), start, end, pane.getIndex(), pane.getTiming().name());
      out.output(KV.of("manifest", name));
    }
  }

  /** Rewrites the manifest after each commit; one key, so one call at a time. */
  static final class ManifestFn extends DoFn<KV<String, String>, String> {
    private final String outputDir;

    @StateId("commits")
    private final StateSpec<ValueState<Long>> commitsSpec = StateSpecs.value(VarLongCoder.of());

    ManifestFn(String outputDir) {
      this.outputDir = outputDir;
    }

    @ProcessElement
    public void process(
        @Element KV<String, String> commit,
        @StateId("commits") ValueState<Long> commits,
        OutputReceiver<String> out)
        throws IOException {
      WindowFolders.writeManifest(Paths.get(outputDir));
      Long n = commits.read();
      commits.write(n == null ? 1 : n + 1);
      out.output(commit.getValue());
    }
  }
}
