package io.beambert.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.io.OutputDirectory;
import io.beambert.io.OutputLock;
import io.beambert.io.ReadCorpus;
import io.beambert.io.RunMetadata;
import io.beambert.io.ShardNames;
import io.beambert.io.WriteReferenceShards;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.Vocab;
import io.beambert.io.ShardOutput;
import io.beambert.transforms.PretrainingData;
import io.beambert.transforms.ProgressCounters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * {@code beambert pretraining-data}: turns a corpus into masked-LM / next-sentence pretraining
 * instances in Avro shards ({@code DIR/part-SSSSS-of-NNNNN.avro}, records {@link
 * PretrainingInstance}) plus {@code DIR/_metadata.json}, written last.
 *
 * <ul>
 *   <li>{@code --mode=distributed} (the default) runs {@link PretrainingData}: reads documents
 *       with their locations, groups the locations once into pools of about {@code --nspPoolSize}
 *       documents, and runs each pool's steps (tokenize, pack, pair, truncate, mask) on its own
 *       worker, writing its instances straight to the pool's shard: the reference's algorithm
 *       with per-document random streams and random-next partners drawn from the document's pool. Memory per worker is bounded by one
 *       pool; documents that cannot be processed go to {@code DIR/_dead_letter/}. Deterministic
 *       for a seed on any runner, not the reference's instances.
 *   <li>{@code --mode=reference} reproduces Google's {@code create_pretraining_data.py} instance
 *       for instance: one worker reads the files in name order and generates on the reference's
 *       single random stream ({@link WriteReferenceShards}, which states the memory bound). With {@code --numShards=1} the shard holds the reference's
 *       instances in the reference's order; with N shards instance k goes to shard k mod N, as the
 *       reference spreads over its output files.
 * </ul>
 *
 * <p>Shards are written under temporary names and renamed when all are complete; a failed run
 * never leaves {@code _metadata.json}. Re-running with the same inputs gives byte-identical shards.
 * While the job runs in this JVM (DirectRunner, embedded Flink) a {@link ProgressReporter} prints
 * a progress line on stderr every few seconds, and a summary line at the end.
 *
 * <pre>{@code
 * beambert pretraining-data --input='corpus/*.txt' --vocab=vocab.txt --output=out/ --dupeFactor=5
 * beambert pretraining-data ... --runner=FlinkRunner --flinkMaster=[local]
 * }</pre>
 */
public final class PretrainingDataPipeline {

  /** Options of {@code beambert pretraining-data}; Beam's own options (--runner ...) apply too. */
  public interface Options extends PipelineOptions {
    @Description("Corpus files (glob): UTF-8 text, one sentence per line, blank line between documents.")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("WordPiece vocabulary file, one token per line (must hold [CLS], [SEP], [MASK], [UNK]).")
    @Validation.Required
    String getVocab();

    void setVocab(String value);

    @Description("Output directory for part-SSSSS-of-NNNNN.avro and _metadata.json; must be empty unless --overwrite.")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("Maximum sequence length of [CLS] A [SEP] B [SEP]; at least 5.")
    @Default.Integer(128)
    int getMaxSeqLength();

    void setMaxSeqLength(int value);

    @Description("Maximum number of masked positions per sequence; at least 1.")
    @Default.Integer(20)
    int getMaxPredictionsPerSeq();

    void setMaxPredictionsPerSeq(int value);

    @Description("Fraction of tokens to mask, in (0, 1].")
    @Default.Double(0.15)
    double getMaskedLmProb();

    void setMaskedLmProb(double value);

    @Description("Number of passes over the documents, each with different masks; at least 1.")
    @Default.Integer(10)
    int getDupeFactor();

    void setDupeFactor(int value);

    @Description("Probability of a shorter random target length for a document's pass, in [0, 1].")
    @Default.Double(0.1)
    double getShortSeqProb();

    void setShortSeqProb(double value);

    @Description("Seed of the random generator (Python's random.Random in reference mode).")
    @Default.Long(12345L)
    long getRandomSeed();

