package io.beambert.trainer.train;

import java.nio.file.Path;

/**
 * A fault-injection point for tests: when the system property {@code
 * beambert.test.pauseCheckpointAtStep} names a step, the checkpoint of that step stops after its
 * files are written and before its folder is renamed into place, announcing it on stderr, so that a
 * test can kill the process while the checkpoint is incomplete. Unset, it does nothing.
 */
final class CheckpointPause {
  static final String PROPERTY = "beambert.test.pauseCheckpointAtStep";

  private CheckpointPause() {}

  static void at(int step, Path partialCheckpoint) {
    if (Integer.getInteger(PROPERTY, -1) != step) {
      return;
    }
    System.err.println("train: pausing before completing " + partialCheckpoint);
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
