package io.beambert.transforms;

import io.beambert.instances.distributed.ContentId;
import io.beambert.text.PyStr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading documents whole and in byte ranges of every size gives the same documents. */
class ReadDocumentsTest {
  @TempDir Path tmp;

  private static final String[] BLANKS = {"", "   ", "\t\r", "\u3000", "\u00a0 "};
  private static final String[] WORDS = {
    "alpha", "b\u00e9ta", "\u4e2d\u6587", "\ud83d\ude00", "x", "longer-word", "\u00a0pad"
  };

  /** A corpus of documents separated by assorted blank lines; returns the expected documents. */
  private static List<KV<String, String>> corpus(Path file, int docs, long seed) throws IOException {
    return corpus(file, docs, seed, new ArrayList<>());
  }

  /** The same, also listing each document's invalid UTF-8 bytes in {@code invalid}. */
  private static List<KV<String, String>> corpus(
      Path file, int docs, long seed, List<KV<String, Long>> invalid) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<KV<String, String>> expected = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      for (int b = 1 + r.nextInt(3); b > 0; b--) { // at least one blank line between documents
        bytes.writeBytes((BLANKS[r.nextInt(BLANKS.length)] + "\n").getBytes(StandardCharsets.UTF_8));
      }
      List<String> sentences = new ArrayList<>();
      int lines = 1 + r.nextInt(r.nextInt(10) == 0 ? 40 : 4);
      for (int l = 0; l < lines; l++) {
        StringBuilder line = new StringBuilder(r.nextBoolean() ? " " : "");
        for (int w = r.nextInt(r.nextInt(20) == 0 ? 300 : 8); w >= 0; w--) {
          line.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
        }
        bytes.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        sentences.add(PyStr.strip(line.toString()));
      }
      long bad = 0;
      if (r.nextInt(8) == 0) { // invalid bytes inside a line: dropped, as Python's "ignore"
        bad = 1 + r.nextInt(3);
        bytes.write('z');
        for (int k = 0; k < bad; k++) {
          bytes.write(0xFF);
        }
        bytes.writeBytes(new byte[] {'z', '\n'});
        sentences.add("zz");
      }
      expected.add(KV.of(ContentId.of(sentences), String.join("\n", sentences)));
      invalid.add(KV.of(ContentId.of(sentences), bad));
    }
    Files.write(file, bytes.toByteArray());
    return expected;
  }

  /** Reads a source back into its text. */
  static final class ReadBackFn extends DoFn<KV<String, DocumentSource>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, DocumentSource> doc, OutputReceiver<KV<String, String>> out)
        throws IOException {
      out.output(KV.of(doc.getKey(), doc.getValue().read()));
    }
  }

  /** A source's invalid UTF-8 bytes. */
  static final class InvalidBytesFn extends DoFn<KV<String, DocumentSource>, KV<String, Long>> {
    @ProcessElement
    public void process(@Element KV<String, DocumentSource> doc, OutputReceiver<KV<String, Long>> out) {
      out.output(KV.of(doc.getKey(), doc.getValue().invalidBytes()));
    }
  }

  /** Each document carries the invalid bytes of its own lines, whatever the range size. */
  @Test
  void everyRangeSizeGivesEveryDocumentOnce() throws IOException {
    Path file = tmp.resolve("corpus.txt");
    List<KV<String, Long>> invalid = new ArrayList<>();
    List<KV<String, String>> expected = corpus(file, 60, 7, invalid);
    org.junit.jupiter.api.Assertions.assertTrue(
        invalid.stream().filter(kv -> kv.getValue() > 0).count() >= 3, "documents with bad bytes");
    long size = Files.size(file);
    for (long rangeBytes : new long[] {Long.MAX_VALUE, size, 29, 100, 333, 4096}) {
      Pipeline p =
          Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
      PCollection<KV<String, String>> readBack =
          p.apply(ReadDocuments.from(file.toString()).withRangeBytes(rangeBytes))
              .apply(ParDo.of(new ReadBackFn()))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
      PAssert.that(readBack).containsInAnyOrder(expected);
      PAssert.that(
              p.apply("Again", ReadDocuments.from(file.toString()).withRangeBytes(rangeBytes))
                  .apply(ParDo.of(new InvalidBytesFn())))
          .containsInAnyOrder(invalid);
      try {
        p.run().waitUntilFinish();
      } catch (RuntimeException e) {
        throw new AssertionError("range size " + rangeBytes + " of " + size, e);
      }
    }
  }
}
