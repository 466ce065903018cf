package io.beambert.trainer.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableFileInput;

/**
 * Reads one shard's instances in file order and refuses to pass off a damaged shard as a shorter
 * valid one.
 *
 * <p>Avro's reader ends quietly when a file stops in the middle of a block; so at the end this
 * reader checks that the last complete block ends at the end of the file, and, when {@code
 * _metadata.json} gave the shard's instance count, that the count matches. Every error names the
 * file.
 */
final class ShardReader implements Closeable {
  private final ShardSet.Shard shard;
  private final DataFileReader<Instance> reader;
  private final long fileSize;
  private long read;

  private ShardReader(ShardSet.Shard shard, DataFileReader<Instance> reader, long fileSize) {
    this.shard = shard;
    this.reader = reader;
    this.fileSize = fileSize;
  }

  static ShardReader open(ShardSet.Shard shard, int seqLength, int predictions)
      throws ShardException {
    Path path = shard.path();
    try {
      long size = Files.size(path);
      DataFileReader<Instance> reader =
          new DataFileReader<>(new SeekableFileInput(path.toFile()),
              new InstanceDatumReader(seqLength, predictions));
      return new ShardReader(shard, reader, size);
    } catch (IllegalArgumentException e) {
      throw new ShardException(path, "not a beambert shard: " + e.getMessage());
    } catch (IOException | AvroRuntimeException e) {
      throw new ShardException(path, "cannot be read as Avro (" + e.getMessage() + ")", e);
    }
  }

  Path path() {
    return shard.path();
  }

  /** Records returned so far. */
  long read() {
    return read;
  }

  /** The next instance (a new object), or null after the last one, once the end is verified. */
  Instance next() throws ShardException {
    try {
      if (!reader.hasNext()) {
        verifyEnd();
        return null;
      }
      Instance instance = reader.next(null);
      read++;
      instance.source = shard.path();
      instance.shard = shard.name();
      instance.record = read;
      return instance;
    } catch (IOException | RuntimeException e) {
      throw new ShardException(shard.path(),
          "damaged at record " + (read + 1) + " (" + e.getMessage() + ")", e);
    }
  }

  /** Reads the rest of the file block by block without decoding records; returns the total count. */
  long countToEnd() throws ShardException {
    try {
      while (reader.hasNext()) {
        read += reader.getBlockCount();
        reader.nextBlock();
      }
    } catch (IOException | RuntimeException e) {
      throw new ShardException(shard.path(),
          "damaged after record " + read + " (" + e.getMessage() + ")", e);
    }
    verifyEnd();
    return read;
  }

  private void verifyEnd() throws ShardException {
    long end = reader.previousSync();
    if (end != fileSize) {
      throw new ShardException(shard.path(), "truncated or damaged: its last complete block ends at byte "
          + end + " of " + fileSize + " (" + read + " instances read)");
    }
    if (shard.expectedInstances() >= 0 && read != shard.expectedInstances()) {
      throw new ShardException(shard.path(), "holds " + read + " instances but "
          + ShardSet.METADATA + " lists " + shard.expectedInstances() + " (truncated or replaced)");
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
