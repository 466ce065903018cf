package io.beambert.instances.distributed;

import java.io.Serializable;

/**
 * One step of the distributed mode over a whole pool ({@link PoolData}): tokenizing, packing,
 * pairing, truncation, masking ({@link PoolSteps}), or a step of a user's own (a filter of pairs, for
 * example). A step says what the pool must hold before it and what it holds after it, so a chain of
 * steps in the wrong order fails when it is put together, naming both.
 *
 * <p>Steps are serializable: a pipeline ships them to its workers. One copy is used by one thread
 * at a time; resources it builds (a tokenizer) belong in transient fields.
 *
 * <pre>{@code
 * PoolStep dropShortPairs = PoolStep.of("drop-short-pairs", Stage.PAIRED, Stage.PAIRED,
 *     pool -> pool.chunks().removeIf(c -> c.lengthA() + c.lengthB() < 16));
 * }</pre>
 */
public interface PoolStep extends Serializable {
  /** Short name, used in errors and in the dead letters of documents the built-in steps fail. */
  String name();

  /** What the pool must hold before this step. */
  PoolData.Stage requires();

  /** What the pool holds after it. */
  PoolData.Stage produces();

  /** Works on the pool; called through {@link PoolData#apply}. */
  void apply(PoolData pool);

  /** A serializable action on a pool. */
  @FunctionalInterface
  interface Action extends Serializable {
    void apply(PoolData pool);
  }

  /** A step from a name, its stages and an action. */
  static PoolStep of(String name, PoolData.Stage requires, PoolData.Stage produces, Action action) {
    return new NamedStep(name, requires, produces) {
      private static final long serialVersionUID = 1L;

      @Override
      public void apply(PoolData pool) {
        action.apply(pool);
      }
    };
  }
}
