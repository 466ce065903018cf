package io.beambert.instances.distributed;

import io.beambert.instances.TrainingInstance;

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
  private static final int FLOAT_ZERO = Float.floatToIntBits(0.0f);

  private final int maxSeqLength;
  private final int maxPredictions;
  private byte[] buf;
  private int at;

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
    int lengthA = instance.lengthA();
    // input_ids
    arrayStart(maxSeqLength);
    for (int i = 0; i < maxSeqLength; i++) {
      writeInt(i < n ? instance.tokenAt(i) : 0);
    }
    arrayEnd(maxSeqLength);
    // input_mask: zig-zag 1 = 2, 0 = 0
    arrayStart(maxSeqLength);
    for (int i = 0; i < maxSeqLength; i++) {
      buf[at++] = (byte) (i < n ? 2 : 0);
    }
    arrayEnd(maxSeqLength);
    // segment_ids
    arrayStart(maxSeqLength);
    for (int i = 0; i < maxSeqLength; i++) {
      buf[at++] = (byte) (i < n && i > lengthA + 1 ? 2 : 0);
    }
    arrayEnd(maxSeqLength);
    int[] positions = instance.maskedPositions();
    int[] labels = instance.maskedLabels();
    arrayStart(maxPredictions);
    for (int k = 0; k < maxPredictions; k++) {
      writeInt(k < m ? positions[k] : 0);
    }
    arrayEnd(maxPredictions);
    arrayStart(maxPredictions);
    for (int k = 0; k < maxPredictions; k++) {
      writeInt(k < m ? labels[k] : 0);
    }
    arrayEnd(maxPredictions);
    arrayStart(maxPredictions);
    for (int k = 0; k < maxPredictions; k++) {
      int bits = k < m ? FLOAT_ONE : FLOAT_ZERO;
      buf[at++] = (byte) bits;
      buf[at++] = (byte) (bits >>> 8);
      buf[at++] = (byte) (bits >>> 16);
      buf[at++] = (byte) (bits >>> 24);
    }
    arrayEnd(maxPredictions);
    writeInt(instance.isRandomNext() ? 1 : 0);
    return at;
  }

  /** The buffer holding the last encoding (valid up to the returned length). */
  public byte[] buffer() {
    return buf;
  }

  private void arrayStart(int count) {
    if (count > 0) {
      writeLong(count);
    }
  }

  private void arrayEnd(int count) {
    buf[at++] = 0;
  }

  private void writeInt(int value) {
    int z = (value << 1) ^ (value >> 31);
    while ((z & ~0x7f) != 0) {
      buf[at++] = (byte) ((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    buf[at++] = (byte) z;
  }

  private void writeLong(long value) {
    long z = (value << 1) ^ (value >> 63);
    while ((z & ~0x7fL) != 0) {
      buf[at++] = (byte) ((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    buf[at++] = (byte) z;
  }
}
