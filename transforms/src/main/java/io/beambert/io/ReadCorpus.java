package io.beambert.io;

import io.beambert.schemas.CorpusLine;
import io.beambert.text.Utf8Lines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Collections;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.transforms.Create;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the lines of every file matching a file pattern, the way the reference reads its input.
 *
 * <p>Output: one {@link CorpusLine} per line (file, 0-based line index, text), with an Avro coder.
 * Lines end at {@code '\n'} only; the text keeps {@code '\r'} and is not stripped. Invalid UTF-8 is
 * dropped like Python's {@code errors="ignore"} (see {@link Utf8Lines}); NUL characters are kept
 * (the tokenizer removes them). Compressed files are decompressed by extension ({@code .gz},
 * {@code .bz2}, ...). Each file is read sequentially by one worker; parallelism comes from having
 * several files.
 *
 * <p>Memory bound: a line longer than {@link #withMaxLineBytes} bytes (default {@value
 * #DEFAULT_MAX_LINE_BYTES}, 1 MiB) is cut on a character boundary; the rest of that line is skipped
 * without being buffered, so a 50 MB line without a newline costs at most the bound. Its {@code
 * line} index stays that of the whole line, so (file, line) identifies a record uniquely.
 *
 * <p>Metrics: counters {@code corpus_lines_read}, {@code invalid_utf8_bytes_dropped}, {@code
 * lines_truncated} and {@code bytes_dropped_long_lines}, and distribution {@code
 * line_length_chars} (updated every {@value #COUNTER_LINES} lines and at the end of each file, so
 * they are live during long reads). Progress (lines read so far, the file being read) is logged at
 * INFO every {@value #PROGRESS_SECONDS} seconds per JVM.
 * Order of the output is not meaningful; sort by (file, line) to restore it.
 *
 * <p>The pattern is matched when the pipeline runs; an empty match yields no lines. Command lines
 * call {@link #checkMatches} first to fail with a clear message instead.
 *
 * <pre>{@code
 * ReadCorpus.checkMatches(options.getInput(), options);
 * PCollection<CorpusLine> lines = pipeline.apply(ReadCorpus.from(options.getInput()));
 * }</pre>
 */
public final class ReadCorpus extends PTransform<PBegin, PCollection<CorpusLine>> {
  private static final long serialVersionUID = 1L;

  /** Default bound on the bytes kept per line: 1 MiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

  private final String filepattern;
  private final int maxLineBytes;
  private final boolean matchWhenBuilt;

  private ReadCorpus(String filepattern, int maxLineBytes, boolean matchWhenBuilt) {
    this.filepattern = filepattern;
    this.maxLineBytes = maxLineBytes;
    this.matchWhenBuilt = matchWhenBuilt;
  }

  /** Reads every file matching {@code filepattern} (a path or glob on any Beam file system). */
  public static ReadCorpus from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("ReadCorpus.from: filepattern must be non-empty, got "
          + (filepattern == null ? "null" : "\"\""));
    }
    return new ReadCorpus(filepattern, DEFAULT_MAX_LINE_BYTES, false);
  }

  /**
   * Keeps at most {@code maxLineBytes} bytes of each line (default 1 MiB; range 4 to {@value
   * Utf8Lines#MAX_LINE_BYTES}).
   */
  public ReadCorpus withMaxLineBytes(int maxLineBytes) {
    if (maxLineBytes < 4 || maxLineBytes > Utf8Lines.MAX_LINE_BYTES) {
      throw new IllegalArgumentException(
          "withMaxLineBytes: must be in [4, " + Utf8Lines.MAX_LINE_BYTES + "], got " + maxLineBytes);
    }
    return new ReadCorpus(filepattern, maxLineBytes, matchWhenBuilt);
  }

  /**
   * Matches the pattern when the pipeline is built rather than when it runs, and hands the file
   * list to the runner as a splittable list (default: matched when it runs). The runner then reads
   * the files in a few bundles of several files each instead of one bundle per file, which saves
   * the DirectRunner much per-bundle work on corpora of many small files. Files added after the
   * pipeline was built are not read.
   */
  public ReadCorpus withMatchWhenBuilt() {
    return new ReadCorpus(filepattern, maxLineBytes, true);
  }

  /**
   * Checks, before a pipeline runs, that {@code filepattern} matches at least one file; returns the
   * files (not folders) it matches, in name order.
   *
   * @throws IllegalArgumentException {@code "no file matches --input=PATTERN"}
   */
  public static List<MatchResult.Metadata> checkMatches(String filepattern) {
    return checkMatches(filepattern, null);
  }

  /**
   * Like {@link #checkMatches(String)}, with the file systems registered from {@code options} (for
   * schemes other than local files).
   *
   * @throws IllegalArgumentException {@code "no file matches --input=PATTERN"}
   */
  public static List<MatchResult.Metadata> checkMatches(
      String filepattern, PipelineOptions options) {
    if (options != null) {
      FileSystems.setDefaultPipelineOptions(options);
    }
    List<MatchResult.Metadata> files;
    try {
      files = matchFiles(filepattern);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
      throw new IllegalArgumentException(
          "no file matches --input=" + filepattern + " (" + cause.getMessage() + ")", cause);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no file matches --input=" + filepattern);
    }
    return files;
  }

  @Override
  public PCollection<CorpusLine> expand(PBegin input) {
    return openFiles(input)
        .apply("ReadLines", ParDo.of(new ReadLinesFn(maxLineBytes)))
        .setCoder(AvroCoder.of(CorpusLine.class));
  }

  /**
   * The files this transform would read, matched the same way ({@link #withMatchWhenBuilt} or
   * not) and opened with {@link FileIO#readMatches}, for steps that consume the lines of a file in
   * place with {@link #readLines} instead of as one element per line.
   */
  public Files files() {
    return new Files(this);
  }

  /** The matched files of a {@link ReadCorpus}, opened for reading: see {@link #files()}. */
  public static final class Files extends PTransform<PBegin, PCollection<FileIO.ReadableFile>> {
    private static final long serialVersionUID = 1L;

    private final ReadCorpus read;

    private Files(ReadCorpus read) {
      this.read = read;
    }

    @Override
    public PCollection<FileIO.ReadableFile> expand(PBegin input) {
      return read.openFiles(input);
    }
  }

  private PCollection<FileIO.ReadableFile> openFiles(PBegin input) {
    PCollection<MatchResult.Metadata> files;
    if (matchWhenBuilt) {
      files = input.apply("ListFiles", Create.of(matchFiles(filepattern)).withCoder(MetadataCoderV2.of()));
    } else {
      files = input.apply("MatchFiles", FileIO.match().filepattern(filepattern)
          .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW));
    }
    return files.apply("OpenFiles", FileIO.readMatches());
  }

  /**
   * The files (not folders) matching {@code filepattern} now, in name order; none for an empty
   * match. The file systems must be registered ({@link FileSystems#setDefaultPipelineOptions}) for
   * schemes other than local files.
   */
  public static List<MatchResult.Metadata> matchFiles(String filepattern) {
    try {
      MatchResult result =
          FileSystems.match(Collections.singletonList(filepattern), EmptyMatchTreatment.ALLOW)
              .get(0);
      List<MatchResult.Metadata> files = new ArrayList<>();
      if (result.status() == MatchResult.Status.OK) {
        for (MatchResult.Metadata m : result.metadata()) {
          if (!m.resourceId().isDirectory()) {
            files.add(m);
          }
        }
      }
      files.sort(Comparator.comparing(m -> m.resourceId().toString()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot match --input=" + filepattern, e);
    }
  }

  /** Lines between two counter updates while a file is read (and at its end). */
  static final int COUNTER_LINES = 10_000;

  /** Seconds between two progress lines (per JVM). */
  static final int PROGRESS_SECONDS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(ReadCorpus.class);
  private static final AtomicLong LINES_READ = new AtomicLong();
  private static final AtomicLong NEXT_PROGRESS_NANOS = new AtomicLong(System.nanoTime());
  private static final Counter LINES_READ_COUNTER =
      Metrics.counter(ReadCorpus.class, "corpus_lines_read");
  private static final Counter INVALID_BYTES =
      Metrics.counter(ReadCorpus.class, "invalid_utf8_bytes_dropped");
  private static final Counter LINES_TRUNCATED =
      Metrics.counter(ReadCorpus.class, "lines_truncated");
  private static final Counter BYTES_TRUNCATED =
      Metrics.counter(ReadCorpus.class, "bytes_dropped_long_lines");
  private static final Distribution LINE_LENGTH =
      Metrics.distribution(ReadCorpus.class, "line_length_chars");

  /** Receives the lines of a file from {@link #readLines}. */
  @FunctionalInterface
  public interface LineSink {
    /** Takes line {@code index} (0-based) of the file, decoded. */
    void accept(long index, String text);
  }

  /**
   * Reads the lines of one file exactly as this transform does (same decoding, line bound,
   * metrics and progress log), handing each to {@code sink} instead of emitting an element. The
   * metrics go to the container of the calling step; they are updated every {@value
   * #COUNTER_LINES} lines and at the end, so their totals are exact.
   *
   * @param name the file's name, for the progress log
   * @param maxLineBytes bytes kept per line, as {@link #withMaxLineBytes}
   */
  public static void readLines(String name, InputStream in, int maxLineBytes, LineSink sink)
      throws IOException {
    try (Utf8Lines lines = new Utf8Lines(in, maxLineBytes)) {
      long index = 0;
      Reported reported = new Reported();
      for (String text = lines.next(); text != null; text = lines.next()) {
        reported.length(text.length());
        sink.accept(index++, text);
        if (index % COUNTER_LINES == 0) {
          report(lines, reported, name);
        }
      }
      report(lines, reported, name);
    }
  }

  /** Adds what {@code lines} read since the last report to the metrics (totals stay exact). */
  private static void report(Utf8Lines lines, Reported reported, String name) {
    LINES_READ_COUNTER.inc(lines.linesRead() - reported.lines);
    INVALID_BYTES.inc(lines.droppedBytes() - reported.invalidBytes);
    LINES_TRUNCATED.inc(lines.truncatedLines() - reported.truncatedLines);
    BYTES_TRUNCATED.inc(lines.truncatedBytes() - reported.truncatedBytes);
    if (reported.lengths > 0) {
      LINE_LENGTH.update(
          reported.lengthSum, reported.lengths, reported.lengthMin, reported.lengthMax);
    }
    long total = LINES_READ.addAndGet(lines.linesRead() - reported.lines);
    reported.lines = lines.linesRead();
    reported.invalidBytes = lines.droppedBytes();
    reported.truncatedLines = lines.truncatedLines();
    reported.truncatedBytes = lines.truncatedBytes();
    reported.lengths = 0;
    reported.lengthSum = 0;
    reported.lengthMin = Long.MAX_VALUE;
    reported.lengthMax = Long.MIN_VALUE;
    long now = System.nanoTime();
    long next = NEXT_PROGRESS_NANOS.get();
    if (now - next >= 0
        && NEXT_PROGRESS_NANOS.compareAndSet(next, now + PROGRESS_SECONDS * 1_000_000_000L)) {
      LOG.info("reading: {} lines read so far, now {}", total, name);
    }
  }

  /**
   * What has been added to the metrics for the file being read, and the line lengths not yet added
   * (a distribution update per line would cost more than reading the line).
   */
  private static final class Reported {
    long lines;
    long invalidBytes;
    long truncatedLines;
    long truncatedBytes;
    long lengths;
    long lengthSum;
    long lengthMin = Long.MAX_VALUE;
    long lengthMax = Long.MIN_VALUE;

    void length(long chars) {
      lengths++;
      lengthSum += chars;
      lengthMin = Math.min(lengthMin, chars);
      lengthMax = Math.max(lengthMax, chars);
    }
  }

  /** Reads one file into lines with {@link Utf8Lines}. */
  static final class ReadLinesFn extends DoFn<FileIO.ReadableFile, CorpusLine> {
    private static final long serialVersionUID = 1L;

    private final int maxLineBytes;

    ReadLinesFn(int maxLineBytes) {
      this.maxLineBytes = maxLineBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<CorpusLine> out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      try (InputStream in = Channels.newInputStream(file.open())) {
        read(name, in, out::output);
      }
    }

    /** Reads the lines of {@code in}, updating the counters as it goes. */
    void read(String name, InputStream in, Consumer<CorpusLine> out) throws IOException {
      readLines(
          name,
          in,
          maxLineBytes,
          (index, text) ->
              out.accept(
                  CorpusLine.newBuilder().setFile(name).setLine(index).setText(text).build()));
    }
  }
}
