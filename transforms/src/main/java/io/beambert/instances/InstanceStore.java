package io.beambert.instances;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Append-only, compact in-memory store of {@link TrainingInstance}s with random access, used to
 * hold every instance until the reference's final shuffle.
 *
 * <p>Each instance is packed into byte blocks with fixed-width ids ({@code w} = 2 bytes when the
 * vocabulary has at most 65,536 entries, 3 up to 2^24, else 4) and positions ({@code p} = 1 byte
 * when {@code maxSeqLength <= 256}, else 2 up to 65,536, else 4):
 *
 * <pre>
 * varint length n, varint lengthA, varint maskedCount m, 1 byte randomNext,
 * n ids (w bytes each), m positions (p bytes each), m labels (w bytes each)
 * </pre>
 *
 * plus an 8-byte offset. Each varint takes 1 byte below 128 and 2 below 16,384. Upper bound per
 * instance with the defaults (maxSeqLength 128, maxPredictionsPerSeq 20) and BERT-base's
 * 30,522-entry vocabulary: 5 (header) + 128 * 2 + 20 * (1 + 2) + 8 (offset) = 329 bytes; the
 * generator's S2 permutation adds 4. In general: {@code 16 + 8 + maxSeqLength * w +
 * maxPredictionsPerSeq * (p + w)}. The reference keeps several kilobytes of Python objects per
 * instance instead (lists of token strings, segment ids and masked-LM tuples). Blocks are 1 MiB
 * (or one instance, if larger), so unused space is under one block.
 */
public final class InstanceStore {
  private static final int BLOCK = 1 << 20;

  private final int idWidth;
  private final int positionWidth;
  private final List<byte[]> blocks = new ArrayList<>();
  private byte[] current;
  private int used;
  private long[] offsets = new long[1024];
  private int size;
  private long bytes;

  /**
   * Creates a store for ids below {@code vocabSize} and positions below {@code maxSeqLength}.
   *
   * @throws IllegalArgumentException when a bound is not positive
   */
  public InstanceStore(int vocabSize, int maxSeqLength) {
    if (vocabSize < 1 || maxSeqLength < 1) {
      throw new IllegalArgumentException(
          "vocabSize and maxSeqLength must be positive, got " + vocabSize + ", " + maxSeqLength);
    }
    this.idWidth = vocabSize <= (1 << 16) ? 2 : vocabSize <= (1 << 24) ? 3 : 4;
    this.positionWidth = maxSeqLength <= (1 << 8) ? 1 : maxSeqLength <= (1 << 16) ? 2 : 4;
  }

  /** Bytes one id takes (2, 3 or 4). */
  public int idWidth() {
    return idWidth;
  }

  /** Bytes one position takes (1, 2 or 4). */
  public int positionWidth() {
    return positionWidth;
  }

  /** Number of instances stored. */
  public int size() {
    return size;
  }

  /** Bytes used by encoded instances plus their offsets (excluding unused block space). */
  public long bytesUsed() {
    return bytes + 8L * size;
  }

  /**
   * Appends an instance.
   *
   * @throws IllegalArgumentException when an id or position does not fit the widths
   * @throws IllegalStateException when more than {@code Integer.MAX_VALUE - 8} instances are added
   */
  public void add(TrainingInstance instance) {
    int[] tokens = instance.tokensUnsafe();
    int[] positions = instance.maskedPositionsUnsafe();
    int[] labels = instance.maskedLabelsUnsafe();
    int n = tokens.length;
    int m = positions.length;
    int need = 16 + n * idWidth + m * (positionWidth + idWidth);
    if (current == null || used + need > current.length) {
      current = new byte[Math.max(BLOCK, need)];
      blocks.add(current);
      used = 0;
    }
    if (size == offsets.length) {
      if (size >= Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("instance store is full at " + size + " instances");
      }
      offsets = Arrays.copyOf(offsets, (int) Math.min(Integer.MAX_VALUE - 8, 2L * size));
    }
    // Write first, commit after: a value that does not fit leaves the store unchanged.
    int at = used;
    at = putVarint(current, at, n);
    at = putVarint(current, at, instance.lengthA());
    at = putVarint(current, at, m);
    current[at++] = (byte) (instance.isRandomNext() ? 1 : 0);
    for (int id : tokens) {
      at = putFixed(current, at, id, idWidth);
    }
    for (int p : positions) {
      at = putFixed(current, at, p, positionWidth);
    }
    for (int id : labels) {
      at = putFixed(current, at, id, idWidth);
    }
    offsets[size++] = ((long) (blocks.size() - 1) << 32) | used;
    bytes += at - used;
    used = at;
  }

  /** Decodes the instance at {@code index} (0-based, in insertion order). */
  public TrainingInstance get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " of " + size);
    }
    long offset = offsets[index];
    byte[] block = blocks.get((int) (offset >>> 32));
    int[] at = {(int) offset};
    int n = getVarint(block, at);
    int lengthA = getVarint(block, at);
    int m = getVarint(block, at);
    boolean randomNext = block[at[0]++] != 0;
    int pos = at[0];
    int[] tokens = new int[n];
    for (int i = 0; i < n; i++, pos += idWidth) {
      tokens[i] = getFixed(block, pos, idWidth);
    }
    int[] positions = new int[m];
    for (int i = 0; i < m; i++, pos += positionWidth) {
      positions[i] = getFixed(block, pos, positionWidth);
    }
    int[] labels = new int[m];
    for (int i = 0; i < m; i++, pos += idWidth) {
      labels[i] = getFixed(block, pos, idWidth);
    }
    return TrainingInstance.wrap(tokens, lengthA, positions, labels, randomNext);
  }

  private static int putVarint(byte[] out, int at, int value) {
    while ((value & ~0x7f) != 0) {
      out[at++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[at++] = (byte) value;
    return at;
  }

  private static int getVarint(byte[] in, int[] at) {
    int value = 0;
    int shift = 0;
    while (true) {
      byte b = in[at[0]++];
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
      shift += 7;
    }
  }

  private static int putFixed(byte[] out, int at, int value, int width) {
    if (width < 4 && (value < 0 || value >>> (8 * width) != 0)) {
      throw new IllegalArgumentException(
          "value " + value + " does not fit in " + width + " bytes (check vocabSize/maxSeqLength)");
    }
    for (int i = 0; i < width; i++) {
      out[at++] = (byte) (value >>> (8 * i));
    }
    return at;
  }

  private static int getFixed(byte[] in, int at, int width) {
    int value = 0;
    for (int i = 0; i < width; i++) {
      value |= (in[at + i] & 0xff) << (8 * i);
    }
    return value;
  }
}
