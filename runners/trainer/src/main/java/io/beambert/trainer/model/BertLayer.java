package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One post-LN encoder layer (Hugging Face's {@code BertLayer}): attention with its residual and
 * LayerNorm, then the feed-forward with its own residual from the attention output and LayerNorm.
 */
public final class BertLayer extends AbstractBlock {
  private final BertAttention attention;
  private final BertIntermediate intermediate;
  private final DenseResidualNorm output;

  public BertLayer(BertConfig config) {
    attention = addChildBlock("attention", new BertAttention(config));
    intermediate = addChildBlock("intermediate", new BertIntermediate(config));
    output = addChildBlock("output", new DenseResidualNorm(config));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray attended = attention.forward(store, inputs, training).singletonOrThrow();
    NDArray expanded =
        intermediate.forward(store, new NDList(attended), training).singletonOrThrow();
    return output.forward(store, new NDList(expanded, attended), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    attention.initialize(manager, dataType, inputShapes);
    intermediate.initialize(manager, dataType, inputShapes[0]);
    output.initialize(
        manager, dataType, intermediate.getOutputShapes(new Shape[] {inputShapes[0]})[0],
        inputShapes[0]);
  }
}
