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
 * The masked-LM head (Hugging Face's {@code BertLMPredictionHead}): the transform, then a decoder
 * tied to the word embeddings plus an output bias, {@code logits = transform(x) · Wᵀ + bias}.
 *
 * <p>The word table is not a parameter of this block (it belongs to the embeddings, and is listed
 * once); the bias is, as Hugging Face's {@code cls.predictions.bias}. Input (batch, predictions,
 * hidden): the sequence output gathered at the masked positions only, as Google's and NVIDIA's
 * trainers compute it. Output (batch, predictions, vocabulary).
 */
public final class BertLmPredictionHead extends AbstractBlock {
  private final BertPredictionHeadTransform transform;
  private final Parameter wordTable;
  private final Parameter bias;
  private final int vocabSize;

  public BertLmPredictionHead(BertConfig config, Parameter wordTable) {
    this.vocabSize = config.vocabSize();
    this.wordTable = wordTable;
    transform = addChildBlock("transform", new BertPredictionHeadTransform(config));
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(config.vocabSize()))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray transformed = transform.forward(store, inputs, training).singletonOrThrow();
    NDArray table = store.getValue(wordTable, transformed.getDevice(), training);
    NDArray outputBias = store.getValue(bias, transformed.getDevice(), training);
    return Linear.linear(transformed, table, outputBias);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in.slice(0, in.dimension() - 1).add(vocabSize)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    transform.initialize(manager, dataType, inputShapes[0]);
  }
}
