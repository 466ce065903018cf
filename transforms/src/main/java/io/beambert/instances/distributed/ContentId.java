package io.beambert.instances.distributed;

import java.util.HexFormat;
import java.util.List;

/**
 * Stable document ids derived from content only: 32 hex digits, the 128-bit MurmurHash3 (x64, seed
 * 0) of the document's sentences, each followed by {@code '\n'}, as UTF-16 code units. A
 * non-cryptographic hash is enough here (ids only need to be stable and, for a few billion
 * documents, free of accidental collisions) and is several times faster than SHA-256, which showed
 * up in profiles of the reading step.
 *
 * <p>Neither the file a document came from nor its position enters the id, so splitting a corpus
 * into files in another order keeps every id; identical documents share an id (and, in the
 * distributed generator, their random streams).
 */
public final class ContentId {
  private ContentId() {}

  /** The id of a document with these sentences (already stripped, in order). */
  public static String of(List<String> sentences) {
    Murmur128 h = new Murmur128();
    for (String s : sentences) {
      for (int i = 0, n = s.length(); i < n; i++) {
        h.add(s.charAt(i));
      }
      h.add('\n');
    }
    return h.hex();
  }

  /**
   * MurmurHash3 x64 128 (seed 0) over the UTF-16 code units of the text, little-endian, eight
   * code units (16 bytes) per block: a fast non-cryptographic hash, stable across platforms and
   * runs because Java strings are UTF-16 everywhere.
   */
  static final class Murmur128 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private long h1;
    private long h2;
    private long k1;
    private long k2;
    private int inBlock; // code units in the current block, 0..7
    private long length; // bytes

    void add(char c) {
      long v = c & 0xFFFFL;
      if (inBlock < 4) {
        k1 |= v << (16 * inBlock);
      } else {
        k2 |= v << (16 * (inBlock - 4));
      }
      length += 2;
      if (++inBlock == 8) {
        mixBlock();
        inBlock = 0;
        k1 = 0;
        k2 = 0;
      }
    }

    private void mixBlock() {
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    }

    private static long mixK1(long k) {
      k *= C1;
      k = Long.rotateLeft(k, 31);
      return k * C2;
    }

    private static long mixK2(long k) {
      k *= C2;
      k = Long.rotateLeft(k, 33);
      return k * C1;
    }

    String hex() {
      long a = h1;
      long b = h2;
      if (inBlock > 0) { // the tail, as MurmurHash3 mixes it
        if (inBlock > 4) {
          b ^= mixK2(k2);
        }
        a ^= mixK1(k1);
      }
      a ^= length;
      b ^= length;
      a += b;
      b += a;
      a = fmix(a);
      b = fmix(b);
      a += b;
      b += a;
      return HexFormat.of().toHexDigits(a) + HexFormat.of().toHexDigits(b);
    }

    private static long fmix(long k) {
      k ^= k >>> 33;
      k *= 0xff51afd7ed558ccdL;
      k ^= k >>> 33;
      k *= 0xc4ceb9fe1a85ec53L;
      k ^= k >>> 33;
      return k;
    }
  }

  /**
   * The pool (bucket) of an id among {@code pools}: its first 64 bits, unsigned, modulo {@code
   * pools}.
   *
   * @throws IllegalArgumentException when {@code pools < 1} or the id is not 16+ hex digits
   */
  public static int pool(String id, int pools) {
    if (pools < 1) {
      throw new IllegalArgumentException("pools must be at least 1, got " + pools);
    }
    if (id.length() < 16) {
      throw new IllegalArgumentException("not a content id: " + id);
    }
    long bits = Long.parseUnsignedLong(id.substring(0, 16), 16);
    return (int) Long.remainderUnsigned(bits, pools);
  }
}
