package io.beambert.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.io.ShardNames;
import io.beambert.schemas.PretrainingInstance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Whether a shard is whole: readable Avro with the {@code PretrainingInstance} schema, its last
 * complete block ending at the end of the file (Avro's own reader ends quietly when a file stops
 * inside a block, so a cut shard would otherwise read as a shorter valid one), and as many records
 * as {@code _metadata.json} lists for it. Used by {@code inspect} after it printed a shard and by
 * {@code verify}. Every message names the file.
 */
final class ShardCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShardCheck() {}

  /** What a check found: the records counted, and the problem (null when whole). */
  record Result(long instances, String problem) {
    boolean ok() {
      return problem == null;
    }
  }

  /**
   * The instance counts {@code _metadata.json} lists by shard file name, for the folder of {@code
   * shard}; empty when the folder has no metadata.
   *
   * @throws IOException when the metadata exists but cannot be read
   */
  static Map<String, Long> listedCounts(ResourceId folder) throws IOException {
    ResourceId metadata =
        folder.resolve(ShardNames.METADATA, StandardResolveOptions.RESOLVE_FILE);
    MatchResult match = FileSystems.match(metadata.toString());
    Map<String, Long> counts = new HashMap<>();
    if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
      return counts;
    }
    JsonNode root;
    try (InputStream in = Channels.newInputStream(FileSystems.open(metadata))) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException("cannot read " + metadata + ": " + e.getMessage(), e);
    }
    for (JsonNode shard : root.path("shards")) {
      counts.put(shard.path("file").asText(), shard.path("instances").asLong());
    }
    return counts;
  }

  /** {@link #listedCounts} for a lookup that cannot throw; an unreadable metadata file fails. */
  static Map<String, Long> listedCountsUnchecked(ResourceId folder) {
    try {
      return listedCounts(folder);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Reads {@code shard} to its end, block by block (no record decoded), and compares it with
   * {@code expected} instances ({@code -1}: not listed).
   */
  static Result check(ResourceId shard, long expected) {
    long records = 0;
    try (SeekableByteChannel channel = (SeekableByteChannel) FileSystems.open(shard);
        DataFileReader<Object> reader =
            new DataFileReader<>(new ChannelInput(channel), new GenericDatumReader<>())) {
      if (!reader.getSchema().equals(PretrainingInstance.getClassSchema())) {
        return new Result(0, "has another schema than beambert's PretrainingInstance");
      }
      while (reader.hasNext()) {
        records += reader.getBlockCount();
        reader.nextBlock();
      }
      Result end = checkEnd(reader.previousSync(), channel.size(), records, expected);
      if (end != null) {
        return end;
      }
      return new Result(records, null);
    } catch (ClassCastException e) {
      return new Result(records, "cannot be read from an offset, so it cannot be checked");
    } catch (IOException | AvroRuntimeException | IllegalArgumentException e) {
      return new Result(records, "is not a whole Avro shard (" + describe(e) + ")");
    }
  }

  /** The problem of a shard read to its end, or null. */
  static Result checkEnd(long lastBlockEnd, long size, long records, long expected) {
    if (lastBlockEnd != size) {
      return new Result(records, "is truncated or damaged: its last complete block ends at byte "
          + lastBlockEnd + " of " + size + " (" + records + " instances before it)");
    }
    if (expected >= 0 && records != expected) {
      return new Result(records, "holds " + records + " instances but " + ShardNames.METADATA
          + " lists " + expected);
    }
    return null;
  }

  /** An exception's class and message (Avro's messages are sometimes null). */
  static String describe(Throwable e) {
    if (e instanceof java.io.EOFException && e.getMessage() == null) {
      return "the file ends too early: cut off";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** A Beam file's channel as Avro's seekable input. */
  static final class ChannelInput implements SeekableInput {
    private final SeekableByteChannel channel;

    ChannelInput(SeekableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public void seek(long p) throws IOException {
      channel.position(p);
    }

    @Override
    public long tell() throws IOException {
      return channel.position();
    }

    @Override
    public long length() throws IOException {
      return channel.size();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
