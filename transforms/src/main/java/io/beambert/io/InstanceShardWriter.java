package io.beambert.io;

import io.beambert.schemas.PretrainingInstance;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Writes {@link PretrainingInstance} records round-robin over {@code numShards} Avro files, in the
 * order they are given: record {@code k} goes to shard {@code k % numShards}, like the reference
 * writes its output files.
 *
 * <p>Shards are written under their temporary names (see {@link ShardNames#tempShard}); {@link
 * OutputDirectory#commit} renames them once the whole run succeeded. The Avro sync marker of each
 * shard is derived from a run key (the options that decide the content) and the shard index, so
 * writing the same records again gives byte-identical files. Works on any Beam file system.
 *
 * <p>Not thread-safe; one writer per run.
 */
public final class InstanceShardWriter implements AutoCloseable {

  private static final int BUFFER_BYTES = 1 << 20;

  private final List<DataFileWriter<PretrainingInstance>> writers;
  private final long[] counts;
  private long written;
  private boolean closed;

  private InstanceShardWriter(List<DataFileWriter<PretrainingInstance>> writers) {
    this.writers = writers;
    this.counts = new long[writers.size()];
  }

  /**
   * Opens the temporary file of shard {@code index} of {@code numShards} only, replacing leftovers
   * of an earlier attempt; every record goes to that shard (for writers that run one per shard on
   * different workers). The shard is written with the Avro {@code codec} and sync markers derived
   * from {@code markerDomain} (which names the format), the run key (text that identifies the
   * content) and the shard (see {@link ShardNames#syncMarker}), so a rerun writes the same bytes.
   * {@link ShardOutput} holds these settings for a run.
   */
  public static InstanceShardWriter openShard(
      String outputDir, int index, int numShards, CodecFactory codec, String markerDomain,
      String runKey) throws IOException {
    ShardNames.shard(index, numShards); // checks the index
    return open(outputDir, index, index + 1, numShards, codec, markerDomain, runKey);
  }

  /**
   * Opens the temporary files of every shard in {@code outputDir}, records going round-robin, in the
   * format of {@link #openShard(String, int, int, CodecFactory, String, String)}.
   */
  public static InstanceShardWriter open(
      String outputDir, int numShards, CodecFactory codec, String markerDomain, String runKey)
      throws IOException {
    if (numShards < 1) {
      throw new IllegalArgumentException("numShards must be at least 1, got " + numShards);
    }
    return open(outputDir, 0, numShards, numShards, codec, markerDomain, runKey);
  }

  private static InstanceShardWriter open(
      String outputDir, int from, int to, int numShards, CodecFactory codec, String markerDomain,
      String runKey) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(outputDir, true);
    List<DataFileWriter<PretrainingInstance>> writers = new ArrayList<>(to - from);
    try {
      for (int i = from; i < to; i++) {
        ResourceId file =
            dir.resolve(ShardNames.tempShard(i, numShards), StandardResolveOptions.RESOLVE_FILE);
        OutputStream out =
            new BufferedOutputStream(
                Channels.newOutputStream(FileSystems.create(file, "application/avro")),
                BUFFER_BYTES);
        DataFileWriter<PretrainingInstance> writer =
            new DataFileWriter<>(new SpecificDatumWriter<>(PretrainingInstance.class));
        writer.setCodec(codec);
        writer.create(
            PretrainingInstance.getClassSchema(), out,
            ShardNames.syncMarker(markerDomain, runKey, i, numShards));
        writers.add(writer);
      }
    } catch (IOException | RuntimeException e) {
      for (DataFileWriter<PretrainingInstance> w : writers) {
        try {
          w.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return new InstanceShardWriter(writers);
  }

  /** Appends {@code instance} to the next shard in round-robin order. */
  public void write(PretrainingInstance instance) throws IOException {
    int shard = (int) (written % writers.size());
    writers.get(shard).append(instance);
    counts[shard]++;
    written++;
  }

  /**
   * Appends one record already encoded as an Avro datum ({@code length} bytes of {@code buffer}
   * from {@code offset}, e.g. from {@link io.beambert.instances.distributed.AvroInstanceEncoder}) to the next
   * shard in round-robin order: the same file bytes as {@link #write} of the same record.
   */
  public void writeEncoded(byte[] buffer, int offset, int length) throws IOException {
    int shard = (int) (written % writers.size());
    writers.get(shard).appendEncoded(ByteBuffer.wrap(buffer, offset, length));
    counts[shard]++;
    written++;
  }

  /** Number of records written so far. */
  public long written() {
    return written;
  }

  /** Records written to each shard so far. */
  public long[] countsPerShard() {
    return counts.clone();
  }

  /** Flushes and closes every shard. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (DataFileWriter<PretrainingInstance> w : writers) {
      try {
        w.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
