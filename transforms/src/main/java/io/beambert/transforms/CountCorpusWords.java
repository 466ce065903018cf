package io.beambert.transforms;

import io.beambert.io.FileRanges;
import io.beambert.io.InputFileStream;
import io.beambert.io.ReadCorpus;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Utf8Lines;
import io.beambert.vocab.HeldOut;
import io.beambert.vocab.VocabReport;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Counts the words of corpus files in one pass per file, splitting off a held-out slice of the
 * lines: reading, the held-out choice and counting fused into one step.
 *
 * <p>Input: {@code PCollection<FileIO.ReadableFile>} in the global window, e.g. from {@link
 * ReadCorpus#files()}. Output: a {@link PCollectionTuple} with two {@code PCollection<Map<String,
 * Long>>}: {@link #TRAINING}, the words of the lines not held out, and {@link #HELD_OUT}, the words
 * of the held-out lines ({@link HeldOut#isHeldOut}: a hash of the line's content, {@link
 * #withHeldOutPercent} percent). Each is made of word-count maps, one per shard of the words, like
 * the output of {@link LearnVocab#countWords}, and is what {@code
 * ReadCorpus.from(pattern)} followed by a held-out split and {@link LearnVocab#countWords} on each
 * side gives: the lines are read as {@link ReadCorpus} reads them (same decoding of UTF-8, same
 * bound on the bytes per line), basic-tokenized as {@link BertTokenizer#basicTokens} does and
 * counted in memory per bundle, without one element per line. Words longer than {@link
 * BertTokenizer#MAX_INPUT_CHARS_PER_WORD} code points are counted under {@link
 * VocabReport#TOO_LONG_WORDS}, as {@link LearnVocab.CountWords} does. Parallelism comes from
 * having several files, and from large files: an uncompressed file larger than {@value
 * #SPLIT_BYTES} bytes (2 MiB) on a file system with efficient seeks is read in ranges of that
 * size by several workers, each range holding the lines that start in it (cut at line ends, so
 * every line is read once and whole); other files are read whole by one worker.
 *
 * <p>Deterministic: counts are sums, and the held-out choice depends on a line's content only, so
 * the output does not depend on file order, bundling, parallelism or runner.
 *
 * <p>Metrics: those of {@link ReadCorpus} ({@code corpus_lines_read}, {@code
 * invalid_utf8_bytes_dropped}, {@code lines_truncated}, {@code bytes_dropped_long_lines}, {@code
 * line_length_chars}) and of {@link LearnVocab.CountWords} ({@code words_counted} and {@code
 * words_too_long_skipped}, both slices together), with the same names and namespaces. Progress is
 * logged at INFO as both of them log it (lines read, lines counted).
 *
 * <pre>{@code
 * PCollectionTuple counts =
 *     pipeline
 *         .apply(ReadCorpus.from("corpus/*.txt").files())
 *         .apply(CountCorpusWords.create().withHeldOutPercent(1));
 * PCollection<LearnedVocab> vocab =
 *     counts.get(CountCorpusWords.TRAINING).apply(LearnVocab.create().fromCounts());
 * }</pre>
 */
public final class CountCorpusWords
    extends PTransform<PCollection<FileIO.ReadableFile>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  /** The word counts of the lines that are not held out. */
  public static final TupleTag<Map<String, Long>> TRAINING = new TupleTag<>("training") {};

  /** The word counts of the held-out lines. */
  public static final TupleTag<Map<String, Long>> HELD_OUT = new TupleTag<>("heldOut") {};

  private static final TupleTag<KV<Integer, byte[]>> TRAINING_PARTIALS =
      new TupleTag<>("trainingPartials") {};
  private static final TupleTag<KV<Integer, byte[]>> HELD_OUT_PARTIALS =
      new TupleTag<>("heldOutPartials") {};

  /** Size of the ranges large uncompressed files are read in: 2 MiB. */
  public static final long SPLIT_BYTES = 2L << 20;

  /** The settings, shared with the counting step. */
  private record Settings(
      boolean doLowerCase, int heldOutPercent, int maxLineBytes, int flushEntries, long splitBytes)
      implements Serializable {}

  private final Settings settings;

  private CountCorpusWords(Settings settings) {
    this.settings = settings;
  }

  /** Defaults: lower-cased, 1% held out, lines cut at 1 MiB. */
  public static CountCorpusWords create() {
    return new CountCorpusWords(
        new Settings(
            
            true, 1, ReadCorpus.DEFAULT_MAX_LINE_BYTES, LearnVocab.FLUSH_ENTRIES, SPLIT_BYTES));
  }

  /** Lower-case and strip accents before counting (BERT's do_lower_case); default true. */
  public CountCorpusWords withDoLowerCase(boolean doLowerCase) {
    Settings s = settings;
    return new CountCorpusWords(
        new Settings(
            doLowerCase, s.heldOutPercent(), s.maxLineBytes(), s.flushEntries(), s.splitBytes()));
  }

  /** Percent of the lines held out ({@link HeldOut}); default 1; 0 to 100. */
  public CountCorpusWords withHeldOutPercent(int heldOutPercent) {
    if (heldOutPercent < 0 || heldOutPercent > 100) {
      throw new IllegalArgumentException(
          "withHeldOutPercent: must be in [0, 100], got " + heldOutPercent);
    }
    Settings s = settings;
    return new CountCorpusWords(
        new Settings(
            s.doLowerCase(), heldOutPercent, s.maxLineBytes(), s.flushEntries(), s.splitBytes()));
  }

  /**
   * Keeps at most {@code maxLineBytes} bytes of each line, as {@link ReadCorpus#withMaxLineBytes}
   * (default 1 MiB; range 4 to {@value Utf8Lines#MAX_LINE_BYTES}).
   */
  public CountCorpusWords withMaxLineBytes(int maxLineBytes) {
    if (maxLineBytes < 4 || maxLineBytes > Utf8Lines.MAX_LINE_BYTES) {
      throw new IllegalArgumentException(
          "withMaxLineBytes: must be in [4, " + Utf8Lines.MAX_LINE_BYTES + "], got " + maxLineBytes);
    }
    Settings s = settings;
    return new CountCorpusWords(
        new Settings(
            s.doLowerCase(), s.heldOutPercent(), maxLineBytes, s.flushEntries(), s.splitBytes()));
  }

  /** Distinct words held per worker before partial counts are emitted early (tests: small). */
  CountCorpusWords withFlushEntries(int flushEntries) {
    Settings s = settings;
    return new CountCorpusWords(
        new Settings(
            s.doLowerCase(), s.heldOutPercent(), s.maxLineBytes(), flushEntries, s.splitBytes()));
  }

  /** Size of the ranges large files are read in (tests: small). */
  CountCorpusWords withSplitBytes(long splitBytes) {
    Settings s = settings;
    return new CountCorpusWords(
        new Settings(
            s.doLowerCase(), s.heldOutPercent(), s.maxLineBytes(), s.flushEntries(), splitBytes));
  }

  @Override
  public PCollectionTuple expand(PCollection<FileIO.ReadableFile> files) {
    if (!(files.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException(
          "CountCorpusWords counts over the whole input: the files must be in the global window,"
              + " got " + files.getWindowingStrategy().getWindowFn());
    }
    PCollectionTuple partials =
        files
            .apply("SplitLargeFiles", FileRanges.of(settings.splitBytes()))
            .apply(
                "CountInFiles",
                ParDo.of(new CountFileWordsFn(settings))
                    .withOutputTags(TRAINING_PARTIALS, TupleTagList.of(HELD_OUT_PARTIALS)));
    PCollection<Map<String, Long>> training =
        partials
            .get(TRAINING_PARTIALS)
            .setCoder(LearnVocab.PARTIAL_COUNTS)
            .apply("SumTrainingPerShard", new LearnVocab.SumPerShard());
    PCollection<Map<String, Long>> heldOut =
        partials
            .get(HELD_OUT_PARTIALS)
            .setCoder(LearnVocab.PARTIAL_COUNTS)
            .apply("SumHeldOutPerShard", new LearnVocab.SumPerShard());
    return PCollectionTuple.of(TRAINING, training).and(HELD_OUT, heldOut);
  }

  /**
   * Reads the lines of a whole file ({@code start < 0}) or of the lines starting in the range at
   * {@code start}, and counts their words with {@code training} or {@code heldOut} (the held-out
   * rule decides), handing a counter that is full to its consumer.
   */
  private static void countPiece(
      Settings settings, MatchResult.Metadata file, Compression compression, long start,
      WordCounter training, WordCounter heldOut,
      Consumer<WordCounter> trainingFull, Consumer<WordCounter> heldOutFull) throws IOException {
    int percent = settings.heldOutPercent();
    try (InputStream in = open(file, compression, start, settings.splitBytes())) {
      ReadCorpus.readLines(
          file.resourceId().toString(),
          in,
          settings.maxLineBytes(),
          (index, text) -> {
            // A percent of 0 holds out nothing: skip hashing every line.
            if (percent > 0 && HeldOut.isHeldOut(text, percent)) {
              LearnVocab.countLine(heldOut, text, heldOutFull);
            } else {
              LearnVocab.countLine(training, text, trainingFull);
            }
          });
    }
  }

  /** The whole file ({@code start < 0}), or the lines starting in the range at {@code start}. */
  private static InputStream open(
      MatchResult.Metadata file, Compression compression, long start, long splitBytes)
      throws IOException {
    ReadableByteChannel channel = FileSystems.open(file.resourceId());
    if (start < 0) {
      return InputFileStream.decompressed(file.resourceId().toString(), compression, channel);
    }
    try {
      ((SeekableByteChannel) channel).position(start);
      return new LineRangeInputStream(
          InputFileStream.of(
              file.resourceId().toString(), compression, Channels.newInputStream(channel)),
          start,
          FileRanges.readEnd(start, splitBytes, file.sizeBytes()));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * The word counts of {@link #countInProcess}: {@code training}, the words of the lines not held
   * out, and {@code heldOut}, the words of the held-out lines, with their counts.
   */
  public record Counts(Map<String, Long> training, Map<String, Long> heldOut) {}

  /**
   * Counts the words of {@code files} in this JVM with up to {@code threads} threads, without a
   * pipeline: the same reading (large uncompressed files in ranges of {@value #SPLIT_BYTES} bytes),
   * held-out split and counting as this transform, giving what its two outputs add up to. For one
   * machine: it skips a pipeline's start-up and per-element work. Memory holds each distinct word
   * once (counts are summed in shared per-shard maps), plus what each thread counts before it
   * hands its counts on. On the first failure the other threads stop after the piece they are
   * reading, and this method waits (up to 10 seconds) for them before it throws. The metrics go to the calling thread's metrics container ({@link
   * MetricsEnvironment#getCurrentContainer}), as a step's go to the step's; the progress log is the
   * same.
   *
   * @throws IOException when a file cannot be read
   */
  public Counts countInProcess(List<MatchResult.Metadata> files, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    Queue<Piece> pieces = new ConcurrentLinkedQueue<>();
    for (MatchResult.Metadata file : files) {
      Compression compression = Compression.detect(file.resourceId().getFilename());
      for (long start : FileRanges.starts(file, compression, settings.splitBytes())) {
        pieces.add(new Piece(file, compression, start));
      }
    }
    MetricsContainer metrics = MetricsEnvironment.getCurrentContainer();
    Sums training = new Sums();
    Sums heldOut = new Sums();
    int workers = Math.min(threads, Math.max(1, pieces.size()));
    ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
      Thread thread = new Thread(runnable, "beambert-count");
      thread.setDaemon(true);
      return thread;
    });
    try {
      CompletionService<Void> done = new ExecutorCompletionService<>(pool);
      for (int i = 0; i < workers; i++) {
        done.submit(() -> {
          countPieces(pieces, training, heldOut, metrics);
          return null;
        });
      }
      for (int i = 0; i < workers; i++) {
        done.take().get(); // in the order they finish: a failure is seen at once
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while counting words");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
      try { // let the other workers stop before the caller goes on
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new Counts(training.gather(), heldOut.gather());
  }

  /**
   * One worker of {@link #countInProcess}: counts pieces until none is left, adding its partial
   * counts to the shared sums.
   */
  private void countPieces(Queue<Piece> pieces, Sums trainingSums, Sums heldOutSums,
      MetricsContainer metrics) throws IOException {
    WordCounter training = LearnVocab.newCounter(settings.doLowerCase(), settings.flushEntries());
    WordCounter heldOut = LearnVocab.newCounter(settings.doLowerCase(), settings.flushEntries());
    Consumer<WordCounter> addToTraining = full -> LearnVocab.flushCounts(full, trainingSums::add);
    Consumer<WordCounter> addToHeldOut = full -> LearnVocab.flushCounts(full, heldOutSums::add);
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      // Stops taking pieces when interrupted (another worker failed).
      for (Piece piece = pieces.poll();
          piece != null && !Thread.currentThread().isInterrupted();
          piece = pieces.poll()) {
        countPiece(
            settings, piece.file(), piece.compression(), piece.start(), training, heldOut,
            addToTraining, addToHeldOut);
      }
      if (!Thread.currentThread().isInterrupted()) { // interrupted: the counts are not wanted
        addToTraining.accept(training);
        addToHeldOut.accept(heldOut);
      }
    }
  }

  /**
   * Word counts summed by all workers, one map per shard of the words, each shard locked on its
   * own: memory holds each distinct word once, whatever the number of threads.
   */
  private static final class Sums {
    private final List<Map<String, Long>> shards = new ArrayList<>();

    Sums() {
      for (int shard = 0; shard < LearnVocab.SHARDS; shard++) {
        shards.add(new HashMap<>());
      }
    }

    void add(int shard, Map<String, Long> counts) {
      Map<String, Long> sums = shards.get(shard);
      synchronized (sums) {
        LearnVocab.addCounts(sums, counts);
      }
    }

    /** All shards in one map (the workers are done; shards hold disjoint words). */
    Map<String, Long> gather() {
      int size = 0;
      for (Map<String, Long> shard : shards) {
        size += shard.size();
      }
      Map<String, Long> all = new HashMap<>((int) (size / 0.75f) + 1);
      for (int shard = 0; shard < shards.size(); shard++) {
        all.putAll(shards.get(shard));
        shards.set(shard, Map.of()); // each shard's memory is freed as soon as it is copied
      }
      return all;
    }
  }

  /** A whole file (start {@link FileRanges#WHOLE_FILE}) or the range of it at {@code start}. */
  private record Piece(MatchResult.Metadata file, Compression compression, long start) {}

  /**
   * Reads the lines of each file (or range of a file) and counts their words in memory, training
   * and held-out lines apart; emits partial counts (shard, encoded counts) per slice when it holds
   * too many distinct words and at the end of each bundle.
   */
  static final class CountFileWordsFn
      extends DoFn<KV<FileIO.ReadableFile, Long>, KV<Integer, byte[]>> {
    private static final long serialVersionUID = 1L;

    private final Settings settings;
    private transient WordCounter training;
    private transient WordCounter heldOut;

    CountFileWordsFn(Settings settings) {
      this.settings = settings;
    }

    @Setup
    public void setup() {
      training = LearnVocab.newCounter(settings.doLowerCase(), settings.flushEntries());
      heldOut = LearnVocab.newCounter(settings.doLowerCase(), settings.flushEntries());
    }

    @StartBundle
    public void startBundle() {
      training.clear();
      heldOut.clear();
    }

    @ProcessElement
    public void process(
        @Element KV<FileIO.ReadableFile, Long> piece, MultiOutputReceiver out) throws IOException {
      FileIO.ReadableFile file = piece.getKey();
      countPiece(
          settings, file.getMetadata(), file.getCompression(), piece.getValue(), training, heldOut,
          full -> LearnVocab.flush(
              full, (shard, counts) -> out.get(TRAINING_PARTIALS).output(KV.of(shard, counts))),
          full -> LearnVocab.flush(
              full, (shard, counts) -> out.get(HELD_OUT_PARTIALS).output(KV.of(shard, counts))));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      LearnVocab.flush(training, (shard, counts) -> output(c, TRAINING_PARTIALS, shard, counts));
      LearnVocab.flush(heldOut, (shard, counts) -> output(c, HELD_OUT_PARTIALS, shard, counts));
    }

    private static void output(
        FinishBundleContext c, TupleTag<KV<Integer, byte[]>> tag, int shard, byte[] counts) {
      c.output(tag, KV.of(shard, counts), GlobalWindow.INSTANCE.maxTimestamp(),
          GlobalWindow.INSTANCE);
    }
  }
}
