package io.beambert.trainer.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The feed-forward expansion, {@code gelu(dense(x))} with the exact (erf) GELU (Hugging Face's
 * {@code BertIntermediate}, {@code hidden_act="gelu"}).
 */
public final class BertIntermediate extends AbstractBlock {
  private final Linear dense;
  private final int units;

  public BertIntermediate(BertConfig config) {
    units = config.intermediateSize();
    dense = addChildBlock("dense", Layers.dense(units));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    // DJL's gelu is PyTorch's gelu with approximate="none": the erf form, as BERT's config names it.
    return new NDList(Activation.gelu(dense.forward(store, inputs, training).singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in.slice(0, in.dimension() - 1).add(units)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    dense.initialize(manager, dataType, inputShapes[0]);
  }
}
