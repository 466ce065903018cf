package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A lookup table: ids of any shape to vectors of {@code dim} values, one trainable row per id
 * (Hugging Face's {@code nn.Embedding}, parameter {@code weight}).
 *
 * <p>DJL's own embeddings map items through a vocabulary object; BERT's tables are indexed by id,
 * and the word table is shared with the masked-LM decoder, so this block exposes its parameter.
 */
public final class EmbeddingTable extends AbstractBlock {
  private final Parameter weight;
  private final int dim;

  public EmbeddingTable(int rows, int dim) {
    this.dim = dim;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, dim))
                .build());
  }

  /** The table, rows by dim; the masked-LM decoder reads the word table through it. */
  public Parameter weight() {
    return weight;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.singletonOrThrow();
    NDArray table = store.getValue(weight, ids.getDevice(), training);
    // Called on the ids so that the result belongs to the batch's manager, not the model's.
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(dim)};
  }
}
