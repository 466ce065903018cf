package io.beambert.instances.distributed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Append-only store of byte records (encoded instances) in 256 KiB blocks, with random access and
 * a rollback to an earlier size. A record costs its bytes plus 12 bytes of index.
 *
 * <p>Not thread-safe.
 */
final class EncodedStore {
  // Below half a G1 region (1 MiB for heaps up to 2 GB), so blocks are not humongous objects.
  private static final int BLOCK = 256 << 10;

  private final List<byte[]> blocks = new ArrayList<>();
  private byte[] current;
  private int used;
  private long[] offsets = new long[1024];
  private int[] lengths = new int[1024];
  private int size;

  int size() {
    return size;
  }

  void add(byte[] bytes, int length) {
    if (current == null || used + length > current.length) {
      current = new byte[Math.max(BLOCK, length)];
      blocks.add(current);
      used = 0;
    }
    if (size == offsets.length) {
      offsets = Arrays.copyOf(offsets, 2 * size);
      lengths = Arrays.copyOf(lengths, 2 * size);
    }
    System.arraycopy(bytes, 0, current, used, length);
    offsets[size] = ((long) (blocks.size() - 1) << 32) | used;
    lengths[size] = length;
    size++;
    used += length;
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

  byte[] block(int index) {
    return blocks.get((int) (offsets[index] >>> 32));
  }

  int offset(int index) {
    return (int) offsets[index];
  }

  int length(int index) {
    return lengths[index];
  }
}
