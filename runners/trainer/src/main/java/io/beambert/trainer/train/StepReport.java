package io.beambert.trainer.train;

import io.beambert.trainer.model.PretrainingLoss;

/**
 * What one or more optimizer steps measured.
 *
 * @param step the last step covered (1-based)
 * @param steps steps covered (more than 1 when metrics are logged every N steps)
 * @param learningRate the rate of the last step
 * @param gradientNorm global gradient norm of the last step, before clipping
 * @param stats loss statistics summed over the steps' instances
 * @param seconds wall time of the steps
 * @param dataWaitSeconds time of those spent waiting for the loader
 * @param realTokens tokens of the steps' batches that were not padding
 * @param tokenSlots token positions the steps' batches computed
 */
public record StepReport(
    int step, int steps, float learningRate, float gradientNorm, PretrainingLoss.Stats stats,
    double seconds, double dataWaitSeconds, long realTokens, long tokenSlots) {

  public double samplesPerSecond() {
    return stats.instances() / Math.max(seconds, 1e-9);
  }

  /** Share of the computed token positions that were padding. */
  public double paddedFraction() {
    return 1.0 - (double) realTokens / Math.max(tokenSlots, 1);
  }

  public double dataWaitFraction() {
    return dataWaitSeconds / Math.max(seconds, 1e-9);
  }
}
