package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * Standard BERT for pretraining (Google's {@code modeling.py}, Hugging Face's {@code
 * BertForPreTraining}) built from DJL primitives: the encoder ({@code bert}) and the two pretraining
 * heads ({@code cls}).
 *
 * <p>Input, each (batch, ...) int64: {@code input_ids}, {@code token_type_ids}, {@code input_mask}
 * (batch, length), and {@code masked_lm_positions} (batch, predictions). Output: masked-LM logits
 * at the masked positions only (batch, predictions, vocabulary) and next-sentence logits (batch,
 * 2). Parameters carry Hugging Face's names ({@link #namedParameters()}), so a checkpoint maps to
 * {@code model.safetensors} one to one.
 *
 * <pre>{@code
 * BertForPreTraining model = BertForPreTraining.create(config, manager, seed);
 * NDList out = model.forward(new ParameterStore(manager, false), inputs, false);
 * }</pre>
 */
public final class BertForPreTraining extends AbstractBlock {
  private final BertConfig config;
  private final BertModel bert;
  private final BertPreTrainingHeads cls;
  private Map<String, Parameter> named;

  public BertForPreTraining(BertConfig config) {
    this.config = config;
    bert = addChildBlock("bert", new BertModel(config));
    cls = addChildBlock("cls", new BertPreTrainingHeads(config, bert.embeddings().words().weight()));
  }

  /**
   * A model with BERT's initialisation: weights from a truncated normal with the config's
   * {@code initializerRange}, LayerNorm weights 1, biases 0; the same seed gives the same values.
   */
  public static BertForPreTraining create(BertConfig config, NDManager manager, long seed) {
    BertForPreTraining model = new BertForPreTraining(config);
    // The arrays are made here and then filled by BertInit, so DJL's own random init is skipped.
    model.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
    model.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8),
        new Shape(1, 2));
    BertInit.initialize(model.namedParameters(), config.initializerRange(), seed);
    return model;
  }

  public BertConfig config() {
    return config;
  }

  /** Every parameter under its Hugging Face name, in model order; the tied decoder is not listed. */
  public Map<String, Parameter> namedParameters() {
    if (named == null) {
      named = ParameterNames.huggingFace(this);
    }
    return named;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList encoded = bert.forward(store, inputs.subNDList(0, 3), training);
    NDArray sequence = encoded.get(0);
    NDArray positions = inputs.get(3);
    Shape shape = sequence.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    long hidden = shape.get(2);
    long predictions = positions.getShape().get(1);
    // Row b's position p is row b * length + p of the flattened sequence output.
    NDArray rowStarts =
        positions.getManager().arange(0, batch * length, length, DataType.INT64, positions.getDevice())
            .reshape(batch, 1);
    NDArray flat = positions.toType(DataType.INT64, false).add(rowStarts).reshape(batch * predictions);
    NDArray gathered =
        sequence.reshape(batch * length, hidden).get(flat).reshape(batch, predictions, hidden);
    return cls.forward(store, new NDList(gathered, encoded.get(1)), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    long predictions = inputShapes[3].get(1);
    return new Shape[] {
      new Shape(batch, predictions, config.vocabSize()), new Shape(batch, 2)
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    bert.initialize(manager, dataType, inputShapes[0], inputShapes[1], inputShapes[2]);
    long batch = inputShapes[0].get(0);
    long predictions = inputShapes[3].get(1);
    cls.initialize(
        manager, dataType, new Shape(batch, predictions, config.hiddenSize()),
        new Shape(batch, config.hiddenSize()));
  }
}
