package io.beambert.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.beambert.trainer.data.Batch;

/**
 * A batch as arrays on the model's device: the model's inputs and the labels of the loss.
 *
 * @param inputs {@code input_ids}, {@code token_type_ids}, {@code input_mask}, {@code
 *     masked_lm_positions}
 */
public record BatchArrays(NDList inputs, NDArray mlmLabels, NDArray mlmWeights, NDArray nspLabels) {

  /** Creates the arrays in {@code manager} (a per-batch manager the caller closes). */
  public static BatchArrays of(NDManager manager, Batch b) {
    Shape tokens = new Shape(b.size(), b.length());
    Shape slots = new Shape(b.size(), b.predictions());
    NDList inputs = new NDList(
        manager.create(b.inputIds(), tokens),
        manager.create(b.tokenTypes(), tokens),
        manager.create(b.inputMask(), tokens),
        manager.create(b.maskedPositions(), slots));
    return new BatchArrays(inputs, manager.create(b.maskedIds(), slots),
        manager.create(b.maskedWeights(), slots), manager.create(b.nextSentenceLabels()));
  }
}
