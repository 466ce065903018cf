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
 * Self-attention and its output sublayer (Hugging Face's {@code BertAttention}): {@code
 * LayerNorm(x + dropout(dense(attention(x))))}.
 *
 * <p>Input: hidden states (batch, length, hidden) and the additive mask. Output: (batch, length,
 * hidden).
 */
public final class BertAttention extends AbstractBlock {
  private final BertSelfAttention self;
  private final DenseResidualNorm output;

  public BertAttention(BertConfig config) {
    self = addChildBlock("self", new BertSelfAttention(config));
    output = addChildBlock("output", new DenseResidualNorm(config));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray hiddenStates = inputs.get(0);
    NDArray context = self.forward(store, inputs, training).singletonOrThrow();
    return output.forward(store, new NDList(context, hiddenStates), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    self.initialize(manager, dataType, inputShapes);
    output.initialize(manager, dataType, inputShapes[0], inputShapes[0]);
  }
}
