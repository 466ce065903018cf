package io.beambert.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Locale;
import org.apache.beam.sdk.io.Compression;

/**
 * An input file's (decompressed) stream whose read errors name the file and say what is wrong: a
 * compressed file that ends inside its compressed data is "truncated" (its decompressor throws an
 * {@link EOFException} without a message), any other decompression error "damaged".
 *
 * <pre>{@code
 * InputStream in = InputFileStream.decompressed(name, Compression.detect(name), channel);
 * }</pre>
 */
public final class InputFileStream extends FilterInputStream {
  private final String name;
  private final Compression compression;

  private InputFileStream(String name, Compression compression, InputStream in) {
    super(in);
    this.name = name;
    this.compression = compression;
  }

  /**
   * Wraps {@code in}, the stream of file {@code name} as {@code compression} decompresses it (the
   * compression is only used in messages).
   */
  public static InputStream of(String name, Compression compression, InputStream in) {
    return new InputFileStream(name, compression, in);
  }

  /** File {@code name}'s {@code channel}, decompressed by {@code compression}, wrapped. */
  public static InputStream decompressed(
      String name, Compression compression, ReadableByteChannel channel) throws IOException {
    return of(name, compression, Channels.newInputStream(compression.readDecompressed(channel)));
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return in.read(b, off, len);
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException e) {
      throw named(e);
    }
  }

  private IOException named(IOException e) {
    if (e.getMessage() != null && e.getMessage().startsWith(name + ": ")) {
      return e; // already named (a nested stream)
    }
    boolean compressed =
        compression != Compression.UNCOMPRESSED && compression != Compression.AUTO;
    String format = compression.name().toLowerCase(Locale.ROOT);
    String what;
    if (compressed && e instanceof EOFException) {
      what = "the " + format + " file is truncated (it ends inside its compressed data)";
    } else if (compressed) {
      what = "the " + format + " file is truncated or damaged (" + e.getMessage() + ")";
    } else {
      what = "cannot be read (" + e + ")";
    }
    return new IOException(name + ": " + what, e);
  }
}
