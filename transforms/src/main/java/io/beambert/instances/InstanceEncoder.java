package io.beambert.instances;

import io.beambert.schemas.PretrainingInstance;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between {@link TrainingInstance} and the Avro {@link PretrainingInstance} with the
 * reference's features and padding: input_ids, input_mask and segment_ids zero-padded to {@code
 * maxSeqLength}; masked_lm_positions and masked_lm_ids zero-padded and masked_lm_weights 1.0 for
 * real predictions and 0.0 for padding, all {@code maxPredictionsPerSeq} long;
 * next_sentence_labels 1 for a random next.
 */
public final class InstanceEncoder {
  private static final Integer ZERO = 0;
  private static final Integer ONE = 1;
  private static final Float WEIGHT = 1.0f;
  private static final Float NO_WEIGHT = 0.0f;

  private InstanceEncoder() {}

  /**
   * Encodes with padding.
   *
   * @throws IllegalArgumentException when the instance is longer than {@code maxSeqLength} or has
   *     more than {@code maxPredictionsPerSeq} masked positions
   */
  public static PretrainingInstance toAvro(
      TrainingInstance instance, int maxSeqLength, int maxPredictionsPerSeq) {
    int n = instance.length();
    int m = instance.maskedCount();
    if (n > maxSeqLength) {
      throw new IllegalArgumentException(
          "instance of " + n + " tokens exceeds maxSeqLength " + maxSeqLength);
    }
    if (m > maxPredictionsPerSeq) {
      throw new IllegalArgumentException(
          "instance with " + m + " masked positions exceeds maxPredictionsPerSeq "
              + maxPredictionsPerSeq);
    }
    int[] tokens = instance.tokensUnsafe();
    int[] positions = instance.maskedPositionsUnsafe();
    int[] labels = instance.maskedLabelsUnsafe();
    List<Integer> inputIds = new ArrayList<>(maxSeqLength);
    List<Integer> inputMask = new ArrayList<>(maxSeqLength);
    List<Integer> segmentIds = new ArrayList<>(maxSeqLength);
    for (int i = 0; i < maxSeqLength; i++) {
      boolean real = i < n;
      inputIds.add(real ? tokens[i] : 0);
      inputMask.add(real ? ONE : ZERO);
      segmentIds.add(real && instance.segmentIdAt(i) == 1 ? ONE : ZERO);
    }
    List<Integer> maskedPositions = new ArrayList<>(maxPredictionsPerSeq);
    List<Integer> maskedIds = new ArrayList<>(maxPredictionsPerSeq);
    List<Float> weights = new ArrayList<>(maxPredictionsPerSeq);
    for (int k = 0; k < maxPredictionsPerSeq; k++) {
      boolean real = k < m;
      maskedPositions.add(real ? positions[k] : 0);
      maskedIds.add(real ? labels[k] : 0);
      weights.add(real ? WEIGHT : NO_WEIGHT);
    }
    return new PretrainingInstance(
        inputIds, inputMask, segmentIds, maskedPositions, maskedIds, weights,
        instance.isRandomNext() ? 1 : 0);
  }

  /**
   * Decodes padded features back into an instance: the length is the number of input_mask ones,
   * A ends before the first position with segment id 1 (minus [CLS] and [SEP]), and the masked
   * positions are those with a non-zero weight.
   *
   * @throws IllegalArgumentException when the features are not a valid padded instance
   */
  public static TrainingInstance fromAvro(PretrainingInstance features) {
    List<Integer> mask = features.getInputMask();
    List<Integer> ids = features.getInputIds();
    List<Integer> segments = features.getSegmentIds();
    int n = 0;
    while (n < mask.size() && mask.get(n) == 1) {
      n++;
    }
    int firstB = 0;
    while (firstB < n && segments.get(firstB) == 0) {
      firstB++;
    }
    int[] tokens = new int[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = ids.get(i);
    }
    List<Float> weights = features.getMaskedLmWeights();
    int m = 0;
    while (m < weights.size() && weights.get(m) != 0.0f) {
      m++;
    }
    int[] positions = new int[m];
    int[] labels = new int[m];
    for (int k = 0; k < m; k++) {
      positions[k] = features.getMaskedLmPositions().get(k);
      labels[k] = features.getMaskedLmIds().get(k);
    }
    return TrainingInstance.of(
        tokens, firstB - 2, positions, labels, features.getNextSentenceLabels() == 1);
  }
}
