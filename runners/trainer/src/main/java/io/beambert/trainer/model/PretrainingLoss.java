package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * BERT's pretraining loss: the masked-LM cross-entropy weighted by {@code masked_lm_weights},
 * {@code sum(-log p(label) · w) / (sum(w) + 1e-5)} (Google's {@code run_pretraining.py}), plus the
 * next-sentence cross-entropy averaged over the batch.
 *
 * <p>Labels are picked from the log-probabilities by index, with no one-hot matrix; a slot of
 * weight 0 contributes nothing, whatever its label. Next-sentence labels are 1-D, (batch): a (batch,
 * 1) label would broadcast against the logits.
 */
public final class PretrainingLoss {
  private PretrainingLoss() {}

  /**
   * The loss and its parts for one batch.
   *
   * @param mlmLogits (batch, predictions, vocabulary)
   * @param nspLogits (batch, 2)
   * @param mlmLabels original ids at the masked positions, (batch, predictions) int64
   * @param mlmWeights 1 for a real prediction, 0 for padding, (batch, predictions) float32
   * @param nspLabels 1 when B is a random next, (batch) int64
   */
  public static Parts compute(
      NDArray mlmLogits, NDArray nspLogits, NDArray mlmLabels, NDArray mlmWeights,
      NDArray nspLabels) {
    if (nspLabels.getShape().dimension() != 1) {
      throw new IllegalArgumentException(
          "next-sentence labels must be 1-D (batch), got shape " + nspLabels.getShape());
    }
    NDArray mlmLogProbs = mlmLogits.logSoftmax(-1);
    NDArray picked = mlmLogProbs.gather(mlmLabels.expandDims(-1), -1).squeeze(-1);
    NDArray weightSum = mlmWeights.sum();
    NDArray mlmLoss = picked.mul(mlmWeights).sum().neg().div(weightSum.add(1e-5f));
    NDArray nspLogProbs = nspLogits.logSoftmax(-1);
    NDArray nspLoss = nspLogProbs.gather(nspLabels.expandDims(-1), -1).mean().neg();
    NDArray total = mlmLoss.add(nspLoss);

    // A hit: the label's log-probability is the row's largest. Compared through max rather than
    // argmax, which costs 2.5x as much in this libtorch (the same count but for exact ties).
    NDArray labelLogProb = picked.stopGradient();
    NDArray mlmHits = labelLogProb.gte(mlmLogProbs.stopGradient().max(new int[] {-1}))
        .toType(DataType.FLOAT32, false).mul(mlmWeights).sum();
    NDArray nspHits = nspLogits.argMax(-1).eq(nspLabels).toType(DataType.FLOAT32, false).sum();
    NDArray mlmNll = mlmLoss.stopGradient().mul(weightSum.add(1e-5f));
    NDArray nspNll = nspLoss.stopGradient().mul(nspLabels.getShape().get(0));
    // One read of the statistics instead of a device round trip each.
    NDArray scalars =
        NDArrays.stack(new NDList(mlmNll, mlmHits, weightSum, nspNll, nspHits));
    return new Parts(total, scalars, nspLabels.getShape().get(0));
  }

  /**
   * The loss to differentiate and its statistics.
   *
   * @param total masked-LM loss + next-sentence loss, a scalar with its graph
   */
  public record Parts(NDArray total, NDArray scalars, long instances) {
    /** Reads the statistics (one synchronisation with the device). */
    public Stats stats() {
      float[] s = scalars.toFloatArray();
      return new Stats(s[0], s[1], s[2], s[3], s[4], instances);
    }
  }

  /**
   * Sums over instances, so that batches add up.
   *
   * @param mlmNll sum of the weighted masked-LM negative log-likelihoods
   * @param mlmCorrect weighted count of masked positions whose most likely token is the label
   * @param mlmCount sum of the masked-LM weights (real predictions)
   * @param nspNll sum of the next-sentence negative log-likelihoods
   * @param nspCorrect instances whose next-sentence label is predicted
   */
  public record Stats(
      double mlmNll, double mlmCorrect, double mlmCount, double nspNll, double nspCorrect,
      long instances) {
    public static final Stats ZERO = new Stats(0, 0, 0, 0, 0, 0);

    public Stats plus(Stats o) {
      return new Stats(mlmNll + o.mlmNll, mlmCorrect + o.mlmCorrect, mlmCount + o.mlmCount,
          nspNll + o.nspNll, nspCorrect + o.nspCorrect, instances + o.instances);
    }

    public double mlmLoss() {
      return mlmNll / Math.max(mlmCount, 1e-5);
    }

    public double mlmAccuracy() {
      return mlmCorrect / Math.max(mlmCount, 1e-5);
    }

    public double nspLoss() {
      return nspNll / Math.max(instances, 1);
    }

    public double nspAccuracy() {
      return nspCorrect / Math.max(instances, 1);
    }

    /** Masked-LM loss + next-sentence loss, as the model is trained on. */
    public double loss() {
      return mlmLoss() + nspLoss();
    }
  }
}
