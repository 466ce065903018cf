package io.beambert.trainer.train;

import io.beambert.trainer.model.PretrainingLoss;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr while a run trains: a line every few seconds with the step, the loss and
 * masked-LM accuracy since the previous line, samples per second, the share of time spent waiting
 * for data and the time left; and a line per evaluation.
 */
public final class ProgressLog implements TrainingListener {
  private final PrintStream err;
  private final int totalSteps;
  private final long intervalNanos;
  private long lastPrint = System.nanoTime();
  private PretrainingLoss.Stats stats = PretrainingLoss.Stats.ZERO;
  private double seconds;
  private double waitSeconds;
  private double runSeconds;
  private int runSteps;

  public ProgressLog(PrintStream err, int totalSteps, double intervalSeconds) {
    this.err = err;
    this.totalSteps = totalSteps;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
  }

  @Override
  public void onStep(StepReport r) {
    stats = stats.plus(r.stats());
    seconds += r.seconds();
    waitSeconds += r.dataWaitSeconds();
    runSeconds += r.seconds();
    runSteps += r.steps();
    long now = System.nanoTime();
    if (now - lastPrint >= intervalNanos || r.step() == totalSteps) {
      double eta = runSeconds / runSteps * (totalSteps - r.step());
      err.printf(Locale.ROOT,
          "train: step %d/%d (%.0f%%), loss %.4f, mlm acc %.2f%%, nsp acc %.1f%%, %.1f samples/s,"
              + " data wait %.1f%%, lr %.3g, ETA %s%n",
          r.step(), totalSteps, 100.0 * r.step() / totalSteps, stats.loss(),
          100 * stats.mlmAccuracy(), 100 * stats.nspAccuracy(), stats.instances() / seconds,
          100 * waitSeconds / seconds, r.learningRate(), duration(eta));
      stats = PretrainingLoss.Stats.ZERO;
      seconds = 0;
      waitSeconds = 0;
      lastPrint = now;
    }
  }

  @Override
  public void onEvaluation(int step, Evaluation e) {
    PretrainingLoss.Stats s = e.stats();
    err.printf(Locale.ROOT,
        "eval: step %d, held-out mlm loss %.4f, mlm acc %.2f%% (most frequent token: %.2f%%),"
            + " nsp loss %.4f, nsp acc %.1f%% (%,d instances)%n",
        step, s.mlmLoss(), 100 * s.mlmAccuracy(), 100 * e.majorityBaseline(), s.nspLoss(),
        100 * s.nspAccuracy(), s.instances());
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
