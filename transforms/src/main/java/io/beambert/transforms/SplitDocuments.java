package io.beambert.transforms;

import io.beambert.schemas.CorpusLine;
import io.beambert.schemas.Document;
import io.beambert.text.PyStr;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Splits corpus lines in the reference input format into documents: one sentence per line, and a
 * line that is empty after Python's {@code str.strip()} ends a document.
 *
 * <p>Input: {@code PCollection<CorpusLine>} (e.g. from {@code ReadCorpus}). Output: {@code
 * PCollection<Document>}, one element per run of non-blank lines of one file, sentences stripped and
 * in line order. A document never spans two files here; {@link Document#getOpensFile()} and {@link
 * Document#getClosesFile()} say whether a blank line bounds it, so a consumer that needs the
 * reference's behaviour at file boundaries (the reference continues the last document of one file
 * with the first lines of the next when no blank line separates them) can join them.
 *
 * <p>Lines of one document are grouped by (file, number of the blank line before the document), so a
 * file of any size is split in parallel; every worker holds the sorted numbers of the blank lines of
 * the files (a side input, 8 bytes a blank line) and one document at a time.
 *
 * <p>Guarantees: deterministic; a document's id is a digest of its file's name (without the
 * folder), its first line number and its sentences, and does not depend on bundling, worker count or
 * runner. Metrics: counters {@code blank_lines}, {@code documents}, {@code sentences}; distribution
 * {@code document_sentences}. Nothing is dropped: whitespace-only lines are the separators.
 *
 * <pre>{@code
 * PCollection<Document> docs =
 *     pipeline.apply(ReadCorpus.from("corpus/*.txt")).apply(SplitDocuments.create());
 * }</pre>
 */
public final class SplitDocuments extends PTransform<PCollection<CorpusLine>, PCollection<Document>> {

  private SplitDocuments() {}

  /** Splits on blank lines, the reference's only document separator. */
  public static SplitDocuments create() {
    return new SplitDocuments();
  }

  @Override
  public PCollection<Document> expand(PCollection<CorpusLine> lines) {
    PCollectionView<Map<String, List<Long>>> blanks =
        lines
            .apply("FindBlankLines", ParDo.of(new BlankLineFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("CollectBlankLines", Combine.perKey(new SortedLongsFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of())))
            .apply("BlankLinesView", View.asMap());
    return lines
        .apply("KeyByDocument", ParDo.of(new KeyByDocumentFn(blanks)).withSideInputs(blanks))
        .setCoder(
            KvCoder.of(
                KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()),
                KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of())))
        .apply("GroupDocumentLines", GroupByKey.create())
        .apply("AssembleDocuments", ParDo.of(new AssembleFn(blanks)).withSideInputs(blanks))
        .setCoder(AvroCoder.of(Document.class));
  }

  /** Whether the reference treats {@code text} as a document separator. */
  static boolean isBlank(String text) {
    return PyStr.strip(text).isEmpty();
  }

  /** The number of the last blank line before {@code line}, or -1. */
  static long blankBefore(List<Long> sortedBlanks, long line) {
    if (sortedBlanks == null || sortedBlanks.isEmpty()) {
      return -1;
    }
    int i = Collections.binarySearch(sortedBlanks, line);
    int insertion = i >= 0 ? i : -i - 1;
    return insertion == 0 ? -1 : sortedBlanks.get(insertion - 1);
  }

  /** Stable id of a document: hex of the first 8 bytes of a SHA-256 over name, line, sentences. */
  static String documentId(String file, long firstLine, List<String> sentences) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String name = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
      sha.update((name + "\n" + firstLine + "\n").getBytes(StandardCharsets.UTF_8));
      for (String s : sentences) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Emits (file, line) of every blank line. */
  static final class BlankLineFn extends DoFn<CorpusLine, KV<String, Long>> {
    private final Counter blankLines = Metrics.counter(SplitDocuments.class, "blank_lines");

    @ProcessElement
    public void process(@Element CorpusLine line, OutputReceiver<KV<String, Long>> out) {
      if (isBlank(line.getText())) {
        blankLines.inc();
        out.output(KV.of(line.getFile(), line.getLine()));
      }
    }
  }

  /** Collects line numbers into a sorted list. */
  static final class SortedLongsFn extends Combine.CombineFn<Long, List<Long>, List<Long>> {
    @Override
    public List<Long> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<Long> addInput(List<Long> acc, Long value) {
      acc.add(value);
      return acc;
    }

    @Override
    public List<Long> mergeAccumulators(Iterable<List<Long>> accs) {
      List<Long> out = new ArrayList<>();
      for (List<Long> a : accs) {
        out.addAll(a);
      }
      return out;
    }

    @Override
    public List<Long> extractOutput(List<Long> acc) {
      List<Long> sorted = new ArrayList<>(acc);
      Collections.sort(sorted);
      return sorted;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<List<Long>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<Long> inputCoder) {
      return ListCoder.of(VarLongCoder.of());
    }
  }

  /** Keys every non-blank line by (file, blank line before it). */
  static final class KeyByDocumentFn
      extends DoFn<CorpusLine, KV<KV<String, Long>, KV<Long, String>>> {
    private final PCollectionView<Map<String, List<Long>>> blanks;

    KeyByDocumentFn(PCollectionView<Map<String, List<Long>>> blanks) {
      this.blanks = blanks;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      CorpusLine line = c.element();
      String stripped = PyStr.strip(line.getText());
      if (stripped.isEmpty()) {
        return;
      }
      long start = blankBefore(c.sideInput(blanks).get(line.getFile()), line.getLine());
      c.output(KV.of(KV.of(line.getFile(), start), KV.of(line.getLine(), stripped)));
    }
  }

  /** Orders a document's lines and builds the Document. */
  static final class AssembleFn extends DoFn<KV<KV<String, Long>, Iterable<KV<Long, String>>>, Document> {
    private final PCollectionView<Map<String, List<Long>>> blanks;
    private final Counter documents = Metrics.counter(SplitDocuments.class, "documents");
    private final Counter sentences = Metrics.counter(SplitDocuments.class, "sentences");
    private final Distribution documentSentences =
        Metrics.distribution(SplitDocuments.class, "document_sentences");

    AssembleFn(PCollectionView<Map<String, List<Long>>> blanks) {
      this.blanks = blanks;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      String file = c.element().getKey().getKey();
      long blankBefore = c.element().getKey().getValue();
      List<KV<Long, String>> lines = new ArrayList<>();
      c.element().getValue().forEach(lines::add);
      lines.sort((a, b) -> Long.compare(a.getKey(), b.getKey()));
      List<String> texts = new ArrayList<>(lines.size());
      for (KV<Long, String> l : lines) {
        texts.add(l.getValue());
      }
      long firstLine = lines.get(0).getKey();
      long lastLine = lines.get(lines.size() - 1).getKey();
      List<Long> fileBlanks = c.sideInput(blanks).get(file);
      boolean closesFile =
          fileBlanks == null
              || fileBlanks.isEmpty()
              || fileBlanks.get(fileBlanks.size() - 1) < lastLine;
      documents.inc();
      sentences.inc(texts.size());
      documentSentences.update(texts.size());
      c.output(
          Document.newBuilder()
              .setId(documentId(file, firstLine, texts))
              .setFile(file)
              .setFirstLine(firstLine)
              .setOpensFile(blankBefore < 0)
              .setClosesFile(closesFile)
              .setSentences(texts)
              .build());
    }
  }
}
