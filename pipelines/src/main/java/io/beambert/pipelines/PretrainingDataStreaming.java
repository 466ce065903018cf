package io.beambert.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.beambert.io.OutputDirectory;
import io.beambert.io.OutputLock;
import io.beambert.io.WindowFolders;
import io.beambert.pipelines.PretrainingDataPipeline.Options;
import io.beambert.pipelines.PretrainingDataPipeline.Plan;
import io.beambert.text.Utf8Lines;
import io.beambert.transforms.PretrainingDataStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.Watch;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;

/**
 * {@code beambert pretraining-data --streaming}: reads a live feed of documents and writes one
 * folder of shards per window pane ({@link PretrainingDataStream}, {@link WindowFolders}) until it
 * is stopped.
 *
 * <p>{@code --input} is either {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC} (one message = one
 * document, sentences on separate lines; the consumer group {@code --kafkaGroup} starts at the
 * topic's earliest offset and resumes from its committed offsets) or a file pattern that is
 * watched for new files every {@code --pollSeconds} (each new file is read whole, in the corpus
 * format). A document's time is its arrival (Kafka: when it is read; files: when it is found).
 *
 * <pre>{@code
 * beambert pretraining-data --streaming --input=kafka://127.0.0.1:9092/abstracts \
 *     --vocab=vocab.txt --output=out/stream --windowSeconds=60
 * beambert pretraining-data --streaming --input='incoming/*.txt' --vocab=vocab.txt --output=out/stream
 * }</pre>
 */
final class PretrainingDataStreaming {
  static final String KAFKA = "kafka://";

  private PretrainingDataStreaming() {}

  static boolean isStreaming(Options options) {
    return options.as(StreamingOptions.class).isStreaming();
  }

  /** Checks the streaming options, then runs until the job ends or this client is stopped. */
  static PipelineResult run(Options options, Plan plan) throws IOException {
    check(options);
    Path out = Paths.get(options.getOutput());
    OutputDirectory.checkWritable("output", options.getOutput());
    Files.createDirectories(out);
    PipelineResult result;
    try (OutputLock lock = OutputLock.acquire(options.getOutput(), System.err::println)) {
      WindowFolders.removeTemporary(out); // a stopped run's panes in progress
      Pipeline pipeline = Pipeline.create(options);
      buildPipeline(pipeline, options, plan);
      System.err.println(
          String.format(
              Locale.ROOT,
              "pretraining-data: streaming %s into %s: windows of %d s, an early pane per %,d"
                  + " documents; each pane is committed as a folder listed in %s; stop with Ctrl-C",
              options.getInput(), out, options.getWindowSeconds(), windowDocuments(options),
              WindowFolders.MANIFEST));
      Optional<FlinkClusterJob> remote = FlinkClusterJob.of(options);
      AtomicReference<PipelineResult> finished = new AtomicReference<>();
      PretrainingDataPipeline.Cleanup removeTemporary = () -> WindowFolders.removeTemporary(out);
      Thread stop =
          PretrainingDataPipeline.stopHook(
              options, remote, finished, lock, removeTemporary,
              "the committed windows stay in " + out + " (" + WindowFolders.MANIFEST + ")");
      result =
          PretrainingDataPipeline.runToEnd(
              pipeline,
              ProgressReporter.of(
                  () -> committed(out, "documents_used"), () -> committed(out, "instances")),
              java.time.Duration.ofSeconds(10),
              finished,
              stop,
              removeTemporary);
    }
    System.err.println(summary(out));
    return result;
  }

  /**
   * A total of the committed windows, from the manifest: the progress of a stream on any runner
   * (a cluster reports a streaming job's Beam counters only when it ends).
   */
  static long committed(Path out, String field) {
    try {
      return WindowFolders.readManifest(out).path(field).asLong();
    } catch (IOException e) {
      return 0; // unreadable right now: the next line reads it
    }
  }

  /** One line from the manifest: committed windows, documents and instances. */
  static String summary(Path out) throws IOException {
    JsonNode m = WindowFolders.readManifest(out);
    if (m.isMissingNode()) {
      return "pretraining-data: the stream ended with no committed window in " + out;
    }
    return String.format(
        Locale.ROOT,
        "pretraining-data: %d window pane%s committed in %s (%,d documents, %,d instances; see %s)",
        m.path("windows").size(), m.path("windows").size() == 1 ? "" : "s", out,
        m.path("documents_used").asLong(), m.path("instances").asLong(), WindowFolders.MANIFEST);
  }