    void setRandomSeed(long value);

    @Description("Lower-case and strip accents before WordPiece (true for uncased vocabularies).")
    @Default.Boolean(true)
    boolean getDoLowerCase();

    void setDoLowerCase(boolean value);

    @Description("Mask whole words (a piece and its following ## pieces) like the reference's flag.")
    @Default.Boolean(false)
    boolean getDoWholeWordMask();

    void setDoWholeWordMask(boolean value);

    @Description("With --doWholeWordMask: one 80/10/10 decision per word instead of per piece (not in the reference).")
    @Default.Boolean(false)
    boolean getPerWordMaskDecision();

    void setPerWordMaskDecision(boolean value);

    @Description("Draw random replacement tokens only from non-special vocabulary entries (not [PAD], [unusedN], ...; not in the reference).")
    @Default.Boolean(false)
    boolean getNonSpecialReplacements();

    void setNonSpecialReplacements(boolean value);

    @Description("Number of output shards; 0 (default): one shard in reference mode, one shard per pool of --nspPoolSize documents in distributed mode. In reference mode instance k goes to shard k mod numShards; in distributed mode N > 0 makes exactly N pools (about documents / N each, overriding --nspPoolSize), one shard each.")
    @Default.Integer(0)
    int getNumShards();

    void setNumShards(int value);

    @Description("Generation mode: 'distributed' (default; per-document random streams, pools of documents generated on all workers) or 'reference' (bit-exact with create_pretraining_data.py; one worker generates).")
    @Default.String("distributed")
    String getMode();

    void setMode(String value);

    @Description("Distributed mode: documents per pool (default " + DEFAULT_NSP_POOL_SIZE + "); a random-next segment B comes from another document of the same pool. Larger pools come closer to the reference's draw from the whole corpus and cost memory per worker (one pool's texts, tokens and instances at a time); at least 1.")
    @Default.Integer(DEFAULT_NSP_POOL_SIZE)
    int getNspPoolSize();

    void setNspPoolSize(int value);

    @Description("Replace the shards, _metadata.json and _dead_letter/ of a non-empty output directory.")
    @Default.Boolean(false)
    boolean getOverwrite();

    void setOverwrite(boolean value);

    @Description("With --streaming: the length of the fixed windows whose documents form a pool, in seconds; at least 1.")
    @Default.Integer(60)
    int getWindowSeconds();

    void setWindowSeconds(int value);

    @Description("With --streaming: write a window's documents early, as a pool of their own, once it holds this many (0: --nspPoolSize).")
    @Default.Integer(0)
    int getWindowDocuments();

    void setWindowDocuments(int value);

    @Description("With --streaming: a document this many seconds behind its window's end still gets a (late) pane; later ones are dropped.")
    @Default.Integer(600)
    int getAllowedLatenessSeconds();

    void setAllowedLatenessSeconds(int value);

    @Description("With --streaming and files: how often to look for new files, in seconds; at least 1.")
    @Default.Integer(5)
    int getPollSeconds();

    void setPollSeconds(int value);

    @Description("With --streaming and files: stop once no new file has come for this many seconds (0: never).")
    @Default.Integer(0)
    int getStopAfterIdleSeconds();

    void setStopAfterIdleSeconds(int value);

    @Description("With --streaming and a kafka:// input: the consumer group, whose committed offsets a restarted job resumes from.")
    @Default.String("beambert")
    String getKafkaGroup();

    void setKafkaGroup(String value);
  }

  /** Default of {@code --nspPoolSize}: {@link InstanceOptions}'s. */
  static final int DEFAULT_NSP_POOL_SIZE = 250;

  static final String REFERENCE = "reference";
  static final String DISTRIBUTED = "distributed";

