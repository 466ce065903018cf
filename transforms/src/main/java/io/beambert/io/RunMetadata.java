package io.beambert.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The content of {@code _metadata.json}: how a directory of shards was made and what it holds.
 *
 * <p>Layout (keys in this order):
 *
 * <pre>{@code
 * {
 *   "format": "beambert-pretraining-data",
 *   "options": {"input": "...", "maxSeqLength": 128, ...},   // every option of the run
 *   "vocab_sha256": "hex digest of the vocabulary file's bytes",
 *   "schema": { ...the Avro schema of the records... },
 *   "counts": {"documents_read": D, "documents_used": U, ..., "instances": I, "shards": N},
 *   "shards": [{"file": "part-00000-of-00001.avro", "instances": I0}, ...],
 *   "wall_time_seconds": 12.3
 * }
 * }</pre>
 */
public final class RunMetadata {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode root = JSON.createObjectNode();

  private RunMetadata() {
    root.put("format", "beambert-pretraining-data");
  }

  /** Starts a description with the run's options (name to value, in the order given). */
  public static RunMetadata withOptions(Map<String, ?> options) {
    RunMetadata m = new RunMetadata();
    m.root.set("options", JSON.valueToTree(options));
    return m;
  }

  /** Records the vocabulary's digest. */
  public RunMetadata vocabSha256(String hex) {
    root.put("vocab_sha256", hex);
    return this;
  }

  /** Records the schema of the shards' records. */
  public RunMetadata schema(Schema schema) {
    try {
      root.set("schema", JSON.readTree(schema.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an Avro schema always prints as JSON", e);
    }
    return this;
  }

  /** Records counts (documents, sentences, instances, tokens, ...), in the order given. */
  public RunMetadata counts(Map<String, Long> counts) {
    root.set("counts", JSON.valueToTree(counts));
    return this;
  }

  /** Records the number of instances in each shard, shard 0 first. */
  public RunMetadata shards(long[] instancesPerShard) {
    ArrayNode shards = root.putArray("shards");
    for (int i = 0; i < instancesPerShard.length; i++) {
      ObjectNode s = shards.addObject();
      s.put("file", ShardNames.shard(i, instancesPerShard.length));
      s.put("instances", instancesPerShard[i]);
    }
    return this;
  }

  /**
   * Records the window pane a streaming run's folder holds: its bounds (ISO-8601, UTC; null for
   * the global window), the pane's index and timing ({@code EARLY}, {@code ON_TIME}, {@code LATE}).
   */
  public RunMetadata window(String start, String end, long pane, String timing) {
    ObjectNode w = root.putObject("window");
    w.put("start", start);
    w.put("end", end);
    w.put("pane", pane);
    w.put("timing", timing);
    return this;
  }

  /** Records the run's wall time. */
  public RunMetadata wallTimeSeconds(double seconds) {
    root.put("wall_time_seconds", Math.round(seconds * 1000) / 1000.0);
    return this;
  }

  /** The JSON text, pretty-printed, ending with a newline. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metadata is plain JSON", e);
    }
  }

  /** Hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
