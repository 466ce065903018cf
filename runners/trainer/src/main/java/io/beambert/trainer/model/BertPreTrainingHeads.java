package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The masked-LM head and the next-sentence head (Hugging Face's {@code BertPreTrainingHeads}).
 *
 * <p>Input: the sequence output gathered at the masked positions (batch, predictions, hidden) and
 * the pooled output (batch, hidden). Output: masked-LM logits (batch, predictions, vocabulary) and
 * next-sentence logits (batch, 2), index 1 meaning "B is a random next".
 */
public final class BertPreTrainingHeads extends AbstractBlock {
  private final BertLmPredictionHead predictions;
  private final Linear seqRelationship;

  public BertPreTrainingHeads(BertConfig config, Parameter wordTable) {
    predictions = addChildBlock("predictions", new BertLmPredictionHead(config, wordTable));
    seqRelationship = addChildBlock("seq_relationship", Layers.dense(2));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mlm = predictions.forward(store, new NDList(inputs.get(0)), training).singletonOrThrow();
    NDArray nsp =
        seqRelationship.forward(store, new NDList(inputs.get(1)), training).singletonOrThrow();
    return new NDList(mlm, nsp);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {
      predictions.getOutputShapes(new Shape[] {inputShapes[0]})[0],
      new Shape(inputShapes[1].get(0), 2)
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    predictions.initialize(manager, dataType, inputShapes[0]);
    seqRelationship.initialize(manager, dataType, inputShapes[1]);
  }
}
