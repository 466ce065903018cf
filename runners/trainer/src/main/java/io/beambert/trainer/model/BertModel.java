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
 * The BERT encoder with its pooler (Hugging Face's {@code BertModel}).
 *
 * <p>Input: {@code input_ids}, {@code token_type_ids} and {@code input_mask} (1 at real tokens, 0
 * at padding), each (batch, length) int64. Output: the sequence output (batch, length, hidden) and
 * the pooled {@code [CLS]} vector (batch, hidden). Outputs at real positions do not depend on what
 * the padded positions hold: padded keys get an additive mask of -10000 before the softmax, so their
 * attention weight underflows to exactly 0.
 */
public final class BertModel extends AbstractBlock {
  private final BertEmbeddings embeddings;
  private final BertEncoder encoder;
  private final BertPooler pooler;
  private final int hidden;

  public BertModel(BertConfig config) {
    hidden = config.hiddenSize();
    embeddings = addChildBlock("embeddings", new BertEmbeddings(config));
    encoder = addChildBlock("encoder", new BertEncoder(config));
    pooler = addChildBlock("pooler", new BertPooler(config));
  }

  public BertEmbeddings embeddings() {
    return embeddings;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray types = inputs.get(1);
    NDArray inputMask = inputs.get(2);
    Shape shape = ids.getShape();
    // (mask - 1) * 10000: 0 where mask is 1, -10000 at padding (Google's modeling.py).
    NDArray additiveMask =
        inputMask.toType(DataType.FLOAT32, false).subi(1).muli(10000f)
            .reshape(shape.get(0), 1, 1, shape.get(1));
    NDArray embedded = embeddings.forward(store, new NDList(ids, types), training).singletonOrThrow();
    NDArray sequence =
        encoder.forward(store, new NDList(embedded, additiveMask), training).singletonOrThrow();
    NDArray pooled = pooler.forward(store, new NDList(sequence), training).singletonOrThrow();
    return new NDList(sequence, pooled);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {ids.add(hidden), new Shape(ids.get(0), hidden)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = inputShapes[0];
    embeddings.initialize(manager, dataType, ids, ids);
    Shape sequence = ids.add(hidden);
    encoder.initialize(manager, dataType, sequence, new Shape(ids.get(0), 1, 1, ids.get(1)));
    pooler.initialize(manager, dataType, sequence);
  }
}
