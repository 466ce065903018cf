package io.beambert.io;

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