  static final String USAGE =
      String.join(
          "\n",
          "Usage: beambert pretraining-data --input=GLOB --vocab=FILE --output=DIR [options]",
          "",
          "Turns a corpus (UTF-8, one sentence per line, a blank line between documents) into",
          "masked-LM / next-sentence pretraining instances: DIR/part-SSSSS-of-NNNNN.avro and",
          "DIR/_metadata.json (written last). Reference mode reproduces Google's",
          "create_pretraining_data.py instance for instance; distributed mode (the default)",
          "generates pools of documents on all workers.",
          "",
          "  --input=GLOB                  corpus files (required)",
          "  --vocab=FILE                  WordPiece vocabulary, one token per line (required;",
          "                                must hold [CLS], [SEP], [MASK], [UNK])",
          "  --output=DIR                  output directory, empty or new (required)",
          "  --maxSeqLength=128            tokens per instance incl. [CLS] and two [SEP] (>= 5)",
          "  --maxPredictionsPerSeq=20     cap on masked positions (>= 1)",
          "  --maskedLmProb=0.15           fraction of tokens to mask, in (0, 1]",
          "  --dupeFactor=10               passes over the documents, each with new masks (>= 1)",
          "  --shortSeqProb=0.1            probability of a shorter target length, in [0, 1]",
          "  --randomSeed=12345            seed",
          "  --doLowerCase=true            lower-case and strip accents (uncased vocabularies)",
          "  --doWholeWordMask=false       mask whole words (the reference's flag, quirks included)",
          "  --perWordMaskDecision=false   with whole-word masking: one 80/10/10 decision per word",
          "                                (not in the reference)",
          "  --nonSpecialReplacements=false  random replacements only from non-special entries",
          "                                (not [PAD], [unusedN], ...; not in the reference)",
          "  --mode=distributed            distributed: the reference's algorithm with",
          "                                per-document random streams, pools of documents",
          "                                generated on all workers (deterministic for a seed,",
          "                                not the reference's instances; unreadable documents go",
          "                                to DIR/_dead_letter/); reference: bit-exact with",
          "                                create_pretraining_data.py, generated on one worker",
          "  --nspPoolSize=" + DEFAULT_NSP_POOL_SIZE
              + "             distributed: documents per pool; random-next partners come",
          "                                from the document's pool (larger: closer to the",
          "                                reference's whole-corpus draw, more memory per worker)",
          "  --numShards=0                 output shards; 0: one in reference mode, one per pool",
          "                                in distributed mode; reference mode puts instance k in",
          "                                shard k mod N; distributed mode makes N pools of about",
          "                                documents/N (overriding --nspPoolSize), one shard each",
          "  --overwrite=false             replace the shards, _metadata.json and _dead_letter/",
          "                                in a non-empty DIR",
          "",
          "Streaming (--streaming; distributed mode; runs until Ctrl-C): --input is",
          "kafka://HOST:PORT/TOPIC (one message = one document) or a file pattern watched for new",
          "files; one folder of shards per window pane in DIR, listed in DIR/_manifest.json.",
          "  --windowSeconds=60            documents arriving within a window form one pool",
          "  --windowDocuments=0           an early pane once a window holds this many documents",
          "                                (0: --nspPoolSize)",
          "  --allowedLatenessSeconds=600  a late document within this gets a pane of its own",
          "  --pollSeconds=5               files: how often to look for new files",
          "  --stopAfterIdleSeconds=0      files: end once no file came for this long (0: never;",
          "                                DirectRunner only)",
          "  --kafkaGroup=beambert         Kafka: the consumer group (resumes from its offsets)",
          "  On Flink, --checkpointingInterval defaults to 5000 ms: a pane is written once a",
          "  checkpoint holds its documents.",
          "",
          "Beam options apply too, e.g. --runner=FlinkRunner --flinkMaster=[local] (default: the",
          "DirectRunner).");

  private PretrainingDataPipeline() {}

