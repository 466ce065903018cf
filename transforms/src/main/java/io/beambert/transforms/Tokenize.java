package io.beambert.transforms;

import io.beambert.text.BertTokenizer;
import io.beambert.text.SerializableTokenizer;
import io.beambert.text.Vocab;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Tokenizes each text into WordPiece ids with BERT's tokenizer ({@link BertTokenizer}), exactly like
 * the reference's {@code FullTokenizer} followed by {@code convert_tokens_to_ids}.
 *
 * <p>Input: {@code PCollection<String>}, one text per element (e.g. a line). Output: {@code
 * PCollection<List<Integer>>}, the ids in order, with the deterministic coder {@code
 * ListCoder.of(VarIntCoder.of())} (small ids take one or two bytes), so the output may be used as a
 * key. A text with no tokens (empty, whitespace or control characters only) yields an empty list.
 * Deterministic, stateless, element-wise: order and bundling do not matter.
 *
 * <p>Metrics: counters {@code texts_tokenized}, {@code tokens_emitted} and {@code unk_tokens}.
 *
 * <pre>{@code
 * PCollection<List<Integer>> ids = texts.apply(Tokenize.with(Vocab.load(Path.of("vocab.txt"))));
 * }</pre>
 */
public final class Tokenize extends PTransform<PCollection<String>, PCollection<List<Integer>>> {
  private static final long serialVersionUID = 1L;

  private final Vocab vocab;
  private final boolean doLowerCase;

  private Tokenize(Vocab vocab, boolean doLowerCase) {
    this.vocab = vocab;
    this.doLowerCase = doLowerCase;
  }

  /**
   * Tokenizes with {@code vocab} (which must contain {@code [UNK]}), lower-casing by default.
   *
   * @throws IllegalArgumentException when the vocabulary has no {@code [UNK]} token
   */
  public static Tokenize with(Vocab vocab) {
    if (vocab == null) {
      throw new IllegalArgumentException("Tokenize.with: vocab must not be null");
    }
    if (!vocab.contains(Vocab.UNK)) {
      throw new IllegalArgumentException(
          "Tokenize.with: vocabulary " + vocab.source() + " has no " + Vocab.UNK + " token");
    }
    return new Tokenize(vocab, true);
  }

  /**
   * Whether to lower-case and strip accents (the reference's {@code do_lower_case}); default {@code
   * true}, use {@code false} with cased vocabularies.
   */
  public Tokenize withDoLowerCase(boolean doLowerCase) {
    return new Tokenize(vocab, doLowerCase);
  }

  @Override
  public PCollection<List<Integer>> expand(PCollection<String> texts) {
    return texts
        .apply("TokenizeToIds", ParDo.of(new TokenizeFn(vocab, doLowerCase)))
        .setCoder(ListCoder.of(VarIntCoder.of()));
  }

  /** Builds one tokenizer per DoFn instance; the vocabulary is serialized with the DoFn. */
  static final class TokenizeFn extends DoFn<String, List<Integer>> {
    private static final long serialVersionUID = 1L;

    private final SerializableTokenizer tokenizer;
    private final int unkId;
    private final Counter texts = Metrics.counter(Tokenize.class, "texts_tokenized");
    private final Counter tokens = Metrics.counter(Tokenize.class, "tokens_emitted");
    private final Counter unks = Metrics.counter(Tokenize.class, "unk_tokens");

    TokenizeFn(Vocab vocab, boolean doLowerCase) {
      this.tokenizer = new SerializableTokenizer(vocab, doLowerCase);
      this.unkId = vocab.idOf(Vocab.UNK);
    }

    @ProcessElement
    public void process(@Element String text, OutputReceiver<List<Integer>> out) {
      BertTokenizer tokenizer = this.tokenizer.get();
      int n = tokenizer.tokenizeToIdBuffer(text);
      List<Integer> ids = new ArrayList<>(n);
      int unk = 0;
      for (int k = 0; k < n; k++) {
        int id = tokenizer.idAt(k);
        if (id == unkId) {
          unk++;
        }
        ids.add(id);
      }
      texts.inc();
      tokens.inc(n);
      if (unk > 0) {
        unks.inc(unk);
      }
      out.output(ids);
    }
  }
}
