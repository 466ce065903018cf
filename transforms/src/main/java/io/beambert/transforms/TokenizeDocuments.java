package io.beambert.transforms;

import io.beambert.schemas.Document;
import io.beambert.schemas.TokenizedDocument;
import io.beambert.text.BertTokenizer;
import io.beambert.text.SerializableTokenizer;
import io.beambert.text.Vocab;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@link Tokenize} for whole documents: every sentence of a {@link Document} into WordPiece ids with
 * BERT's tokenizer, as the reference tokenizes its input lines.
 *
 * <p>Input: {@code PCollection<Document>} (from {@link SplitDocuments}). Output: {@code
 * PCollection<TokenizedDocument>}, same id, file and position. A sentence that tokenizes to
 * nothing (e.g. only control characters) is dropped without ending the document, as in the
 * reference (counter {@code sentences_without_tokens}); a document may so end up without sentences,
 * and later steps skip it. Deterministic and element-wise.
 *
 * <pre>{@code
 * PCollection<TokenizedDocument> docs =
 *     lines.apply(SplitDocuments.create())
 *         .apply(TokenizeDocuments.with(Vocab.load(Path.of("vocab.txt"))).withDoLowerCase(true));
 * }</pre>
 */
public final class TokenizeDocuments
    extends PTransform<PCollection<Document>, PCollection<TokenizedDocument>> {

  private final Vocab vocab;
  private final boolean doLowerCase;

  private TokenizeDocuments(Vocab vocab, boolean doLowerCase) {
    this.vocab = vocab;
    this.doLowerCase = doLowerCase;
  }

  /**
   * Tokenizes with {@code vocab} (must contain [UNK]), lower-casing by default.
   *
   * @throws IllegalArgumentException when the vocabulary has no [UNK]
   */
  public static TokenizeDocuments with(Vocab vocab) {
    if (vocab == null || !vocab.contains(Vocab.UNK)) {
      throw new IllegalArgumentException(
          "TokenizeDocuments.with: the vocabulary must contain " + Vocab.UNK);
    }
    return new TokenizeDocuments(vocab, true);
  }

  /** Lower-case and strip accents (uncased vocabularies); default true. */
  public TokenizeDocuments withDoLowerCase(boolean doLowerCase) {
    return new TokenizeDocuments(vocab, doLowerCase);
  }

  @Override
  public PCollection<TokenizedDocument> expand(PCollection<Document> docs) {
    return docs.apply("TokenizeSentences", ParDo.of(new TokenizeDocumentFn(vocab, doLowerCase)))
        .setCoder(AvroCoder.of(TokenizedDocument.class));
  }

  /** One tokenizer per DoFn instance, built in setup. */
  static final class TokenizeDocumentFn extends DoFn<Document, TokenizedDocument> {
    private final SerializableTokenizer tokenizer;
    private final Counter emptySentences =
        Metrics.counter(TokenizeDocuments.class, "sentences_without_tokens");

    TokenizeDocumentFn(Vocab vocab, boolean doLowerCase) {
      this.tokenizer = new SerializableTokenizer(vocab, doLowerCase);
    }

    @ProcessElement
    public void process(@Element Document doc, OutputReceiver<TokenizedDocument> out) {
      BertTokenizer tokenizer = this.tokenizer.get();
      List<List<Integer>> sentences = new ArrayList<>(doc.getSentences().size());
      for (String sentence : doc.getSentences()) {
        int n = tokenizer.tokenizeToIdBuffer(sentence);
        if (n == 0) {
          emptySentences.inc();
          continue;
        }
        List<Integer> ids = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          ids.add(tokenizer.idAt(k));
        }
        sentences.add(ids);
      }
      out.output(
          TokenizedDocument.newBuilder()
              .setId(doc.getId())
              .setFile(doc.getFile())
              .setFirstLine(doc.getFirstLine())
              .setOpensFile(doc.getOpensFile())
              .setClosesFile(doc.getClosesFile())
              .setSentences(sentences)
              .build());
    }
  }
}
