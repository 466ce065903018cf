package io.beambert.trainer.data;

import java.util.List;

/**
 * A batch of instances as flat row-major arrays, ready to become model inputs.
 *
 * <p>Sequences are cut to the longest real length in the batch rounded up to a multiple of 8 (at
 * most the shards' {@code max_seq_length}), so the model computes over less padding than the
 * shards hold.
 *
 * @param size instances
 * @param length padded sequence length of this batch
 * @param predictions masked positions per instance (the shards' {@code max_predictions_per_seq})
 * @param inputIds (size, length)
 * @param tokenTypes (size, length)
 * @param inputMask (size, length)
 * @param maskedPositions (size, predictions)
 * @param maskedIds (size, predictions): the masked-LM labels
 * @param maskedWeights (size, predictions)
 * @param nextSentenceLabels (size)
 * @param realTokens tokens that are not padding
 * @param end the stream's position after this batch
 */
public record Batch(
    int size,
    int length,
    int predictions,
    long[] inputIds,
    long[] tokenTypes,
    long[] inputMask,
    long[] maskedPositions,
    long[] maskedIds,
    float[] maskedWeights,
    long[] nextSentenceLabels,
    long realTokens,
    LoaderPosition end) {

  /** Pads {@code length} up to a multiple of 8, as Tensor Cores and vector units like. */
  static int paddedLength(int longest, int maxLength) {
    return Math.min(maxLength, Math.max(8, (longest + 7) / 8 * 8));
  }

  /** Builds a batch from instances of one shard set (checked by {@link InstanceStream#validate}). */
  static Batch of(List<Instance> instances, LoaderPosition end) {
    int size = instances.size();
    int maxLength = instances.get(0).seqLength();
    int predictions = instances.get(0).predictions();
    int longest = 0;
    long real = 0;
    for (Instance instance : instances) {
      int n = instance.length();
      longest = Math.max(longest, n);
      real += n;
    }
    int length = paddedLength(longest, maxLength);
    long[] ids = new long[size * length];
    long[] types = new long[size * length];
    long[] mask = new long[size * length];
    long[] positions = new long[size * predictions];
    long[] labels = new long[size * predictions];
    float[] weights = new float[size * predictions];
    long[] nsp = new long[size];
    for (int b = 0; b < size; b++) {
      Instance x = instances.get(b);
      int row = b * length;
      for (int t = 0; t < length; t++) {
        ids[row + t] = x.inputIds[t];
        types[row + t] = x.segmentIds[t];
        mask[row + t] = x.inputMask[t];
      }
      int slots = b * predictions;
      for (int p = 0; p < predictions; p++) {
        positions[slots + p] = x.maskedPositions[p];
        labels[slots + p] = x.maskedIds[p];
        weights[slots + p] = x.maskedWeights[p];
      }
      nsp[b] = x.nextSentenceLabel;
    }
    return new Batch(size, length, predictions, ids, types, mask, positions, labels, weights, nsp,
        real, end);
  }
}
