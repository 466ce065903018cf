package io.beambert.io;

import java.io.Serializable;
import java.util.Locale;
import org.apache.avro.file.CodecFactory;

/**
 * Where and how a pretraining-data run writes and commits its shards, in either mode: the output
 * directory, the Avro codec, the sync markers (derived from a domain naming the format, the run key
 * and the shard, so a rerun writes the same bytes), and what {@code _metadata.json} records about
 * the run. Immutable and serializable.
 *
 * <pre>{@code
 * ShardOutput out = ShardOutput.to("out/shards").withCodec("zstandard")
 *     .withRunDescription(optionsJson, vocabSha256, runKey);
 * }</pre>
 */
public final class ShardOutput implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The distributed mode's sync-marker domain. */
  public static final String DISTRIBUTED_MARKERS = "beambert-distributed-shard";

  /** Reference mode's sync-marker domain. */
  public static final String REFERENCE_MARKERS = "beambert-shard";

  private final String outputDir;
  private String codec = "snappy";
  private String markers = DISTRIBUTED_MARKERS;
  private String runKey = "";
  private String optionsJson = "{}";
  private String vocabSha256 = "";
  private long startMillis = -1;
  private String noDocumentsError;

  private ShardOutput(String outputDir) {
    this.outputDir = outputDir;
  }

  private ShardOutput copy() {
    return copyTo(outputDir);
  }

  private ShardOutput copyTo(String outputDir) {
    ShardOutput c = new ShardOutput(outputDir);
    c.codec = codec;
    c.markers = markers;
    c.runKey = runKey;
    c.optionsJson = optionsJson;
    c.vocabSha256 = vocabSha256;
    c.startMillis = startMillis;
    c.noDocumentsError = noDocumentsError;
    return c;
  }

  /**
   * Writes into {@code outputDir} (any Beam file system), snappy-compressed, with the distributed
   * mode's sync markers. The directory should be prepared ({@link OutputDirectory#prepare}).
   */
  public static ShardOutput to(String outputDir) {
    if (outputDir == null || outputDir.isEmpty()) {
      throw new IllegalArgumentException("outputDir must be non-empty");
    }
    return new ShardOutput(outputDir);
  }

  /**
   * Avro codec: {@code null}, {@code deflate-N} (N in 1..9), {@code snappy}, {@code zstandard}
   * (default {@code snappy}).
   */
  public ShardOutput withCodec(String codec) {
    codecFactory(codec); // validates
    ShardOutput c = copy();
    c.codec = codec;
    return c;
  }

  /** Sync-marker domain (default {@link #DISTRIBUTED_MARKERS}). */
  public ShardOutput withMarkers(String domain) {
    ShardOutput c = copy();
    c.markers = domain;
    return c;
  }

  /**
   * Run description for {@code _metadata.json}: the options as a JSON object, the vocabulary's
   * SHA-256, and a run key (text naming everything that decides the content) that seeds the sync
   * markers.
   */
  public ShardOutput withRunDescription(String optionsJson, String vocabSha256, String runKey) {
    ShardOutput c = copy();
    c.optionsJson = optionsJson;
    c.vocabSha256 = vocabSha256;
    c.runKey = runKey;
    return c;
  }

  /** When the run started (epoch ms), to record {@code wall_time_seconds}; default: not recorded. */
  public ShardOutput withStartMillis(long startMillis) {
    ShardOutput c = copy();
    c.startMillis = startMillis;
    return c;
  }

  /**
   * Fails the run with {@code IllegalArgumentException(message)} when no document gave instances,
   * before any shard is renamed. Default: such a run commits empty shards.
   */
  public ShardOutput withNoDocumentsError(String message) {
    if (message == null || message.isEmpty()) {
      throw new IllegalArgumentException("message must be non-empty");
    }
    ShardOutput c = copy();
    c.noDocumentsError = message;
    return c;
  }

  /** The same output with every setting, into another directory (e.g. one window's folder). */
  public ShardOutput in(String outputDir) {
    return copyTo(to(outputDir).outputDir); // to() validates
  }

  /** The output directory. */
  public String outputDir() {
    return outputDir;
  }

  String optionsJson() {
    return optionsJson;
  }

  String vocabSha256() {
    return vocabSha256;
  }

  long startMillis() {
    return startMillis;
  }

  String noDocumentsError() {
    return noDocumentsError;
  }

  /** Opens the temporary file of shard {@code index} of {@code count}. */
  public InstanceShardWriter openShard(int index, int count) throws java.io.IOException {
    return InstanceShardWriter.openShard(
        outputDir, index, count, codecFactory(codec), markers, runKey);
  }

  /** Opens the temporary files of all {@code count} shards, written round-robin. */
  public InstanceShardWriter openAll(int count) throws java.io.IOException {
    return InstanceShardWriter.open(outputDir, count, codecFactory(codec), markers, runKey);
  }

  static CodecFactory codecFactory(String codec) {
    String c = codec.toLowerCase(Locale.ROOT);
    if (c.startsWith("deflate-")) {
      int level;
      try {
        level = Integer.parseInt(c.substring("deflate-".length()));
      } catch (NumberFormatException e) {
        level = -1;
      }
      if (level < 1 || level > 9) {
        throw new IllegalArgumentException("codec deflate-N needs N in 1..9, got " + codec);
      }
      return CodecFactory.deflateCodec(level);
    }
    switch (c) {
      case "null":
      case "snappy":
      case "zstandard":
      case "deflate":
        return CodecFactory.fromString(c);
      default:
        throw new IllegalArgumentException(
            "codec must be null, deflate-N, snappy or zstandard, got " + codec);
    }
  }
}
