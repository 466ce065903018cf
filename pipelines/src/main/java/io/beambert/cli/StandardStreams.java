package io.beambert.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The process's standard input and output for commands that stream data through them ({@code
 * tokenize}, {@code inspect}), without the error swallowing of {@link System#out}: a failed write
 * throws, so a full disk or {@code /dev/full} stops the command with an error instead of a summary
 * that claims every line. A reader that went away (a closed pipe, as in {@code | head -1}) throws
 * {@link OutputClosedException}, which the command line turns into a quiet end.
 */
public final class StandardStreams {
  private StandardStreams() {}

  /** Thrown when the reader of standard output has gone away (a closed pipe). */
  public static final class OutputClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    OutputClosedException(IOException cause) {
      super("standard output was closed by its reader", cause);
    }
  }

  /** Standard output as a stream whose failed writes throw. Not buffered. */
  public static OutputStream out() {
    return new Checked(new FileOutputStream(FileDescriptor.out));
  }

  /**
   * Standard input.
   *
   * @throws UsageException when standard input is closed: the process then has no descriptor 0 of
   *     its own, and the JVM may have reused it for one of its own files (so reading it would read
   *     that file). Checked where {@code /proc/self/fd} tells.
   */
  public static InputStream in() {
    Path fd0 = Paths.get("/proc/self/fd/0");
    try {
      if (Files.isDirectory(fd0.getParent())) {
        if (!Files.exists(fd0, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw closedInput();
        }
        if (Files.isSymbolicLink(fd0)) {
          Path target = Files.readSymbolicLink(fd0);
          Path javaHome = Paths.get(System.getProperty("java.home")).toRealPath();
          if (target.isAbsolute() && target.startsWith(javaHome)) {
            throw closedInput(); // descriptor 0 is the JVM's own file
          }
        }
      }
    } catch (IOException | InvalidPathException | SecurityException e) {
      // No /proc to ask: read what descriptor 0 gives.
    }
    return new FileInputStream(FileDescriptor.in);
  }

  private static UsageException closedInput() {
    return new UsageException(
        "standard input is closed; give the text on standard input (e.g. < FILE or a pipe)");
  }

  /** Whether {@code e} says the reader of the stream went away. */
  static boolean isClosedPipe(IOException e) {
    String message = e.getMessage();
    return message != null
        && (message.contains("Broken pipe") || message.contains("Stream closed")
            || message.contains("Connection reset"));
  }

  /** Turns a write failure caused by a closed pipe into {@link OutputClosedException}. */
  private static final class Checked extends OutputStream {
    private final FileOutputStream out;

    Checked(FileOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw translate(e);
      }
    }

    private static IOException translate(IOException e) {
      if (isClosedPipe(e)) {
        return new OutputClosedException(e);
      }
      return new IOException("cannot write to standard output: " + e.getMessage(), e);
    }
  }
}
