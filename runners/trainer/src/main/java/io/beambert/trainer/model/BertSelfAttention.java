package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product self-attention (Hugging Face's {@code BertSelfAttention}).
 *
 * <p>Input: the hidden states (batch, length, hidden) and the additive attention mask (batch, 1, 1,
 * length), 0 at real positions and -10000 at padding, so padded keys get no weight. Output: the
 * attention context (batch, length, hidden), before the output projection.
 */
public final class BertSelfAttention extends AbstractBlock {
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Dropout dropout;
  private final int heads;
  private final int headSize;

  public BertSelfAttention(BertConfig config) {
    heads = config.numHeads();
    headSize = config.headSize();
    query = addChildBlock("query", Layers.dense(config.hiddenSize()));
    key = addChildBlock("key", Layers.dense(config.hiddenSize()));
    value = addChildBlock("value", Layers.dense(config.hiddenSize()));
    dropout = addChildBlock("dropout", Layers.dropout(config.attentionDropout()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray hiddenStates = inputs.get(0);
    NDArray additiveMask = inputs.get(1);
    Shape shape = hiddenStates.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    NDArray q = heads(query, store, hiddenStates, training, batch, length);
    NDArray k = heads(key, store, hiddenStates, training, batch, length);
    NDArray v = heads(value, store, hiddenStates, training, batch, length);
    NDArray scores =
        q.matMul(k.transpose(0, 1, 3, 2)).muli(1.0 / Math.sqrt(headSize)).addi(additiveMask);
    NDArray probs = dropout.forward(store, new NDList(scores.softmax(-1)), training).singletonOrThrow();
    NDArray context =
        probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, (long) heads * headSize);
    return new NDList(context);
  }

  /** Projects and splits into heads: (batch, heads, length, head size). */
  private NDArray heads(
      Linear projection, ParameterStore store, NDArray x, boolean training, long batch, long length) {
    return projection.forward(store, new NDList(x), training).singletonOrThrow()
        .reshape(batch, length, heads, headSize)
        .transpose(0, 2, 1, 3);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Linear projection : new Linear[] {query, key, value}) {
      projection.initialize(manager, dataType, inputShapes[0]);
    }
    dropout.initialize(manager, dataType, inputShapes[0]);
  }
}
