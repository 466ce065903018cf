package io.beambert.instances.distributed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Append-only store of byte records (encoded instances) in 256 KiB blocks, with random access and
 * a rollback to an earlier size. A record costs its bytes plus 16 bytes of index.
 *
 * <p>Runs of zero bytes that the encoder names (an instance's padding) are left out and put back
 * when the record is read, so a pool's memory follows its real tokens, not {@code maxSeqLength}:
 * padded to 100,000 positions an instance is 300 KB on the wire but its tokens here.
 *
 * <p>Not thread-safe.
 */
final class EncodedStore {
  // Below half a G1 region (1 MiB for heaps up to 2 GB), so blocks are not humongous objects.
  private static final int BLOCK = 256 << 10;
  private static final int[] NO_GAPS = new int[0];

  private final List<byte[]> blocks = new ArrayList<>();
  private byte[] current;
  private int used;
  private long[] offsets = new long[1024];
  private int[] lengths = new int[1024];
  /** Record i's left-out runs are gaps[gapStart[i] .. gapStart[i + 1]) as (start, length) pairs. */
  private int[] gapStart = new int[1025];
  private int[] gaps = new int[64];
  private byte[] scratch = new byte[0];
  private int size;

  int size() {
    return size;
  }

  void add(byte[] bytes, int length) {
    add(bytes, length, NO_GAPS, 0);
  }

  /**
   * Adds {@code length} bytes of {@code bytes} without the {@code gapCount} runs of zeros described
   * by {@code gap}: (start, length) pairs, in order and not overlapping.
   */
  void add(byte[] bytes, int length, int[] gap, int gapCount) {
    int kept = length;
    for (int g = 0; g < gapCount; g++) {
      kept -= gap[2 * g + 1];
    }
    if (current == null || used + kept > current.length) {
      current = new byte[Math.max(BLOCK, kept)];
      blocks.add(current);
      used = 0;
    }
    if (size == offsets.length) {
      offsets = Arrays.copyOf(offsets, 2 * size);
      lengths = Arrays.copyOf(lengths, 2 * size);
      gapStart = Arrays.copyOf(gapStart, 2 * size + 1);
    }
    int from = 0;
    int at = used;
    int g0 = gapStart[size];
    if (g0 + 2 * gapCount > gaps.length) {
      gaps = Arrays.copyOf(gaps, Math.max(2 * gaps.length, g0 + 2 * gapCount));
    }
    for (int g = 0; g < gapCount; g++) {
      int start = gap[2 * g];
      System.arraycopy(bytes, from, current, at, start - from);
      at += start - from;
      from = start + gap[2 * g + 1];
      gaps[g0 + 2 * g] = start;
      gaps[g0 + 2 * g + 1] = gap[2 * g + 1];
    }
    System.arraycopy(bytes, from, current, at, length - from);
    offsets[size] = ((long) (blocks.size() - 1) << 32) | used;
    lengths[size] = kept;
    gapStart[size + 1] = g0 + 2 * gapCount;
    size++;
    used += kept;
  }

  /** Drops the records added after the store had {@code mark} records. */
  void truncate(int mark) {
    if (mark >= size) {
      return;
    }
    size = mark;
    int block = size == 0 ? 0 : (int) (offsets[size - 1] >>> 32);
    int end = size == 0 ? 0 : (int) offsets[size - 1] + lengths[size - 1];
    while (blocks.size() > block + 1) {
      blocks.remove(blocks.size() - 1);
    }
    if (blocks.isEmpty()) {
      current = null;
      used = 0;
    } else {
      current = blocks.get(block);
      used = end;
    }
  }

  /** Hands record {@code index}, whole (its zero runs put back), to {@code sink}. */
  void read(int index, PoolData.EncodedSink sink) {
    byte[] block = blocks.get((int) (offsets[index] >>> 32));
    int offset = (int) offsets[index];
    int kept = lengths[index];
    int g0 = gapStart[index];
    int g1 = gapStart[index + 1];
    if (g0 == g1) {
      sink.accept(block, offset, kept);
      return;
    }
    int length = kept;
    for (int g = g0; g < g1; g += 2) {
      length += gaps[g + 1];
    }
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2 * scratch.length)];
    }
    int from = offset;
    int at = 0;
    for (int g = g0; g < g1; g += 2) {
      int n = gaps[g] - at;
      System.arraycopy(block, from, scratch, at, n);
      from += n;
      at += n;
      Arrays.fill(scratch, at, at + gaps[g + 1], (byte) 0);
      at += gaps[g + 1];
    }
    System.arraycopy(block, from, scratch, at, length - at);
    sink.accept(scratch, 0, length);
  }

  /** Bytes held for the records (without the left-out runs), for tests. */
  long heldBytes() {
    long n = 0;
    for (int i = 0; i < size; i++) {
      n += lengths[i];
    }
    return n;
  }
}
