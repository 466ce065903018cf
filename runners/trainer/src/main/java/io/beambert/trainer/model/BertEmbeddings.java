package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Word + position + token-type embeddings, LayerNorm, dropout (Hugging Face's {@code
 * BertEmbeddings}).
 *
 * <p>Input: {@code input_ids} and {@code token_type_ids}, both (batch, length) int64. Output:
 * (batch, length, hidden). Positions are 0 to length - 1.
 */
public final class BertEmbeddings extends AbstractBlock {
  private final EmbeddingTable words;
  private final EmbeddingTable positions;
  private final EmbeddingTable tokenTypes;
  private final LayerNorm norm;
  private final Dropout dropout;
  private final int hidden;

  public BertEmbeddings(BertConfig config) {
    hidden = config.hiddenSize();
    words = addChildBlock("word_embeddings", new EmbeddingTable(config.vocabSize(), hidden));
    positions =
        addChildBlock("position_embeddings", new EmbeddingTable(config.maxPositions(), hidden));
    tokenTypes =
        addChildBlock("token_type_embeddings", new EmbeddingTable(config.typeVocabSize(), hidden));
    norm = addChildBlock("LayerNorm", Layers.layerNorm(config));
    dropout = addChildBlock("dropout", Layers.dropout(config.hiddenDropout()));
  }

  /** The word table, shared with the masked-LM decoder. */
  public EmbeddingTable words() {
    return words;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray types = inputs.get(1);
    long length = ids.getShape().get(1);
    NDManager manager = ids.getManager();
    NDArray positionIds = manager.arange(0, length, 1, DataType.INT64, ids.getDevice());
    NDArray sum =
        words.forward(store, new NDList(ids), training).singletonOrThrow()
            .add(positions.forward(store, new NDList(positionIds), training).singletonOrThrow())
            .add(tokenTypes.forward(store, new NDList(types), training).singletonOrThrow());
    NDList normed = norm.forward(store, new NDList(sum), training);
    return dropout.forward(store, normed, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(hidden)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = inputShapes[0];
    words.initialize(manager, dataType, ids);
    positions.initialize(manager, dataType, new Shape(ids.get(1)));
    tokenTypes.initialize(manager, dataType, ids);
    Shape out = ids.add(hidden);
    norm.initialize(manager, dataType, out);
    dropout.initialize(manager, dataType, out);
  }
}
