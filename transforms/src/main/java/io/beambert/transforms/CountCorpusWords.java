package io.beambert.transforms;

import io.beambert.io.FileRanges;
import io.beambert.io.ReadCorpus;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Utf8Lines;
import io.beambert.vocab.HeldOut;
import io.beambert.vocab.VocabReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import org.apache.beam.sdk.io.FileIO;
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

  private final boolean doLowerCase;
  private final int heldOutPercent;
  private final int maxLineBytes;
  private final int flushEntries;
  private final long splitBytes;

  /** Size of the ranges large uncompressed files are read in: 2 MiB. */
  public static final long SPLIT_BYTES = 2L << 20;


  private CountCorpusWords(
      boolean doLowerCase, int heldOutPercent, int maxLineBytes, int flushEntries,
      long splitBytes) {
    this.doLowerCase = doLowerCase;
    this.heldOutPercent = heldOutPercent;
    this.maxLineBytes = maxLineBytes;
    this.flushEntries = flushEntries;
    this.splitBytes = splitBytes;
  }

  /** Defaults: lower-cased, 1% held out, lines cut at 1 MiB. */
  public static CountCorpusWords create() {
    return new CountCorpusWords(
        true, 1, ReadCorpus.DEFAULT_MAX_LINE_BYTES, LearnVocab.FLUSH_ENTRIES, SPLIT_BYTES);
  }

  /** Lower-case and strip accents before counting (BERT's do_lower_case); default true. */
  public CountCorpusWords withDoLowerCase(boolean doLowerCase) {
    return new CountCorpusWords(doLowerCase, heldOutPercent, maxLineBytes, flushEntries, splitBytes);
  }

  /** Percent of the lines held out ({@link HeldOut}); default 1; 0 to 100. */
  public CountCorpusWords withHeldOutPercent(int heldOutPercent) {
    if (heldOutPercent < 0 || heldOutPercent > 100) {
      throw new IllegalArgumentException(
          "withHeldOutPercent: must be in [0, 100], got " + heldOutPercent);
    }
    return new CountCorpusWords(doLowerCase, heldOutPercent, maxLineBytes, flushEntries, splitBytes);
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
    return new CountCorpusWords(doLowerCase, heldOutPercent, maxLineBytes, flushEntries, splitBytes);
  }

  /** Distinct words held per worker before partial counts are emitted early (tests: small). */
  CountCorpusWords withFlushEntries(int flushEntries) {
    return new CountCorpusWords(doLowerCase, heldOutPercent, maxLineBytes, flushEntries, splitBytes);
  }

  /** Size of the ranges large files are read in (tests: small). */
  CountCorpusWords withSplitBytes(long splitBytes) {
    return new CountCorpusWords(
        doLowerCase, heldOutPercent, maxLineBytes, flushEntries, splitBytes);
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
            .apply("SplitLargeFiles", FileRanges.of(splitBytes))
            .apply(
                "CountInFiles",
                ParDo.of(new CountFileWordsFn(
                        doLowerCase, heldOutPercent, maxLineBytes, flushEntries, splitBytes))
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
   * Reads the lines of each file (or range of a file) and counts their words in memory, training
   * and held-out lines apart; emits partial counts (shard, encoded counts) per slice when it holds
   * too many distinct words and at the end of each bundle.
   */
  static final class CountFileWordsFn
      extends DoFn<KV<FileIO.ReadableFile, Long>, KV<Integer, byte[]>> {
    private static final long serialVersionUID = 1L;

    private final boolean doLowerCase;
    private final int heldOutPercent;
    private final int maxLineBytes;
    private final int flushEntries;
    private final long splitBytes;
    private transient WordCounter training;
    private transient WordCounter heldOut;

    CountFileWordsFn(
        boolean doLowerCase, int heldOutPercent, int maxLineBytes, int flushEntries,
        long splitBytes) {
      this.doLowerCase = doLowerCase;
      this.heldOutPercent = heldOutPercent;
      this.maxLineBytes = maxLineBytes;
      this.flushEntries = flushEntries;
      this.splitBytes = splitBytes;
    }

    @Setup
    public void setup() {
      training = LearnVocab.newCounter(doLowerCase, flushEntries);
      heldOut = LearnVocab.newCounter(doLowerCase, flushEntries);
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
      long start = piece.getValue();
      String name = file.getMetadata().resourceId().toString();
      try (InputStream in = open(file, start)) {
        ReadCorpus.readLines(
            name,
            in,
            maxLineBytes,
            (index, text) -> {
              // A percent of 0 holds out nothing: skip hashing every line.
              if (heldOutPercent > 0 && HeldOut.isHeldOut(text, heldOutPercent)) {
                LearnVocab.countLine(heldOut, text,
                    (shard, counts) -> out.get(HELD_OUT_PARTIALS).output(KV.of(shard, counts)));
              } else {
                LearnVocab.countLine(training, text,
                    (shard, counts) -> out.get(TRAINING_PARTIALS).output(KV.of(shard, counts)));
              }
            });
      }
    }

    /** The whole file ({@code start < 0}), or the lines starting in the range at {@code start}. */
    private InputStream open(FileIO.ReadableFile file, long start) throws IOException {
      if (start < 0) {
        return Channels.newInputStream(file.open());
      }
      SeekableByteChannel channel = file.openSeekable();
      try {
        channel.position(start);
        // The last range reads on to the end, should the file have grown since it was listed.
        long end = start + splitBytes >= file.getMetadata().sizeBytes()
            ? Long.MAX_VALUE
            : start + splitBytes;
        return new LineRangeInputStream(Channels.newInputStream(channel), start, end);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
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
