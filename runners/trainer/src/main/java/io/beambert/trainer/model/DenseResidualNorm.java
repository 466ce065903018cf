package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code LayerNorm(dropout(dense(x)) + residual)}: the post-LN sublayer output of BERT, both after
 * attention (Hugging Face's {@code BertSelfOutput}) and after the feed-forward ({@code
 * BertOutput}).
 *
 * <p>Input: {@code x} (batch, length, in) and the sublayer's input (batch, length, hidden). Output:
 * (batch, length, hidden).
 */
public final class DenseResidualNorm extends AbstractBlock {
  private final Linear dense;
  private final LayerNorm norm;
  private final Dropout dropout;
  private final int hidden;

  public DenseResidualNorm(BertConfig config) {
    hidden = config.hiddenSize();
    dense = addChildBlock("dense", Layers.dense(hidden));
    norm = addChildBlock("LayerNorm", Layers.layerNorm(config));
    dropout = addChildBlock("dropout", Layers.dropout(config.hiddenDropout()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList projected = dense.forward(store, new NDList(inputs.get(0)), training);
    NDArray dropped = dropout.forward(store, projected, training).singletonOrThrow();
    return norm.forward(store, new NDList(dropped.add(inputs.get(1))), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[1]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    dense.initialize(manager, dataType, inputShapes[0]);
    norm.initialize(manager, dataType, inputShapes[1]);
    dropout.initialize(manager, dataType, inputShapes[1]);
  }
}
