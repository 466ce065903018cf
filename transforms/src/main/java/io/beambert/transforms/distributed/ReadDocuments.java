package io.beambert.transforms.distributed;

import io.beambert.instances.distributed.ContentId;
import io.beambert.text.PyStr;
import io.beambert.text.Utf8Lines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
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
 * Reads corpus files in the reference input format into documents keyed by their content id.
 *
 * <p>Output: {@code KV<id, text>}, where text is the document's stripped non-blank lines joined
 * with {@code '\n'} and id is {@link ContentId#of} over those lines. Lines are read like the
 * reference reads them ({@link Utf8Lines}: split on {@code '\n'}, invalid UTF-8 dropped, Python's
 * {@code str.strip()}); a blank line ends a document, and so does the end of a file (unlike the
 * reference, which would continue a document into the next file, because the order of files must
 * not matter here). Each file is streamed by one worker, one document in memory at a time.
 *
 * <p>Deterministic: the ids and texts do not depend on file order, bundling or runner. Metrics:
 * counter {@code documents_read}.
 *
 * <pre>{@code
 * PCollection<KV<String, String>> docs = pipeline.apply(ReadDocuments.from("corpus/*.txt"));
 * }</pre>
 */
public final class ReadDocuments extends PTransform<PBegin, PCollection<KV<String, String>>> {
  private final String filepattern;

  private ReadDocuments(String filepattern) {
    this.filepattern = filepattern;
  }

  /** Reads the files matching {@code filepattern} (any Beam file system). */
  public static ReadDocuments from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("filepattern must be non-empty");
    }
    return new ReadDocuments(filepattern);
  }

  /**
   * Reads the files matching {@code filepattern} into documents keyed by their content id, each
   * with a {@link DocumentSource}: its location (file, byte range) in an uncompressed file, or its
   * text in a compressed one. Ids and texts are those of {@link #from}; {@link
   * GenerateDistributed#fromSources()} generates from them without carrying the texts through its
   * shuffle.
   *
   * <pre>{@code
   * pipeline
   *     .apply(ReadDocuments.sources("corpus/*.txt"))
   *     .apply(GenerateDistributed.to("out", vocabLines).fromSources());
   * }</pre>
   */
  public static Sources sources(String filepattern) {
    return new Sources(from(filepattern).filepattern);
  }

  /** {@link ReadDocuments#sources}: documents as {@code KV<id, DocumentSource>}. */
  public static final class Sources
      extends PTransform<PBegin, PCollection<KV<String, DocumentSource>>> {
    private final String filepattern;

    private Sources(String filepattern) {
      this.filepattern = filepattern;
    }

    @Override
    public PCollection<KV<String, DocumentSource>> expand(PBegin begin) {
      return begin
          .apply("MatchFiles", FileIO.match().filepattern(filepattern))
          .apply("OpenFiles", FileIO.readMatches())
          .apply("SplitDocuments", ParDo.of(new SourcesFn()))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder()));
    }
  }

  @Override
  public PCollection<KV<String, String>> expand(PBegin begin) {
    return begin
        .apply("MatchFiles", FileIO.match().filepattern(filepattern))
        .apply("OpenFiles", FileIO.readMatches())
        .apply("SplitDocuments", ParDo.of(new SplitFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  /** Receives the documents of a file: stripped sentences and the byte range of their lines. */
  private interface DocumentSink {
    void accept(List<String> sentences, long start, long end);
  }

  /**
   * Streams one file, one document in memory at a time: a blank line (after stripping) or the end
   * of the file ends a document.
   */
  private static void split(FileIO.ReadableFile file, DocumentSink sink) throws IOException {
    List<String> sentences = new ArrayList<>();
    long start = 0;
    long end = 0;
    try (InputStream in = Channels.newInputStream(file.open());
        Utf8Lines lines = new Utf8Lines(in)) {
      long before = lines.position();
      for (String line = lines.next(); line != null; line = lines.next()) {
        String s = PyStr.strip(line);
        if (s.isEmpty()) {
          if (!sentences.isEmpty()) {
            sink.accept(sentences, start, end);
            sentences.clear();
          }
        } else {
          if (sentences.isEmpty()) {
            start = before;
          }
          sentences.add(s);
          end = lines.position();
        }
        before = lines.position();
      }
    }
    if (!sentences.isEmpty()) {
      sink.accept(sentences, start, end);
    }
  }

  /** Streams one file and emits its documents with their texts. */
  static final class SplitFn extends DoFn<FileIO.ReadableFile, KV<String, String>> {
    private final Counter read = Metrics.counter(GenerateDistributed.METRICS, "documents_read");

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<String, String>> out)
        throws IOException {
      split(
          file,
          (sentences, start, end) -> {
            out.output(KV.of(ContentId.of(sentences), String.join("\n", sentences)));
            read.inc();
          });
    }
  }

  /** Streams one file and emits its documents with their locations (texts when compressed). */
  static final class SourcesFn extends DoFn<FileIO.ReadableFile, KV<String, DocumentSource>> {
    private final Counter read = Metrics.counter(GenerateDistributed.METRICS, "documents_read");

    @ProcessElement
    public void process(
        @Element FileIO.ReadableFile file, OutputReceiver<KV<String, DocumentSource>> out)
        throws IOException {
      boolean seekable = file.getCompression() == Compression.UNCOMPRESSED;
      String name = file.getMetadata().resourceId().toString();
      split(
          file,
          (sentences, start, end) -> {
            String text = String.join("\n", sentences);
            DocumentSource source =
                seekable && end - start <= Integer.MAX_VALUE - 16
                    ? DocumentSource.at(name, start, end - start, text.hashCode())
                    : DocumentSource.text(text);
            out.output(KV.of(ContentId.of(sentences), source));
            read.inc();
          });
    }
  }
}
