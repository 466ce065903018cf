package io.beambert.trainer.data;

/**
 * Where a training stream stands: the epoch (0-based), how many of its instances the stream had
 * passed when the current batch window began (all ranks' instances counted), and how many batches
 * of that window were fed. The stream's order depends only on the seed, the epoch and the shards,
 * so a stream started at a position feeds exactly what an uninterrupted one would have fed from
 * there. Without length bucketing a window is one batch, and {@code batchesIntoWindow} is 0.
 */
public record LoaderPosition(int epoch, long instancesIntoEpoch, int batchesIntoWindow) {
  public static final LoaderPosition START = new LoaderPosition(0, 0, 0);

  public LoaderPosition {
    if (epoch < 0 || instancesIntoEpoch < 0 || batchesIntoWindow < 0) {
      throw new IllegalArgumentException("invalid loader position " + epoch + "/"
          + instancesIntoEpoch + "/" + batchesIntoWindow);
    }
  }

  /** A position at the start of a window. */
  public LoaderPosition(int epoch, long instancesIntoEpoch) {
    this(epoch, instancesIntoEpoch, 0);
  }
}
