package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.instances.distributed.PoolSteps;
import io.beambert.text.Vocab;

/**
 * Tokenizes every document of each pool with BERT's tokenizer, exactly as the reference: each line a
 * sentence of WordPiece ids, lines that tokenize to nothing dropped without ending the document.
 * Documents without tokens are counted ({@code documents_empty}) and left out; a document with a
 * sentence over {@code maxSentenceBytes} UTF-8 bytes, or whose tokenizing throws, goes to the dead
 * letters.
 *
 * <p>A per-pool step ({@link PoolSteps}): takes and returns {@link Pools}; it runs, fused with the
 * pool's other steps, where {@link WriteShards} writes the pool. Every setting comes from the one
 * {@link InstanceOptions} of the run.
 *
 * <pre>{@code
 * Pools tokenized = pools.apply(Tokenize.with(vocab, options));
 * }</pre>
 */
public final class Tokenize extends PoolTransform {
  private Tokenize(PoolStep step) {
    super(step);
  }

  /** Tokenizes with {@code vocab} (must hold [UNK]) and the options' casing. */
  public static Tokenize with(Vocab vocab, InstanceOptions options) {
    if (vocab == null || !vocab.contains(Vocab.UNK)) {
      throw new IllegalArgumentException("Tokenize.with: the vocabulary must contain " + Vocab.UNK);
    }
    return new Tokenize(PoolSteps.tokenize(vocab, options));
  }
}
