package io.beambert.text;

import java.io.Serializable;

/**
 * A vocabulary and a casing that travel with a serialized function (for example a Beam DoFn) and
 * build their {@link BertTokenizer} once per deserialized copy, on first use.
 *
 * <p>Each copy holds its own tokenizer, so a copy must stay with one thread, as a DoFn instance
 * does.
 *
 * <pre>{@code
 * SerializableTokenizer t = new SerializableTokenizer(vocab, true);
 * int n = t.get().tokenizeToIdBuffer(text);
 * }</pre>
 */
public final class SerializableTokenizer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Vocab vocab;
  private final boolean doLowerCase;
  private transient BertTokenizer tokenizer;

  /** Tokenizes with {@code vocab}, lower-casing and stripping accents when {@code doLowerCase}. */
  public SerializableTokenizer(Vocab vocab, boolean doLowerCase) {
    this.vocab = vocab;
    this.doLowerCase = doLowerCase;
  }

  /** This copy's tokenizer, built on the first call. */
  public BertTokenizer get() {
    if (tokenizer == null) {
      tokenizer = new BertTokenizer(vocab, doLowerCase);
    }
    return tokenizer;
  }
}