  public static void main(String[] args) throws IOException {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(USAGE);
        return;
      }
    }
    run(BeamArgs.parse(args, Options.class, "pretraining-data"));
  }

  /** Validates the options, checks the inputs and the output directory, runs and waits. */
  public static PipelineResult run(Options options) throws IOException {
    long start = System.currentTimeMillis();
    Plan plan = plan(options);
    if (PretrainingDataStreaming.isStreaming(options)) {
      return PretrainingDataStreaming.run(options, plan);
    }
    if (BeamArgs.isDirectRunner(options)) {
      checkMemory(
          plan.instanceOptions,
          mode(options).equals(DISTRIBUTED) ? BeamArgs.directThreads(options) : 1,
          Runtime.getRuntime().maxMemory());
    }
    long inputBytes = 0;
    for (MatchResult.Metadata file : ReadCorpus.checkMatches(options.getInput(), options)) {
      inputBytes += file.sizeBytes();
    }
    OutputDirectory.checkWritable("output", options.getOutput());
    PipelineResult result;
    // One run per output folder; a failed run removes the shards it wrote (the dead letters stay).
    try (OutputLock lock = OutputLock.acquire(options.getOutput(), System.err::println)) {
      OutputDirectory.prepare(options.getOutput(), options.getOverwrite(), System.err::println);
      Pipeline pipeline = Pipeline.create(options);
      buildPipeline(pipeline, options, plan, start);
      ProgressCounters.reset();
      Optional<FlinkClusterJob> remote = FlinkClusterJob.of(options);
      AtomicReference<PipelineResult> finished = new AtomicReference<>();
      Cleanup removeShards = () -> OutputDirectory.removeFailedRun(options.getOutput());
      // Only a client of a remote job needs a hook: in this JVM the job stops with the client.
      Thread stop =
          remote.isEmpty()
              ? null
              : stopHook(options, remote, finished, lock, removeShards,
                  "partial output removed from " + options.getOutput());
      result =
          runToEnd(pipeline, progressSource(options, remote, finished), PROGRESS_INTERVAL,
              finished, stop, removeShards);
    }
    JsonNode meta = readMetadata(options.getOutput());
    System.err.println(
        summary(meta, options.getOutput(), (System.currentTimeMillis() - start) / 1000.0));
    invalidInputWarning(meta, options.getInput(), inputBytes).ifPresent(System.err::println);
    return result;
  }

  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

  /**
   * Where the progress lines' counts come from: this JVM's counters; or, for a job submitted to a
   * remote Flink cluster, the job's Beam counters as the cluster reports them while it runs, then
   * the finished job's own metrics once {@code finished} holds its result.
   */
  static ProgressReporter.Source progressSource(
      Options options, Optional<FlinkClusterJob> remote, AtomicReference<PipelineResult> finished) {
    if (remote.isEmpty()) {
      return ProgressReporter.localCounters();
    }
    FlinkClusterJob cluster = remote.get();
    boolean distributed = mode(options).equals(DISTRIBUTED);
    String namespace =
        distributed ? PretrainingData.METRICS : WriteReferenceShards.class.getName();
    Set<String> documents =
        distributed
            ? Set.of("documents_used", "documents_empty", "documents_dead_lettered")
            : Set.of("reference_documents");
    Set<String> instances = Set.of(distributed ? "instances" : "reference_instances");
    return ProgressReporter.of(
        () -> count(cluster, finished.get(), namespace, documents),
        () -> count(cluster, finished.get(), namespace, instances));
  }

  private static final java.util.concurrent.atomic.AtomicBoolean STOPPING =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** What a stopped or failed run removes. */
  @FunctionalInterface
  interface Cleanup {
    void run() throws IOException;
  }

  /**
   * A shutdown hook: when this client is stopped (Ctrl-C, SIGTERM) before the job ends, it cancels
   * a job that runs on a remote Flink cluster, runs {@code cleanup}, releases the output's lock and
   * says so in one line ending with {@code removed}. (A client killed with SIGKILL cannot; a
   * cluster's job then goes on and commits a complete output, and until then {@code
   * _metadata.json} is absent.) Remove it once the job has ended.
   */
  static Thread stopHook(
      Options options, Optional<FlinkClusterJob> remote, AtomicReference<PipelineResult> finished,
      OutputLock lock, Cleanup cleanup, String removed) {
    Thread hook =
        new Thread(
            () -> {
              if (finished.get() != null) {
                return;
              }
              STOPPING.set(true);
              try {
                String state = "";
                if (remote.isPresent()) {
                  state = "job " + options.getJobName() + " on " + remote.get().master() + ": "
                      + remote.get().cancel(Duration.ofSeconds(20)) + "; ";
                }
                cleanup.run();
                lock.close();
                System.err.println("pretraining-data: stopped; " + state + removed);
              } catch (IOException | RuntimeException | InterruptedException e) {
                System.err.println("pretraining-data: stopped; cleanup failed: " + e);
              }
            },
            "beambert-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /**
   * Runs the pipeline to its end with progress lines every {@code every}, then records the result
   * in {@code finished} and removes {@code stopHook}. A failure (OutOfMemoryError too) runs {@code
   * cleanup} and is rethrown; when the client is being stopped, its hook reports instead.
   */
  static PipelineResult runToEnd(
      Pipeline pipeline, ProgressReporter.Source progress, Duration every,
      AtomicReference<PipelineResult> finished, Thread stopHook, Cleanup cleanup) {
    try (ProgressReporter reporter = ProgressReporter.start(progress, every, System.err::println)) {
      PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      finished.set(result);
      removeHook(stopHook);
      return result;
    } catch (RuntimeException | Error e) {
      awaitHaltIfStopping();
      removeHook(stopHook); // a failure is reported, not a stop
      try {
        cleanup.run();
      } catch (IOException | RuntimeException failed) {
        e.addSuppressed(failed);
      }
      throw e;
    }
  }

  /** Removes a {@link #stopHook} (none: null); nothing when the JVM is already shutting down. */
  static void removeHook(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs or ran
    }
  }

  /** Waits for the JVM to halt when a stop hook runs: the job's end is then not a failure. */
  static void awaitHaltIfStopping() {
    if (!STOPPING.get()) {
      return;
    }
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE); // the JVM halts once the hook is done
      } catch (InterruptedException ignored) {
        // keep waiting
      }
    }
  }

  private static long count(
      FlinkClusterJob cluster, PipelineResult result, String namespace, Set<String> names) {
    if (result == null) {
      return cluster.counter(namespace, names);
    }
    long sum = 0;
    for (String name : names) {
      sum += ProgressReporter.counter(result, namespace, name);
    }
    return sum;
  }

  /**
   * A warning when more than 1% of the input's bytes (its files' sizes) were not valid UTF-8 and
   * were dropped: a binary file, or text in another encoding, among the corpus.
   */
  static Optional<String> invalidInputWarning(JsonNode meta, String input, long inputBytes) {
    long invalid = meta.get("counts").path("invalid_utf8_bytes").asLong();
    if (invalid == 0 || invalid * 100 <= inputBytes) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "pretraining-data: warning: %,d bytes (%.1f%% of --input=%s) are not valid UTF-8 and"
                + " were dropped: is a binary file, or text in another encoding, among the input?"
                + " (invalid_utf8_bytes in _metadata.json)",
            invalid,
            100.0 * invalid / Math.max(1, inputBytes),
            input));
  }

  private static JsonNode readMetadata(String outputDir) throws IOException {
    try (InputStream in =
        Channels.newInputStream(
            FileSystems.open(
                FileSystems.matchNewResource(outputDir, true)
                    .resolve(ShardNames.METADATA, StandardResolveOptions.RESOLVE_FILE)))) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** One line from {@code _metadata.json}: instances, shards, output directory, wall time. */
  static String summary(JsonNode meta, String outputDir, double seconds) {
    return String.format(
        Locale.ROOT,
        "pretraining-data: %,d instances in %d shard%s written to %s in %.1f s",
        meta.get("counts").get("instances").asLong(),
        meta.get("shards").size(),
        meta.get("shards").size() == 1 ? "" : "s",
        outputDir,
        seconds);
  }

  /** Everything checked and loaded before the graph is built. */
  static final class Plan {
    final InstanceOptions instanceOptions;
    final Vocab vocab;
    final InstanceVocab instanceVocab;
    final String vocabSha256;

    Plan(InstanceOptions instanceOptions, Vocab vocab, InstanceVocab instanceVocab, String sha) {
      this.instanceOptions = instanceOptions;
      this.vocab = vocab;
      this.instanceVocab = instanceVocab;
      this.vocabSha256 = sha;
    }
  }

  /**
   * Checks every option (clear messages naming the value) and loads the vocabulary.
   *
   * @throws IllegalArgumentException for an invalid value or a vocabulary without [CLS], [SEP],
   *     [MASK] or [UNK]
   * @throws IOException when the vocabulary cannot be read
   */
  static Plan plan(Options options) throws IOException {
    String mode = mode(options);
    if (!mode.equals(REFERENCE) && !mode.equals(DISTRIBUTED)) {
      throw new IllegalArgumentException(
          "--mode must be 'reference' or 'distributed', got '" + options.getMode() + "'");
    }
    if (options.getNumShards() < 0) {
      throw new IllegalArgumentException(
          "--numShards must be at least 0 (0: derived), got " + options.getNumShards());
    }
    if (options.getNspPoolSize() < 1) {
      throw new IllegalArgumentException(
          "--nspPoolSize must be at least 1, got " + options.getNspPoolSize());
    }
    InstanceOptions instanceOptions;
    try {
      instanceOptions =
          InstanceOptions.builder()
              .maxSeqLength(options.getMaxSeqLength())
              .maxPredictionsPerSeq(options.getMaxPredictionsPerSeq())
              .maskedLmProb(options.getMaskedLmProb())
              .dupeFactor(options.getDupeFactor())
              .shortSeqProb(options.getShortSeqProb())
              .randomSeed(options.getRandomSeed())
              .doWholeWordMask(options.getDoWholeWordMask())
              .perWordMaskDecision(options.getPerWordMaskDecision())
              .nonSpecialReplacements(options.getNonSpecialReplacements())
              .doLowerCase(options.getDoLowerCase())
              .nspPoolSize(options.getNspPoolSize())
              .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage(), e);
    }
    Path vocabFile = Paths.get(options.getVocab());
    Vocab vocab = Vocab.load(vocabFile);
    InstanceVocab instanceVocab;
    try {
      instanceVocab = InstanceVocab.from(vocab);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--vocab=" + options.getVocab() + ": " + e.getMessage(), e);
    }
    return new Plan(instanceOptions, vocab, instanceVocab, RunMetadata.sha256(vocabFile));
  }

  /**
   * Refuses options whose padded instances alone would take more than half of the heap: every
   * instance is written padded to {@code maxSeqLength} tokens and {@code maxPredictionsPerSeq}
   * predictions, and each worker holds an encoder's buffer (5 bytes a position at most) and about
   * three padded instances (the record, the shard's block and its compressed copy).
   *
   * @throws IllegalArgumentException naming the options, the memory they need and the heap
   */
  static void checkMemory(InstanceOptions o, int workers, long heapBytes) {
    long positions = (long) o.maxSeqLength() + o.maxPredictionsPerSeq();
    long padded = 3L * o.maxSeqLength() + 6L * o.maxPredictionsPerSeq();
    long perWorker = 15 * positions + 3 * padded;
    long need = workers * perWorker;
    if (need > heapBytes / 2) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "--maxSeqLength=%d and --maxPredictionsPerSeq=%d pad every instance to at least %,d"
                  + " bytes and need about %,d MB of memory for %d worker%s, more than half of"
                  + " this JVM's %,d MB heap: lower them, or raise the heap (e.g."
                  + " BEAMBERT_JAVA_OPTS=-Xmx%dg)",
              o.maxSeqLength(),
              o.maxPredictionsPerSeq(),
              padded,
              ceilMb(need),
              workers,
              workers == 1 ? "" : "s",
              heapBytes >> 20,
              Math.max(2, (ceilMb(need) * 2 + 1023) / 1024 + 1)));
    }
  }

  private static long ceilMb(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  static String mode(Options options) {
    return options.getMode().toLowerCase(Locale.ROOT);
  }

  /** Builds the graph for already validated options (tests build the same graph). */
  public static void buildPipeline(Pipeline pipeline, Options options) throws IOException {
    buildPipeline(pipeline, options, plan(options), System.currentTimeMillis());
  }

  /**
   * The output folder with the run's description: every option, the vocabulary's digest, and the
   * run key (mode, instance options, vocabulary) that seeds the shards' sync markers.
   */
  static ShardOutput shardOutput(Options options, Plan plan) {
    String runKey = mode(options) + "\n" + plan.instanceOptions + "\n" + plan.vocabSha256;
    try {
      return ShardOutput.to(options.getOutput())
          .withRunDescription(
              new ObjectMapper().writeValueAsString(describe(options)), plan.vocabSha256, runKey);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("options of plain values always serialize", e);
    }
  }

  static void buildPipeline(Pipeline pipeline, Options options, Plan plan, long startMillis) {
    String mode = mode(options);
    ShardOutput output =
        shardOutput(options, plan)
            .withStartMillis(startMillis)
            .withNoDocumentsError(noDocuments(options.getInput()));
    if (mode.equals(DISTRIBUTED)) {
      pipeline.apply(
          "PretrainingData",
          PretrainingData.from(options.getInput(), plan.vocab, plan.instanceOptions)
              .withNumShards(options.getNumShards())
              .to(output));
      return;
    }
    pipeline.apply(
        "GenerateInstances",
        WriteReferenceShards.from(
                options.getInput(),
                output.withCodec("deflate-6").withMarkers(ShardOutput.REFERENCE_MARKERS),
                plan.vocab,
                plan.instanceOptions)
            .withNumShards(referenceShards(options)));
  }

  /** Reference mode's shard count: {@code --numShards}, 1 when 0. */
  static int referenceShards(Options options) {
    return options.getNumShards() == 0 ? 1 : options.getNumShards();
  }

  static String noDocuments(String input) {
    return "the corpus --input=" + input + " has no non-empty document (every line is blank or"
        + " tokenizes to nothing); nothing was written";
  }

  /** Every option of the run, by name, for {@code _metadata.json}. */
  static Map<String, Object> describe(Options o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input", o.getInput());
    m.put("vocab", o.getVocab());
    m.put("output", o.getOutput());
    m.put("mode", o.getMode());
    m.put("maxSeqLength", o.getMaxSeqLength());
    m.put("maxPredictionsPerSeq", o.getMaxPredictionsPerSeq());
    m.put("maskedLmProb", o.getMaskedLmProb());
    m.put("dupeFactor", o.getDupeFactor());
    m.put("shortSeqProb", o.getShortSeqProb());
    m.put("randomSeed", o.getRandomSeed());
    m.put("doLowerCase", o.getDoLowerCase());
    m.put("doWholeWordMask", o.getDoWholeWordMask());
    m.put("perWordMaskDecision", o.getPerWordMaskDecision());
    m.put("nonSpecialReplacements", o.getNonSpecialReplacements());
    m.put("numShards", o.getNumShards());
    m.put("nspPoolSize", o.getNspPoolSize());
    m.put("overwrite", o.getOverwrite());
    if (PretrainingDataStreaming.isStreaming(o)) {
      m.put("streaming", true);
      m.put("windowSeconds", o.getWindowSeconds());
      m.put("windowDocuments", o.getWindowDocuments());
      m.put("allowedLatenessSeconds", o.getAllowedLatenessSeconds());
    }
    m.put("runner", o.getRunner() == null ? null : o.getRunner().getSimpleName());
    return m;
  }

}
