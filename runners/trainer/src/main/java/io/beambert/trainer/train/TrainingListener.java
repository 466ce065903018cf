package io.beambert.trainer.train;

import java.io.IOException;
import java.nio.file.Path;

/** Receives a run's events: metrics files, progress lines and charts are listeners. */
public interface TrainingListener {
  /** After each optimizer step. */
  default void onStep(StepReport report) throws IOException {}

  /** After each held-out evaluation. */
  default void onEvaluation(int step, Evaluation heldOut) throws IOException {}

  /** After each checkpoint is complete. */
  default void onCheckpoint(int step, Path checkpoint) throws IOException {}

  /** Once, after the last step's checkpoint. */
  default void onEnd(int step) throws IOException {}
}
