package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.beambert.schemas.CorpusLine;
import io.beambert.schemas.Document;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class SplitDocumentsTest {

  private static List<CorpusLine> lines(String file, String... texts) {
    List<CorpusLine> out = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      out.add(new CorpusLine(file, (long) i, texts[i]));
    }
    return out;
  }

  private static Document doc(
      String file, long first, boolean opens, boolean closes, String... sentences) {
    List<String> s = List.of(sentences);
    return new Document(SplitDocuments.documentId(file, first, s), file, first, opens, closes, s);
  }

  @Test
  void splitsOnPythonBlankLines(TestPipeline p) {
    List<CorpusLine> in = new ArrayList<>();
    // \u00a0 and \u001c are Python whitespace, so those lines are blank; \u200b is not.
    in.addAll(lines("/c/a.txt", "", "  One. ", "Two.", "\u00a0", "\u001c", "Three.", "\u200b", ""));
    in.addAll(lines("/c/b.txt", "Four.", "", "Five.\r"));
    Collections.shuffle(in, new java.util.Random(1));
    PCollection<Document> docs =
        p.apply(Create.of(in).withCoder(AvroCoder.of(CorpusLine.class)))
            .apply(SplitDocuments.create());
    PAssert.that(docs)
        .containsInAnyOrder(
            doc("/c/a.txt", 1, false, false, "One.", "Two."),
            doc("/c/a.txt", 5, false, false, "Three.", "\u200b"),
            doc("/c/b.txt", 0, true, false, "Four."),
            doc("/c/b.txt", 2, false, true, "Five."));
    p.run().waitUntilFinish();
  }

  @Test
  void emptyInputGivesNoDocuments(TestPipeline p) {
    PCollection<Document> docs =
        p.apply(Create.empty(AvroCoder.of(CorpusLine.class))).apply(SplitDocuments.create());
    PAssert.that(docs).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void idDependsOnContentAndPositionNotFolder() {
    List<String> s = List.of("a b");
    assertEquals(
        SplitDocuments.documentId("/x/f.txt", 3, s), SplitDocuments.documentId("/y/f.txt", 3, s));
    assertNotEquals(
        SplitDocuments.documentId("/x/f.txt", 3, s), SplitDocuments.documentId("/x/f.txt", 4, s));
    assertNotEquals(
        SplitDocuments.documentId("/x/f.txt", 3, s),
        SplitDocuments.documentId("/x/f.txt", 3, List.of("a c")));
  }
}