  static void check(Options o) {
    if (!PretrainingDataPipeline.mode(o).equals(PretrainingDataPipeline.DISTRIBUTED)) {
      throw new IllegalArgumentException(
          "--streaming works in distributed mode only: reference mode draws from the whole corpus,"
              + " which a stream never has");
    }
    if (o.getWindowSeconds() < 1) {
      throw new IllegalArgumentException(
          "--windowSeconds must be at least 1, got " + o.getWindowSeconds());
    }
    if (o.getWindowDocuments() < 0) {
      throw new IllegalArgumentException(
          "--windowDocuments must be at least 0 (0: --nspPoolSize), got " + o.getWindowDocuments());
    }
    if (o.getAllowedLatenessSeconds() < 0) {
      throw new IllegalArgumentException(
          "--allowedLatenessSeconds must be at least 0, got " + o.getAllowedLatenessSeconds());
    }
    if (o.getPollSeconds() < 1) {
      throw new IllegalArgumentException(
          "--pollSeconds must be at least 1, got " + o.getPollSeconds());
    }
    if (o.getStopAfterIdleSeconds() < 0) {
      throw new IllegalArgumentException(
          "--stopAfterIdleSeconds must be at least 0 (0: never), got "
              + o.getStopAfterIdleSeconds());
    }
    if (!o.getInput().startsWith(KAFKA) && BeamArgs.isFlink(o.getRunner().getName())) {
      // Tried on a Flink 1.19 cluster: Beam's file watch holds the watermark until the watch
      // ends, so no window would be committed while the folder is watched.
      throw new IllegalArgumentException(
          "--input=" + o.getInput() + ": a watched folder is read on the DirectRunner only; on the"
              + " FlinkRunner the file watch holds every window until the watch ends. Send the"
              + " documents to a Kafka topic (--input=kafka://HOST:PORT/TOPIC) instead");
    }
    if (o.getNumShards() != 0) {
      throw new IllegalArgumentException(
          "--numShards does not apply with --streaming: each window pane is one pool and one shard");
    }
    String output = o.getOutput();
    if (output.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      throw new IllegalArgumentException(
          "--output=" + output + ": with --streaming the output must be a path to a local or"
              + " mounted folder, not a URI (each window's folder is committed by renaming it)");
    }
    if (o.getInput().startsWith(KAFKA)) {
      kafka(o.getInput()); // validates
    }
  }

  static int windowDocuments(Options o) {
    return o.getWindowDocuments() == 0 ? o.getNspPoolSize() : o.getWindowDocuments();
  }

  static void buildPipeline(Pipeline pipeline, Options options, Plan plan) {
    texts(pipeline, options)
        .apply(
            "PretrainingDataStream",
            PretrainingDataStream.of(plan.vocab, plan.instanceOptions)
                .withWindow(Duration.standardSeconds(options.getWindowSeconds()))
                .withWindowDocuments(windowDocuments(options))
                .withAllowedLateness(Duration.standardSeconds(options.getAllowedLatenessSeconds()))
                .to(PretrainingDataPipeline.shardOutput(options, plan)));
  }

  /** The live feed: a Kafka topic's messages, or the texts of new files. */
  static PCollection<String> texts(Pipeline pipeline, Options options) {
    String input = options.getInput();
    if (input.startsWith(KAFKA)) {
      String[] serversAndTopic = kafka(input);
      return pipeline
          .apply(
              "ReadKafka",
              KafkaIO.<byte[], String>read()
                  .withBootstrapServers(serversAndTopic[0])
                  .withTopic(serversAndTopic[1])
                  .withKeyDeserializer(ByteArrayDeserializer.class)
                  .withValueDeserializer(StringDeserializer.class)
                  .withConsumerConfigUpdates(
                      Map.of("auto.offset.reset", "earliest", "group.id", options.getKafkaGroup()))
                  .commitOffsetsInFinalize()
                  .withoutMetadata())
          .apply("Messages", Values.create());
    }
    Watch.Growth.TerminationCondition<String, ?> until =
        options.getStopAfterIdleSeconds() > 0
            ? Watch.Growth.afterTimeSinceNewOutput(
                Duration.standardSeconds(options.getStopAfterIdleSeconds()))
            : Watch.Growth.never();
    return pipeline
        .apply(
            "WatchFiles",
            FileIO.match()
                .filepattern(input)
                .continuously(Duration.standardSeconds(options.getPollSeconds()), until))
        .apply("OpenFiles", FileIO.readMatches().withCompression(Compression.AUTO))
        .apply("ReadFiles", ParDo.of(new ReadWholeFileFn()));
  }

  /** {@code kafka://SERVERS/TOPIC} as {servers, topic}. */
  static String[] kafka(String input) {
    String rest = input.substring(KAFKA.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(
          "--input=" + input + ": a Kafka input is kafka://HOST:PORT[,HOST:PORT...]/TOPIC");
    }
    return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
  }

  /** A new file's text (invalid UTF-8 dropped, as the batch reader does). */
  static final class ReadWholeFileFn extends DoFn<FileIO.ReadableFile, String> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<String> out)
        throws IOException {
      StringBuilder text = new StringBuilder();
      try (InputStream in = Channels.newInputStream(file.open());
          Utf8Lines lines = new Utf8Lines(in)) {
        for (String line; (line = lines.next()) != null; ) {
          text.append(line).append('\n');
        }
      }
      out.output(text.toString());
    }
  }
}
