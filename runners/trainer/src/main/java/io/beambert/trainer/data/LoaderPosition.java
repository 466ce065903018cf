package io.beambert.trainer.data;

/**
 * Where a training stream stands: the epoch (0-based) and how many of its instances were fed. The
 * stream's order depends only on the seed, the epoch and the shards, so a stream started at a
 * position feeds exactly what an uninterrupted one would have fed from there.
 */
public record LoaderPosition(int epoch, long instancesIntoEpoch) {
  public static final LoaderPosition START = new LoaderPosition(0, 0);

  public LoaderPosition {
    if (epoch < 0 || instancesIntoEpoch < 0) {
      throw new IllegalArgumentException("invalid loader position " + epoch + "/" + instancesIntoEpoch);
    }
  }
}
