package io.beambert.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * File names of an output directory of pretraining shards.
 *
 * <p>A complete output directory holds {@code part-SSSSS-of-NNNNN.avro} for every shard index
 * {@code S} in {@code [0, N)} and {@code _metadata.json}, which is written last. While a run is in
 * progress shards carry the temporary name {@code .part-SSSSS-of-NNNNN.avro.inprogress}; they are
 * renamed once every shard is closed, so a failed run never leaves output that looks complete.
 */
public final class ShardNames {

  /** Name of the run description written after every shard, see {@link RunMetadata}. */
  public static final String METADATA = "_metadata.json";

  /** Folder of dead letters (records that could not be processed) inside an output directory. */
  public static final String DEAD_LETTER_DIR = "_dead_letter";

  /** Matches the final name of a shard. */
  public static final Pattern SHARD = Pattern.compile("part-\\d{5,}-of-\\d{5,}\\.avro");

  /** Matches the temporary name of a shard being written. */
  public static final Pattern TEMP_SHARD =
      Pattern.compile("\\.part-\\d{5,}-of-\\d{5,}\\.avro\\.inprogress");

  private ShardNames() {}

  /** Returns {@code part-SSSSS-of-NNNNN.avro}. */
  public static String shard(int index, int numShards) {
    checkIndex(index, numShards);
    return String.format(Locale.ROOT, "part-%05d-of-%05d.avro", index, numShards);
  }

  /** Name of dead-letter file {@code index} of {@code count}, inside {@link #DEAD_LETTER_DIR}. */
  public static String deadLetters(int index, int count) {
    return String.format(Locale.ROOT, "part-%05d-of-%05d.jsonl", index, count);
  }

  /** Returns the temporary name of shard {@code index} while it is written. */
  public static String tempShard(int index, int numShards) {
    return "." + shard(index, numShards) + ".inprogress";
  }

  /** Whether {@code name} is a file this project writes into an output directory. */
  public static boolean isOwnFile(String name) {
    return name.equals(METADATA)
        || SHARD.matcher(name).matches()
        || TEMP_SHARD.matcher(name).matches();
  }

  /**
   * The 16-byte Avro sync marker of shard {@code index} of {@code numShards}: the first bytes of
   * SHA-256 over the writer's domain, the run key and the shard. Avro draws a random marker by
   * default, which would make every rerun's bytes differ; a derived one keeps reruns byte-identical.
   */
  public static byte[] syncMarker(String domain, String runKey, int index, int numShards) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(
          (domain + "\n" + runKey + "\n" + index + "/" + numShards).getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(sha.digest(), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void checkIndex(int index, int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("numShards must be at least 1, got " + numShards);
    }
    if (index < 0 || index >= numShards) {
      throw new IllegalArgumentException(
          "shard index " + index + " is outside [0, " + numShards + ")");
    }
  }
}
