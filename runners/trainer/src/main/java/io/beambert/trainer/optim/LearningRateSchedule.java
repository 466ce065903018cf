package io.beambert.trainer.optim;

import java.util.Locale;

/**
 * The learning rate at each optimizer step: linear warmup from 0 over {@code warmupSteps}, then
 * {@code linear} decay to 0 at {@code totalSteps} (BERT's), {@code constant}, or {@code cosine}
 * decay to 0 at {@code totalSteps}. Step numbers start at 0, as Google's and Hugging Face's
 * schedules count them, so the first update of a warmup has rate 0.
 */
public record LearningRateSchedule(String kind, float peak, int warmupSteps, int totalSteps) {
  public static final String KINDS = "linear, constant, cosine";

  public LearningRateSchedule {
    kind = kind.toLowerCase(Locale.ROOT);
    if (!kind.equals("linear") && !kind.equals("constant") && !kind.equals("cosine")) {
      throw new IllegalArgumentException("unknown schedule '" + kind + "' (choose one of " + KINDS + ")");
    }
    if (!(peak > 0) || Float.isInfinite(peak)) {
      throw new IllegalArgumentException("the learning rate must be above 0, got " + peak);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmup steps must be at least 0, got " + warmupSteps);
    }
  }

  /** The rate for the update that follows {@code step} completed updates. */
  public float at(int step) {
    if (step < warmupSteps) {
      return peak * step / warmupSteps;
    }
    if (kind.equals("constant")) {
      return peak;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    double factor = kind.equals("linear") ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
    return (float) (peak * factor);
  }
}
