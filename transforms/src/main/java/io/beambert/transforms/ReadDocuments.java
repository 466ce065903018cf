package io.beambert.transforms;

import io.beambert.instances.distributed.ContentId;
import io.beambert.io.FileRanges;
import io.beambert.io.InputFileStream;
import io.beambert.text.DocumentSplitter;
import io.beambert.text.PyStr;
import io.beambert.text.Utf8Lines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads corpus files in the reference input format into documents keyed by their content id: the
 * one document reader of beambert.
 *
 * <p>Output: {@code KV<id, DocumentSource>}. A document is a run of non-blank lines; its text is
 * those lines, stripped, joined with {@code '\n'}, and its id is {@link ContentId#of} over them (a
 * hash of the content only, so ids do not depend on file names, file order or position). The
 * {@link DocumentSource} is where the text is read again (file and byte range, for an uncompressed
 * file) or the text itself (compressed files), so that a grouping of documents shuffles a few
 * dozen bytes per document, not the corpus. Lines are read like the reference reads them ({@link
 * Utf8Lines}: split on {@code '\n'}, invalid UTF-8 dropped, Python's {@code str.strip()}); a blank
 * line ends a document, and so does the end of a file (unlike the reference, which would continue
 * a document into the next file, because the order of files must not matter here). Each file, or
 * each 8 MiB range of a large uncompressed file, is streamed by one worker, one document in memory
 * at a time.
 *
 * <p>Deterministic: the ids and texts do not depend on file order, bundling or runner. Metrics
 * (namespace {@value PretrainingData#METRICS}): counter {@code documents_read}.
 *
 * <pre>{@code
 * PCollection<KV<String, DocumentSource>> docs = pipeline.apply(ReadDocuments.from("corpus/*.txt"));
 * }</pre>
 */
public final class ReadDocuments
    extends PTransform<PBegin, PCollection<KV<String, DocumentSource>>> {
  private final String filepattern;
  private final long rangeBytes;

  private ReadDocuments(String filepattern, long rangeBytes) {
    this.filepattern = filepattern;
    this.rangeBytes = rangeBytes;
  }

  /** Reads large files in ranges of {@code rangeBytes} (tests: small). */
  ReadDocuments withRangeBytes(long rangeBytes) {
    return new ReadDocuments(filepattern, rangeBytes);
  }

  /** Reads the files matching {@code filepattern} (any Beam file system). */
  public static ReadDocuments from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("filepattern must be non-empty");
    }
    return new ReadDocuments(filepattern, RANGE_BYTES);
  }

  @Override
  public PCollection<KV<String, DocumentSource>> expand(PBegin begin) {
    return pieces(begin)
        .apply("SplitDocuments", ParDo.of(new SourcesFn(rangeBytes)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder()));
  }

  /** The matched files, large ones as ranges ({@link FileRanges}). */
  private PCollection<KV<FileIO.ReadableFile, Long>> pieces(PBegin begin) {
    return begin
        .apply("MatchFiles", FileIO.match().filepattern(filepattern))
        .apply("OpenFiles", FileIO.readMatches())
        .apply("SplitLargeFiles", FileRanges.of(rangeBytes));
  }

  /**
   * Uncompressed files larger than this are read in ranges of this size by several workers (a
   * range's documents are those after the first blank line that starts in it, up to the first
   * blank line that starts in the next range).
   */
  static final long RANGE_BYTES = 8L << 20;

  /**
   * Streams one file, or one range of it ({@link FileRanges}), one document in memory at a time: a
   * blank line (after stripping) or the end of the file ends a document.
   *
   * <p>Range {@code [start, end)} holds the documents that follow its boundary, the first blank line
   * whose first byte is at or after {@code start} (for the first range: the start of the file), up
   * to the next range's boundary; so consecutive ranges hold every document exactly once, whatever
   * the range size, and a document is cut neither by a range nor by a buffer.
   */
  private static void split(
      FileIO.ReadableFile file, long start, long rangeBytes, DocumentSink sink)
      throws IOException {
    long end =
        start == FileRanges.WHOLE_FILE
            ? Long.MAX_VALUE
            : FileRanges.readEnd(start, rangeBytes, file.getMetadata().sizeBytes());
    long base = 0; // offset in the file of the stream's first byte
    ReadableByteChannel channel;
    if (start > 0) {
      SeekableByteChannel seekable = file.openSeekable();
      base = start - 1;
      try {
        seekable.position(base);
      } catch (IOException | RuntimeException e) {
        seekable.close();
        throw e;
      }
      channel = seekable;
    } else {
      channel = file.open();
    }
    try (InputStream in =
            InputFileStream.of(
                file.getMetadata().resourceId().toString(),
                file.getCompression(),
                Channels.newInputStream(channel));
        Utf8Lines lines = new Utf8Lines(in)) {
      // A document is counted with the invalid bytes read since the previous one ended (or since
      // the range's boundary), so consecutive ranges count each byte once.
      long[] counted = {0};
      DocumentSplitter splitter =
          new DocumentSplitter(
              (sentences, from, to) -> {
                long dropped = lines.droppedBytes();
                sink.accept(sentences, from, to, dropped - counted[0]);
                counted[0] = dropped;
              });
      boolean atBoundary = start <= 0;
      if (start > 0) {
        lines.next(); // the rest of the line holding byte start - 1: it starts before the range
      }
      long lineStart = base + lines.position();
      for (String line = lines.next(); line != null; line = lines.next()) {
        long next = base + lines.position();
        if (!atBoundary) {
          if (lineStart >= end) {
            return; // no blank line starts in this range: its documents belong to the previous one
          }
          atBoundary = PyStr.strip(line).isEmpty();
          counted[0] = lines.droppedBytes(); // bytes before the boundary are the previous range's
        } else if (splitter.line(line, lineStart, next) && lineStart >= end) {
          return; // the next range's boundary (the blank line ended the open document)
        }
        lineStart = next;
      }
      splitter.endDocument();
    }
  }

  /**
   * The documents of a text in the corpus format (one sentence per line, a blank line between
   * documents), keyed by content id and carried with their texts: one message of a live feed, or
   * one new file of a watched folder.
   */
  public static List<KV<String, DocumentSource>> documentsOf(String text) {
    List<KV<String, DocumentSource>> documents = new ArrayList<>();
    DocumentSplitter splitter =
        new DocumentSplitter(
            (sentences, start, end) ->
                documents.add(
                    KV.of(
                        ContentId.of(sentences),
                        DocumentSource.text(String.join("\n", sentences)))));
    for (String line : text.split("\n", -1)) {
      splitter.line(line, 0, 0);
    }
    splitter.endDocument();
    return documents;
  }

  /** Receives the documents of {@link #split}. */
  @FunctionalInterface
  private interface DocumentSink {
    /**
     * Takes a document's sentences, its bytes {@code [start, end)} in the file and the invalid UTF-8
     * bytes read with it.
     */
    void accept(List<String> sentences, long start, long end, long invalidBytes);
  }

  /**
   * Streams one file, or one range of it, and emits its documents keyed by content id, with their
   * locations (texts when the file cannot be read from an offset).
   */
  static final class SourcesFn extends DoFn<KV<FileIO.ReadableFile, Long>, KV<String, DocumentSource>> {
    private final Counter read = Metrics.counter(PretrainingData.METRICS, "documents_read");
    private final long rangeBytes;

    SourcesFn(long rangeBytes) {
      this.rangeBytes = rangeBytes;
    }

    @ProcessElement
    public void process(
        @Element KV<FileIO.ReadableFile, Long> piece,
        OutputReceiver<KV<String, DocumentSource>> out)
        throws IOException {
      FileIO.ReadableFile file = piece.getKey();
      boolean seekable =
          file.getCompression() == Compression.UNCOMPRESSED
              && file.getMetadata().isReadSeekEfficient();
      split(
          file,
          piece.getValue(),
          rangeBytes,
          (sentences, start, end, invalidBytes) -> {
            DocumentSource source =
                (seekable && end - start <= Integer.MAX_VALUE - 16
                        ? DocumentSource.at(
                            file.getMetadata().resourceId().toString(), start, end - start,
                            DocumentSource.textHash(sentences))
                        : DocumentSource.text(String.join("\n", sentences)))
                    .withInvalidBytes(invalidBytes);
            out.output(KV.of(ContentId.of(sentences), source));
            read.inc();
          });
    }
  }
}
