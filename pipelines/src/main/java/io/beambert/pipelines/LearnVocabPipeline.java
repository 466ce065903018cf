package io.beambert.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.cli.StandardStreams;
import io.beambert.cli.UsageException;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import io.beambert.io.OutputDirectory;
import io.beambert.io.ReadCorpus;
import io.beambert.transforms.CountCorpusWords;
import io.beambert.transforms.InProcessMetrics;
import io.beambert.transforms.LearnVocab;
import io.beambert.vocab.HeldOut;
import io.beambert.vocab.LearnedVocab;
import io.beambert.vocab.TokenizerJson;
import io.beambert.vocab.VocabReport;
import io.beambert.vocab.WordPieceLearner;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code beambert vocab}: learns a WordPiece vocabulary from a corpus.
 *
 * <p>Reads UTF-8 lines from the files matching {@code --input} as {@link ReadCorpus} does (invalid
 * byte sequences dropped and counted, lines cut at 1 MiB so memory stays bounded), keeps a
 * held-out slice of the lines aside ({@link HeldOut}: a content hash, 1% by default) and counts
 * the words of both slices in the same pass over each file ({@link CountCorpusWords}), learns the
 * vocabulary from the training counts with {@link LearnVocab#fromCounts()}, and writes to {@code
 * --output}: {@code vocab.txt}, {@code tokenizer.json} (the same tokenizer for Hugging Face) and
 * {@code vocab-report.json} (sizes, and fertility and [UNK] rate on the held-out slice, also for
 * {@code --compareVocab}; held-out words too long for WordPiece count as {@code [UNK]} words).
 * On the DirectRunner (the default runner; see {@code --engine}) the same steps run in this JVM
 * without a pipeline ({@link CountCorpusWords#countInProcess}, {@link LearnVocab#learn}), with the
 * same output and counters; a plain command line for such a run is read without Beam's option
 * parsing ({@link VocabJob#readInProcess}).
 * Progress is logged at INFO while it runs (logger {@code io.beambert}); the report and the run's
 * counters are printed at the end. Command-line mistakes (an unknown option, a value of the wrong
 * type or out of range, a missing required option) throw {@link UsageException} with one line
 * naming the option.
 */
public final class LearnVocabPipeline {

  /** Number of words listed in each direction of the comparison. */
  static final int DIFFERENCES_LISTED = 25;

  private static final String NAMESPACE = LearnVocabPipeline.class.getName();
  private static final Logger LOG = LoggerFactory.getLogger(LearnVocabPipeline.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LearnVocabPipeline() {}

  /** Options of {@code beambert vocab}. */
  public interface Options extends PipelineOptions {
    @Description("Required. Input files (a file pattern, e.g. 'corpus/*.txt'): UTF-8 text, one sentence"
            + " or paragraph per line.")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("Required. Output folder for vocab.txt, tokenizer.json and vocab-report.json.")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description(
        "Replace vocab.txt, tokenizer.json and vocab-report.json in a non-empty output folder (its"
            + " other files are kept); without it such a folder is refused before any work.")
    @Default.Boolean(false)
    boolean getOverwrite();

    void setOverwrite(boolean value);

    @Description("Vocabulary size, including the special tokens [PAD] [UNK] [CLS] [SEP] [MASK].")
    @Default.Integer(30522)
    int getVocabSize();

    void setVocabSize(int value);

    @Description("Minimum number of occurrences of a pair of pieces for it to be merged.")
    @Default.Long(2)
    long getMinFrequency();

    void setMinFrequency(long value);

    @Description("Maximum number of distinct characters kept (the most frequent ones).")
    @Default.Integer(1000)
    int getLimitAlphabet();

    void setLimitAlphabet(int value);

    @Description("Lower-case and strip accents (an uncased vocabulary, like bert-base-uncased).")
    @Default.Boolean(true)
    boolean getDoLowerCase();

    void setDoLowerCase(boolean value);

    @Description(
        "Percent of the lines (chosen by a hash of their content) held out of learning and used"
            + " for the report; 0 to 50.")
    @Default.Integer(1)
    int getHeldOutPercent();

    void setHeldOutPercent(int value);

    @Description(
        "Another vocab.txt (a local file) to measure on the same held-out words; the report then"
            + " lists the words whose split differs most. Empty: no comparison.")
    @Default.String("")
    String getCompareVocab();

    void setCompareVocab(String value);

    @Description(
        "How the job runs. beam: a Beam pipeline on --runner (word counting as a distributed"
            + " combine). inprocess: in this JVM without a pipeline, with --targetParallelism"
            + " threads (the same reading, counting and learning code and the same output, without"
            + " a pipeline's start-up; faster and smaller than the DirectRunner at every input size"
            + " measured); only with the DirectRunner. auto: inprocess on the DirectRunner (the"
            + " default runner), beam on any other runner.")
    @Default.String("auto")
    String getEngine();

    void setEngine(String value);
  }

  /** Values of {@code --engine}. */
  static final List<String> ENGINES = List.of("auto", "beam", "inprocess");

  /** Runs {@code beambert vocab}; throws on bad options, missing input or a failed run. */
  public static void main(String[] args) throws IOException {
    if (Arrays.asList(args).contains("--help")) {
      PipelineOptionsFactory.register(Options.class);
      PipelineOptionsFactory.printHelp(System.out, Options.class);
      return;
    }
    Optional<VocabJob> plain = VocabJob.readInProcess(args);
    if (plain.isPresent()) { // a plain command line that runs in this JVM: no Beam options needed
      VocabJob job = plain.get();
      checkRanges(job);
      List<MatchResult.Metadata> files = ReadCorpus.checkMatches(job.input());
      VocabFiles.checkOutput(job.output(), job.overwrite());
      finish(job, runInProcess(job, files, BeamArgs.defaultParallelism()));
    } else {
      run(parse(args));
    }
  }

  /**
   * Parses and validates a command line.
   *
   * @throws UsageException naming the option, for an unknown option, a value of the wrong type, a
   *     missing required option or a value out of range
   */
  static Options parse(String[] args) {
    Options options = BeamArgs.parse(args, Options.class, "vocab");
    checkRanges(options);
    return options;
  }

  /** Rejects option values out of range, naming the option as it is typed. */
  static void checkRanges(Options options) {
    checkRanges(VocabJob.of(options));
    if (!ENGINES.contains(options.getEngine())) {
      throw new UsageException(
          "--engine must be one of " + String.join(", ", ENGINES) + ", got '" + options.getEngine()
              + "'");
    }
    if (options.getEngine().equals("inprocess") && !BeamArgs.isDirectRunner(options)) {
      throw new UsageException(
          "--engine=inprocess runs only on the DirectRunner (got "
              + options.getRunner().getSimpleName() + "); use --engine=beam, or drop --runner");
    }
    int threads = runsInProcess(options) ? BeamArgs.directThreads(options) : 1;
    if (threads < 1) {
      throw new UsageException("--targetParallelism must be at least 1, got " + threads);
    }
  }

  private static void checkRanges(VocabJob job) {
    try { // the learner names the option in its message; the command line adds the dashes
      WordPieceLearner.create()
          .withVocabSize(job.vocabSize())
          .withMinFrequency(job.minFrequency())
          .withLimitAlphabet(job.limitAlphabet());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + e.getMessage());
    }
    if (job.heldOutPercent() < 0 || job.heldOutPercent() > 50) {
      throw new UsageException("--heldOutPercent must be in [0, 50], got " + job.heldOutPercent());
    }
  }

  /** Whether the job runs in this JVM without a pipeline ({@code --engine}; for auto, the runner). */
  static boolean runsInProcess(Options options) {
    switch (options.getEngine()) {
      case "inprocess":
        return true;
      case "beam":
        return false;
      default:
        return BeamArgs.isDirectRunner(options);
    }
  }

  /**
   * Runs the job (a pipeline, or in this JVM: see {@code --engine}) and waits for it, then prints
   * the report and the counters; returns the counters.
   *
   * @throws IllegalArgumentException when no file matches {@code --input}, an option is out of
   *     range, or {@code --compareVocab} cannot be read
   */
  public static Map<String, Long> run(Options options) throws IOException {
    VocabJob job = VocabJob.of(options);
    Map<String, Long> counters;
    if (runsInProcess(options)) {
      checkRanges(options);
      List<MatchResult.Metadata> files = ReadCorpus.checkMatches(options.getInput(), options);
      VocabFiles.checkOutput(job.output(), job.overwrite());
      counters = runInProcess(job, files, BeamArgs.directThreads(options));
    } else {
      counters = runPipeline(options); // buildPipeline checks the options and the input
    }
    finish(job, counters);
    return counters;
  }

  /** Prints the report and the counters of a finished run. */
  private static void finish(VocabJob job, Map<String, Long> counters) throws IOException {
    ResourceId report = outputFile(job.output(), "vocab-report.json");
    byte[] json;
    try (InputStream in = Channels.newInputStream(FileSystems.open(report))) {
      json = in.readAllBytes();
    }
    JsonNode summary = JSON.readTree(json);
    int size = summary.path("vocab_size").asInt();
    if (size > job.vocabSize()) {
      System.err.printf(
          Locale.ROOT,
          "vocab: warning: the vocabulary has %d tokens, more than --vocabSize=%d: the special"
              + " tokens and the alphabet (%d characters, at most --limitAlphabet=%d) alone need"
              + " that many; lower --limitAlphabet to stay within --vocabSize%n",
          size,
          job.vocabSize(),
          summary.path("alphabet_size").asInt(),
          job.limitAlphabet());
    }
    // Checked writes: a full disk or a closed pipe must not pass for a printed report.
    OutputStream out = StandardStreams.out();
    StringBuilder text = new StringBuilder(new String(json, StandardCharsets.UTF_8));
    text.append("counters:\n");
    for (Map.Entry<String, Long> e : counters.entrySet()) {
      text.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static Map<String, Long> runPipeline(Options options) throws IOException {
    Pipeline pipeline = Pipeline.create(options);
    buildPipeline(pipeline, options);
    LOG.info(
        "learning a {}-token vocabulary from {} on the {}",
        options.getVocabSize(), options.getInput(), options.getRunner().getSimpleName());
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    logWritten(options.getOutput(), start);
    return counters(result);
  }

  /**
   * Counts and learns in this JVM: {@link CountCorpusWords#countInProcess} and {@link
   * LearnVocab#learn}, then writes what the pipeline's last step writes.
   */
  private static Map<String, Long> runInProcess(
      VocabJob job, List<MatchResult.Metadata> files, int threads) throws IOException {
    checkCompareVocab(job.compareVocab());
    LOG.info(
        "learning a {}-token vocabulary from {} in this JVM ({} threads; --engine=beam for a"
            + " pipeline)",
        job.vocabSize(), job.input(), threads);
    long start = System.nanoTime();
    InProcessMetrics metrics = new InProcessMetrics();
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      CountCorpusWords.Counts counts = job.countCorpusWords().countInProcess(files, threads);
      LearnedVocab vocab = job.learnVocab().learn(counts.training());
      job.files().write(vocab, counts.heldOut());
    }
    logWritten(job.output(), start);
    return metrics.counters(COUNTER_NAMESPACES);
  }

  private static void logWritten(String output, long startNanos) {
    LOG.info(
        "wrote vocab.txt, tokenizer.json and vocab-report.json to {} ({} s)",
        output, String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9));
  }

  /** Fails early, with a message naming the file, when {@code --compareVocab} cannot be used. */
  private static void checkCompareVocab(String compareVocab) throws IOException {
    if (!compareVocab.isEmpty()) {
      Vocab.load(Path.of(compareVocab));
    }
  }

  /**
   * Adds the job to {@code pipeline}.
   *
   * @throws IllegalArgumentException when no file matches {@code --input}, an option is out of
   *     range, or {@code --compareVocab} cannot be read
   */
  public static void buildPipeline(Pipeline pipeline, Options options) throws IOException {
    checkRanges(options);
    ReadCorpus.checkMatches(options.getInput(), options);
    VocabJob job = VocabJob.of(options);
    VocabFiles.checkOutput(job.output(), job.overwrite());
    checkCompareVocab(job.compareVocab());
    PCollectionTuple counts =
        pipeline
            .apply("ListFiles", ReadCorpus.from(job.input()).withMatchWhenBuilt().files())
            .apply("CountCorpusWords", job.countCorpusWords());
    PCollection<LearnedVocab> vocab =
        counts.get(CountCorpusWords.TRAINING).apply("LearnVocab", job.learnVocab().fromCounts());
    PCollectionView<Map<String, Long>> heldOutWords =
        counts
            .get(CountCorpusWords.HELD_OUT)
            .apply("GatherHeldOutWords", Combine.globally(new LearnVocab.SumCounts()))
            .apply("AsSideInput", View.asSingleton());
    vocab.apply(
        "WriteVocab",
        ParDo.of(new WriteFn(job.files(), heldOutWords)).withSideInputs(heldOutWords));
  }

  /** Prefix of the namespaces of the counters a run prints. */
  private static final String COUNTER_NAMESPACES = "io.beambert.";

  /** The values of this job's counters, by name, in name order. */
  static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> out = new java.util.TreeMap<>();
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder().build());
    for (MetricResult<Long> counter : metrics.getCounters()) {
      String ns = counter.getName().getNamespace();
      if (ns.startsWith(COUNTER_NAMESPACES)) {
        out.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
      }
    }
    return out;
  }

  private static ResourceId outputFile(String dir, String name) {
    return FileSystems.matchNewResource(dir, true)
        .resolve(name, StandardResolveOptions.RESOLVE_FILE);
  }

  /** Writes vocab.txt, tokenizer.json and vocab-report.json; outputs the report. */
  static final class WriteFn extends DoFn<LearnedVocab, String> {
    private static final long serialVersionUID = 1L;

    private final VocabFiles files;
    private final PCollectionView<Map<String, Long>> heldOutWords;

    WriteFn(VocabFiles files, PCollectionView<Map<String, Long>> heldOutWords) {
      this.files = files;
      this.heldOutWords = heldOutWords;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      c.output(files.write(c.element(), c.sideInput(heldOutWords)));
    }
  }

  /** The job's output files: vocab.txt, tokenizer.json and vocab-report.json. */
  static final class VocabFiles implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Counter DISTINCT_WORDS = Metrics.counter(NAMESPACE, "distinct_words");
    private static final Counter HELD_OUT_WORDS = Metrics.counter(NAMESPACE, "held_out_words");

    private final String input;
    private final String output;
    private final boolean doLowerCase;
    private final String compareVocab;
    private final int heldOutPercent;

    VocabFiles(
        String input, String output, boolean doLowerCase, String compareVocab, int heldOutPercent) {
      this.input = input;
      this.output = output;
      this.doLowerCase = doLowerCase;
      this.compareVocab = compareVocab;
      this.heldOutPercent = heldOutPercent;
    }

    /**
     * Writes the three files for {@code vocab}, measured on the held-out {@code words}; returns the
     * report.
     */
    String write(LearnedVocab vocab, Map<String, Long> words) throws IOException {
      if (vocab.totalWords() == 0) {
        throw new IllegalArgumentException(
            "the corpus --input=" + input + " has no word to learn from (every line is blank or"
                + " held out: see --heldOutPercent); nothing was written");
      }
      String report = report(vocab, words);
      commit(
          List.of(
              vocab.toVocabFile(), TokenizerJson.of(vocab.tokens(), doLowerCase), report));
      DISTINCT_WORDS.inc(vocab.distinctWords());
      HELD_OUT_WORDS.inc(words.values().stream().mapToLong(Long::longValue).sum());
      return report;
    }

    private String report(LearnedVocab vocab, Map<String, Long> words) throws IOException {
      BertTokenizer learned = new BertTokenizer(Vocab.of(vocab.tokens()), doLowerCase);
      ObjectNode root = JSON.createObjectNode();
      root.put("vocab_size", vocab.size());
      root.put("alphabet_size", vocab.alphabetSize());
      root.put("merges", vocab.merges());
      root.put("training_distinct_words", vocab.distinctWords());
      root.put("training_words", vocab.totalWords());
      root.put(
          "held_out_rule",
          "lines whose content hash (FNV-1a 64 + SplitMix64 finalizer of the UTF-8 bytes) mod 100 < "
              + heldOutPercent);
      stats(root.putObject("held_out"), VocabReport.measure(learned, words));
      if (!compareVocab.isEmpty()) {
        Vocab other = Vocab.load(Path.of(compareVocab));
        BertTokenizer otherTokenizer = new BertTokenizer(other, doLowerCase);
        ObjectNode compare = root.putObject("compare");
        compare.put("vocab", compareVocab);
        compare.put("vocab_size", other.size());
        compare.put("alphabet_size", VocabReport.alphabetSize(other.words()));
        stats(compare.putObject("held_out"), VocabReport.measure(otherTokenizer, words));
        differences(
            compare.putArray("fewer_pieces_with_learned"),
            VocabReport.differences(learned, otherTokenizer, words, DIFFERENCES_LISTED, 1));
        differences(
            compare.putArray("more_pieces_with_learned"),
            VocabReport.differences(learned, otherTokenizer, words, DIFFERENCES_LISTED, -1));
      }
      return JSON.writeValueAsString(root) + "\n";
    }

    private static void stats(ObjectNode node, VocabReport.Stats stats) {
      node.put("words", stats.words());
      node.put("pieces", stats.pieces());
      node.put("fertility", Math.round(stats.fertility() * 1e6) / 1e6);
      node.put("unk_words", stats.unkWords());
      node.put("unk_rate", Math.round(stats.unkRate() * 1e8) / 1e8);
    }

    private static void differences(ArrayNode array, List<VocabReport.Difference> list) {
      for (VocabReport.Difference d : list) {
        ObjectNode node = array.addObject();
        node.put("word", d.word());
        node.put("count", d.count());
        d.learned().forEach(node.putArray("learned")::add);
        d.other().forEach(node.putArray("compare")::add);
      }
    }

    /** The files, in the order of {@link #commit}'s contents; the report is renamed last. */
    static final List<String> NAMES = List.of("vocab.txt", "tokenizer.json", "vocab-report.json");

    /** The temporary name of a file while it is written. */
    static String temporary(String name) {
      return "." + name + ".inprogress";
    }

    /**
     * Writes the files under temporary names and renames them when all are complete, so a failed
     * run (a full disk, say) leaves an earlier vocabulary in the folder as it was; on failure the
     * temporary files this run created are removed.
     */
    private void commit(List<String> contents) throws IOException {
      List<ResourceId> temporaries = new java.util.ArrayList<>();
      List<ResourceId> finals = new java.util.ArrayList<>();
      for (String name : NAMES) {
        temporaries.add(outputFile(output, temporary(name)));
        finals.add(outputFile(output, name));
      }
      List<ResourceId> created = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < NAMES.size(); i++) {
          try (OutputStream out =
              Channels.newOutputStream(FileSystems.create(temporaries.get(i), "text/plain"))) {
            created.add(temporaries.get(i));
            out.write(contents.get(i).getBytes(StandardCharsets.UTF_8));
          }
        }
        FileSystems.rename(temporaries, finals);
      } catch (IOException | RuntimeException e) {
        try { // only what this run created
          FileSystems.delete(created, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    /**
     * Refuses an output folder that cannot be written, or that holds files (other than a failed
     * run's temporary ones) unless {@code overwrite}: before any work, so a rerun cannot replace a
     * vocabulary by accident and a bad folder is not found only when the files are written.
     *
     * @throws IllegalArgumentException naming the folder and the option
     */
    static void checkOutput(String output, boolean overwrite) throws IOException {
      OutputDirectory.checkWritable("output", output);
      if (overwrite) {
        return;
      }
      ResourceId dir = FileSystems.matchNewResource(output, true);
      String pattern = dir.resolve("*", StandardResolveOptions.RESOLVE_FILE).toString();
      MatchResult match =
          FileSystems.match(List.of(pattern), EmptyMatchTreatment.ALLOW).get(0);
      if (match.status() == MatchResult.Status.NOT_FOUND) {
        return;
      }
      for (MatchResult.Metadata m : match.metadata()) {
        String name = m.resourceId().getFilename();
        if (name != null && !NAMES.stream().map(VocabFiles::temporary).toList().contains(name)) {
          throw new IllegalArgumentException(
              "--output=" + output + " is not empty (it holds " + name + "); use"
                  + " --overwrite=true to replace vocab.txt, tokenizer.json and vocab-report.json"
                  + " there, or choose another folder");
        }
      }
    }
  }
}
