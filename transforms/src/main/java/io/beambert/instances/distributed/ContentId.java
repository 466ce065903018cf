package io.beambert.instances.distributed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Stable document ids derived from content only: the hex of the first 16 bytes of SHA-256 over the
 * document's sentences, each followed by {@code '\n'}.
 *
 * <p>Neither the file a document came from nor its position enters the id, so splitting a corpus
 * into files in another order keeps every id; identical documents share an id (and, in the
 * distributed generator, their random streams).
 */
public final class ContentId {
  private ContentId() {}

  /** The id of a document with these sentences (already stripped, in order). */
  public static String of(List<String> sentences) {
    MessageDigest sha = sha256();
    for (String s : sentences) {
      sha.update(s.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
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

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
