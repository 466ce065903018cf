package io.beambert.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.beambert.random.Hashes;
import io.beambert.trainer.TrainerException;
import io.beambert.trainer.data.Batch;
import io.beambert.trainer.data.BatchLoader;
import io.beambert.trainer.data.LoaderPosition;
import io.beambert.trainer.model.BertForPreTraining;
import io.beambert.trainer.model.PretrainingLoss;
import io.beambert.trainer.optim.AdamW;
import io.beambert.trainer.optim.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The training loop: for each step, load batches, forward, loss, backward (accumulating), clip,
 * update; then report, evaluate and checkpoint through collaborators.
 *
 * <p>Dropout draws from PyTorch's generator seeded per (seed, step, micro-batch), and the data
 * stream's position is checkpointed, so a resumed run computes the same steps as an uninterrupted
 * one. A non-finite loss or gradient stops the run before the update, leaving the last checkpoint
 * as it was.
 */
public final class Trainer {

  /** Writes a checkpoint of the model, the optimizer and the state at a step. */
  @FunctionalInterface
  public interface CheckpointWriter {
    Path save(int step, LoaderPosition position) throws IOException;
  }

  private final BertForPreTraining model;
  private final NDManager manager;
  private final ParameterStore store;
  private final AdamW optimizer;
  private final LearningRateSchedule schedule;
  private final BatchLoader loader;
  private final Evaluator evaluator;
  private final CheckpointWriter checkpoints;
  private final List<TrainingListener> listeners;
  private final TrainOptions options;

  public Trainer(BertForPreTraining model, NDManager manager, AdamW optimizer,
      LearningRateSchedule schedule, BatchLoader loader, Evaluator evaluator,
      CheckpointWriter checkpoints, List<TrainingListener> listeners, TrainOptions options) {
    this.model = model;
    this.manager = manager;
    this.store = new ParameterStore(manager, false);
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.loader = loader;
    this.evaluator = evaluator;
    this.checkpoints = checkpoints;
    this.listeners = listeners;
    this.options = options;
  }

  /** Trains from {@code startStep} (steps already done) to {@code options.steps}. */
  public void run(int startStep, LoaderPosition start) throws IOException {
    LoaderPosition position = start;
    for (int step = startStep; step < options.steps; step++) {
      long begin = System.nanoTime();
      long waitBefore = loader.waitNanos();
      float lr = schedule.at(step);
      PretrainingLoss.Stats stats = PretrainingLoss.Stats.ZERO;
      long realTokens = 0;
      long slots = 0;
      for (int micro = 0; micro < options.accumulate; micro++) {
        Batch batch = loader.next();
        stats = stats.plus(forwardBackward(batch, step, micro));
        position = batch.end();
        realTokens += batch.realTokens();
        slots += (long) batch.size() * batch.length();
      }
      int done = step + 1;
      float norm = update(lr, done);
      double seconds = (System.nanoTime() - begin) / 1e9;
      double waited = (loader.waitNanos() - waitBefore) / 1e9;
      StepReport report =
          new StepReport(done, 1, lr, norm, stats, seconds, waited, realTokens, slots);
      for (TrainingListener l : listeners) {
        l.onStep(report);
      }
      if (evaluator != null && (done % options.evalEvery == 0 || done == options.steps)) {
        evaluate(done);
      }
      if (done % options.checkpointEvery == 0 || done == options.steps) {
        checkpoint(done, position);
      }
    }
    for (TrainingListener l : listeners) {
      l.onEnd(options.steps);
    }
  }

  private PretrainingLoss.Stats forwardBackward(Batch batch, int step, int micro) {
    try (NDManager scratch = manager.newSubManager()) {
      BatchArrays arrays = BatchArrays.of(scratch, batch);
      Engine.getInstance().setRandomSeed(dropoutSeed(options.seed, step, micro));
      PretrainingLoss.Parts parts;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDList out = model.forward(store, arrays.inputs(), true);
        parts = PretrainingLoss.compute(out.get(0), out.get(1), arrays.mlmLabels(),
            arrays.mlmWeights(), arrays.nspLabels());
        NDArray loss = options.accumulate == 1 ? parts.total() : parts.total().div(options.accumulate);
        collector.backward(loss);
      }
      PretrainingLoss.Stats stats = parts.stats();
      if (!Double.isFinite(stats.mlmNll()) || !Double.isFinite(stats.nspNll())) {
        optimizer.zeroGradients();
        throw stopped(step + 1, String.format(Locale.ROOT, "the loss is not finite (masked LM %s,"
            + " next sentence %s)", stats.mlmLoss(), stats.nspLoss()));
      }
      return stats;
    }
  }

  /** Dropout's seed for one micro-batch: a function of the run's seed and the position only. */
  static int dropoutSeed(long seed, int step, int micro) {
    return (int) Hashes.splitMix64(Hashes.splitMix64(seed) ^ ((long) step << 16 | micro));
  }

  private float update(float lr, int step) {
    try (NDManager scratch = manager.newSubManager()) {
      float norm = optimizer.gradientNorm(scratch);
      if (!Float.isFinite(norm)) {
        optimizer.zeroGradients();
        throw stopped(step, "the gradient norm is not finite (" + norm + ")");
      }
      float clip = 1f;
      if (options.maxGradNorm > 0) {
        clip = Math.min(1f, options.maxGradNorm / (norm + 1e-6f)); // torch's clip_grad_norm_
      }
      optimizer.step(lr, clip, scratch);
      return norm;
    }
  }

  private TrainerException stopped(int step, String why) {
    return new TrainerException("stopped at step " + step + ": " + why + " at learning rate "
        + schedule.at(step - 1) + "; the last checkpoint is kept (try a lower --learningRate or more"
        + " --warmupSteps, then --resume)");
  }

  private void evaluate(int step) throws IOException {
    Evaluation heldOut = evaluator.evaluate(model, store, manager);
    for (TrainingListener l : listeners) {
      l.onEvaluation(step, heldOut);
    }
  }

  private void checkpoint(int step, LoaderPosition position) throws IOException {
    Path dir = checkpoints.save(step, position);
    for (TrainingListener l : listeners) {
      l.onCheckpoint(step, dir);
    }
  }
}
