package io.beambert.trainer.data;

/**
 * One pretraining instance as read from a shard: the fields of {@code PretrainingInstance}
 * (schemas/src/main/avro/PretrainingInstance.avsc) as primitive arrays, padded as in the shard.
 */
public final class Instance {
  final int[] inputIds;
  final int[] inputMask;
  final int[] segmentIds;
  final int[] maskedPositions;
  final int[] maskedIds;
  final float[] maskedWeights;
  int nextSentenceLabel;
  /** Where the instance was read: its shard, the shard's stable name, its 1-based record number. */
  java.nio.file.Path source;
  String shard;
  long record;
  /** The epoch that fed it. */
  int epoch;

  Instance(int seqLength, int predictions) {
    inputIds = new int[seqLength];
    inputMask = new int[seqLength];
    segmentIds = new int[seqLength];
    maskedPositions = new int[predictions];
    maskedIds = new int[predictions];
    maskedWeights = new float[predictions];
  }

  /** Number of real tokens ({@code [CLS]} and {@code [SEP]} included): the mask's last 1, plus 1. */
  public int length() {
    for (int i = inputMask.length - 1; i >= 0; i--) {
      if (inputMask[i] != 0) {
        return i + 1;
      }
    }
    return 0;
  }

  /** A name stable across runs and epochs: the shard's name in its set and the record number. */
  String stableId() {
    return shard + "#" + record;
  }

  public int seqLength() {
    return inputIds.length;
  }

  public int predictions() {
    return maskedPositions.length;
  }
}
