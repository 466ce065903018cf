package io.beambert.trainer.train;

import java.nio.file.Path;

/**
 * A fault-injection point for tests: when the system property {@code
 * beambert.test.checkpointPauseMillis} is set, a checkpoint writer sleeps that long after writing
 * its files and before the folder is renamed into place, so a test can kill the process while a
 * checkpoint is incomplete. Unset, it does nothing.
 */
final class CheckpointPause {
  static final String PROPERTY = "beambert.test.checkpointPauseMillis";

  private CheckpointPause() {}

  static void at(Path partialCheckpoint) {
    long millis = Long.getLong(PROPERTY, 0L);
    if (millis <= 0) {
      return;
    }
    System.err.println("train: pausing " + millis + " ms before completing " + partialCheckpoint);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
