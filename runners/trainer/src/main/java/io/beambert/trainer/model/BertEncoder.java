package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The stack of encoder layers (Hugging Face's {@code BertEncoder}); layer {@code i} is the child
 * {@code layer.i}, so its parameters carry Hugging Face's names.
 */
public final class BertEncoder extends AbstractBlock {
  private final List<BertLayer> layers = new ArrayList<>();

  public BertEncoder(BertConfig config) {
    for (int i = 0; i < config.numLayers(); i++) {
      layers.add(addChildBlock("layer." + i, new BertLayer(config)));
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray hiddenStates = inputs.get(0);
    NDArray additiveMask = inputs.get(1);
    for (BertLayer layer : layers) {
      hiddenStates =
          layer.forward(store, new NDList(hiddenStates, additiveMask), training).singletonOrThrow();
    }
    return new NDList(hiddenStates);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (BertLayer layer : layers) {
      layer.initialize(manager, dataType, inputShapes);
    }
  }
}
