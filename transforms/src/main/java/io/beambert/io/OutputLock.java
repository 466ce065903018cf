package io.beambert.io;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One writer per output folder: a run takes {@code DIR/.beambert.lock} before it touches the folder
 * and removes it at the end, so a second run into the same folder is refused instead of mixing its
 * shards with the first one's. The lock file is created atomically and names the holder ({@code
 * pid@host} and the time). A lock left by a process of this host that is no longer running (a
 * killed run) is taken over, with a warning; one from another host is reported with how to clear
 * it, since this host cannot tell whether that run still writes.
 *
 * <p>Only local folders are locked (a path, or a {@code file:} URI); for other file systems the
 * lock is a no-op, and the commit's check that nothing else wrote shards (see {@link
 * OutputDirectory#commit}) is what remains.
 *
 * <pre>{@code
 * try (OutputLock lock = OutputLock.acquire("out/shards", System.err::println)) {
 *   ... write and commit ...
 * }
 * }</pre>
 */
public final class OutputLock implements AutoCloseable {
  /** The lock file's name inside the output folder. */
  public static final String NAME = ".beambert.lock";

  private final Path file;
  private final String holder;

  private OutputLock(Path file, String holder) {
    this.file = file;
    this.holder = holder;
  }

  /**
   * Takes the lock of {@code outputDir}, creating the folder if needed.
   *
   * @param warn receives a line when a stale lock of a dead process is taken over
   * @throws IllegalArgumentException when another run holds the folder, naming it and how to clear
   *     a stale lock
   */
  public static OutputLock acquire(String outputDir, Consumer<String> warn) throws IOException {
    Path dir = localPath(outputDir);
    if (dir == null) {
      return new OutputLock(null, null);
    }
    Files.createDirectories(dir);
    Path file = dir.resolve(NAME);
    String self = ProcessHandle.current().pid() + "@" + host();
    String holder = self + " " + Instant.now();
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        Files.writeString(file, holder + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return new OutputLock(file, holder);
      } catch (FileAlreadyExistsException e) {
        String other;
        try {
          other = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException gone) {
          continue; // released meanwhile
        }
        if (!isStale(other)) {
          throw new IllegalArgumentException(
              "output directory " + outputDir + " is in use by another beambert run ("
                  + describe(other) + "); wait for it to end, or, if no run is writing there,"
                  + " remove " + file);
        }
        warn.accept(
            "beambert: taking over " + file + ", left by a run that is no longer running ("
                + describe(other) + ")");
        Files.deleteIfExists(file);
      }
    }
    throw new IllegalArgumentException(
        "output directory " + outputDir + " is in use by another beambert run; remove " + file
            + " if no run is writing there");
  }

  /** Whether a lock's holder is a process of this host that no longer runs. */
  static boolean isStale(String holder) {
    String[] parts = holder.split("[@ ]", 3);
    if (parts.length < 2) {
      return false; // not ours to judge
    }
    try {
      long pid = Long.parseLong(parts[0]);
      return parts[1].equals(host()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (NumberFormatException | IOException e) {
      return false;
    }
  }

  private static String describe(String holder) {
    String[] parts = holder.split("[@ ]", 3);
    return parts.length == 3
        ? "pid " + parts[0] + " on " + parts[1] + ", since " + parts[2]
        : "lock file says '" + holder + "'";
  }

  private static String host() throws IOException {
    return InetAddress.getLocalHost().getHostName();
  }

  /** The folder as a local path, or null when it is on another file system. */
  static Path localPath(String outputDir) {
    if (outputDir.startsWith("file:")) {
      return Paths.get(java.net.URI.create(outputDir));
    }
    if (outputDir.matches("[a-zA-Z][-a-zA-Z0-9+.]*://.*")) {
      return null;
    }
    return Paths.get(outputDir);
  }

  /** Removes the lock if this run still holds it. */
  @Override
  public void close() throws IOException {
    if (file == null) {
      return;
    }
    try {
      if (Files.readString(file, StandardCharsets.UTF_8).strip().equals(holder)) {
        Files.delete(file);
      }
    } catch (NoSuchFileException e) {
      // Already gone.
    }
  }
}
