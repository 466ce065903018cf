package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code tanh(dense(h[:, 0]))}: the pooled vector of the {@code [CLS]} position, 0 (Hugging Face's
 * {@code BertPooler}). Input (batch, length, hidden); output (batch, hidden).
 */
public final class BertPooler extends AbstractBlock {
  private final Linear dense;
  private final int hidden;

  public BertPooler(BertConfig config) {
    hidden = config.hiddenSize();
    dense = addChildBlock("dense", Layers.dense(hidden));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray first = inputs.singletonOrThrow().get(":, 0");
    return new NDList(dense.forward(store, new NDList(first), training).singletonOrThrow().tanh());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), hidden)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    dense.initialize(manager, dataType, new Shape(inputShapes[0].get(0), hidden));
  }
}
