package io.beambert.instances.distributed;

import io.beambert.instances.TrainingInstance;
import java.util.Arrays;

/**
 * Encodes a {@link TrainingInstance} as the Avro binary datum of {@code
 * io.beambert.schemas.PretrainingInstance}, padded like {@code InstanceEncoder.toAvro}, byte for
 * byte what Avro's {@code SpecificDatumWriter} writes for that record, without building the
 * record's boxed lists.
 *
 * <p>Avro binary: ints are zig-zag varints, floats 4 bytes little-endian; a non-empty array is its
 * item count, the items and a 0; an empty array is a single 0. Not thread-safe: the output buffer
 * is reused; one encoder per thread.
 */
public final class AvroInstanceEncoder {
  private static final int FLOAT_ONE = Float.floatToIntBits(1.0f);

  private final int maxSeqLength;
  private final int maxPredictions;
  private final byte[] buf;
  private int at;
  /** The last encoding's runs of at least {@link #MIN_RUN} zeros, as (start, length) pairs. */
  private final int[] padding = new int[14];
  private int paddingRuns;
  private static final int MIN_RUN = 32;

  /** An encoder padding to these lengths. */
  public AvroInstanceEncoder(int maxSeqLength, int maxPredictionsPerSeq) {
    this.maxSeqLength = maxSeqLength;
    this.maxPredictions = maxPredictionsPerSeq;
    this.buf = new byte[16 + 3 * 5 * maxSeqLength + 3 * 5 * maxPredictionsPerSeq + 64];
  }

  /**
   * Encodes into the internal buffer ({@link #buffer()}) and returns the number of bytes.
   *
   * @throws IllegalArgumentException when the instance does not fit the padded lengths
   */
  public int encode(TrainingInstance instance) {
    int n = instance.length();
    int m = instance.maskedCount();
    if (n > maxSeqLength || m > maxPredictions) {
      throw new IllegalArgumentException(
          "instance of " + n + " tokens / " + m + " masked positions exceeds "
              + maxSeqLength + " / " + maxPredictions);
    }
    at = 0;
    paddingRuns = 0;
    int lengthA = instance.lengthA();
    byte[] b = buf;
    // input_ids
    arrayStart(maxSeqLength);
    for (int i = 0; i < n; i++) {
      writeId(instance.tokenAt(i));
    }
    at = zeros(b, at, maxSeqLength - n);
    arrayEnd();
    // input_mask: zig-zag 1 = 2, 0 = 0
    arrayStart(maxSeqLength);
    Arrays.fill(b, at, at + n, (byte) 2);
    at = zeros(b, at + n, maxSeqLength - n);
    arrayEnd();
    // segment_ids: 0 up to the first [SEP] (position lengthA + 1), then 1, then padding
    arrayStart(maxSeqLength);
    int firstB = Math.min(n, lengthA + 2);
    at = zeros(b, at, firstB);
    Arrays.fill(b, at, at + (n - firstB), (byte) 2);
    at = zeros(b, at + (n - firstB), maxSeqLength - n);
    arrayEnd();
    int[] positions = instance.maskedPositions();
    int[] labels = instance.maskedLabels();
    arrayStart(maxPredictions);
    for (int k = 0; k < m; k++) {
      writeId(positions[k]);
    }
    at = zeros(b, at, maxPredictions - m);
    arrayEnd();
    arrayStart(maxPredictions);
    for (int k = 0; k < m; k++) {
      writeId(labels[k]);
    }
    at = zeros(b, at, maxPredictions - m);
    arrayEnd();
    arrayStart(maxPredictions);
    for (int k = 0; k < m; k++) {
      b[at++] = (byte) FLOAT_ONE;
      b[at++] = (byte) (FLOAT_ONE >>> 8);
      b[at++] = (byte) (FLOAT_ONE >>> 16);
      b[at++] = (byte) (FLOAT_ONE >>> 24);
    }
    at = zeros(b, at, 4 * (maxPredictions - m)); // 0.0f is four zero bytes
    arrayEnd();
    writeInt(instance.isRandomNext() ? 1 : 0);
    return at;
  }

  /**
   * The last encoding's runs of zero bytes (padding, mostly) of 32 bytes or more, as (start,
   * length) pairs in order: the first {@link #paddingRuns()} pairs are valid. A store may leave them out and put
   * them back when it writes.
   */
  public int[] padding() {
    return padding;
  }

  /** How many pairs of {@link #padding()} the last encoding has. */
  public int paddingRuns() {
    return paddingRuns;
  }

  /** The buffer holding the last encoding (valid up to the returned length). */
  public byte[] buffer() {
    return buf;
  }

  private void arrayStart(int count) {
    if (count > 0) {
      writeInt(count);
    }
  }

  private void arrayEnd() {
    buf[at++] = 0;
  }

  private int zeros(byte[] b, int from, int count) {
    Arrays.fill(b, from, from + count, (byte) 0);
    if (count >= MIN_RUN) {
      padding[2 * paddingRuns] = from;
      padding[2 * paddingRuns + 1] = count;
      paddingRuns++;
    }
    return from + count;
  }

  /** A non-negative int (an id or position): zig-zag is {@code 2 * value}, unrolled for 1-2 bytes. */
  private void writeId(int value) {
    int z = value << 1;
    if (value >= 0 && z < 0x80) {
      buf[at++] = (byte) z;
    } else if (value >= 0 && z < 0x4000) {
      buf[at++] = (byte) (z | 0x80);
      buf[at++] = (byte) (z >>> 7);
    } else {
      writeInt(value);
    }
  }

  private void writeInt(int value) {
    int z = (value << 1) ^ (value >> 31);
    while ((z & ~0x7f) != 0) {
      buf[at++] = (byte) ((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    buf[at++] = (byte) z;
  }
}
