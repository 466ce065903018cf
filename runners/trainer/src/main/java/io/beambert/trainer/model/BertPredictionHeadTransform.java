package io.beambert.trainer.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code LayerNorm(gelu(dense(x)))} before the masked-LM decoder (Hugging Face's {@code
 * BertPredictionHeadTransform}). Input and output (batch, predictions, hidden).
 */
public final class BertPredictionHeadTransform extends AbstractBlock {
  private final Linear dense;
  private final LayerNorm norm;

  public BertPredictionHeadTransform(BertConfig config) {
    dense = addChildBlock("dense", Layers.dense(config.hiddenSize()));
    norm = addChildBlock("LayerNorm", Layers.layerNorm(config));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList activated =
        new NDList(Activation.gelu(dense.forward(store, inputs, training).singletonOrThrow()));
    return norm.forward(store, activated, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    dense.initialize(manager, dataType, inputShapes[0]);
    norm.initialize(manager, dataType, inputShapes[0]);
  }
}
