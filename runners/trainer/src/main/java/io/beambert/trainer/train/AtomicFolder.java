package io.beambert.trainer.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Folders that appear complete or not at all: checkpoints and the final model.
 *
 * <p>A folder is written as {@code .NAME.partial}, every file forced to disk, then renamed into
 * place; an older {@code NAME} is first renamed aside to {@code .NAME.old} and deleted after. A
 * folder is deleted by renaming it to {@code .NAME.deleting} first. So a process killed at any
 * point leaves {@code NAME} either complete or absent, plus at most one dot-folder that {@link
 * #recover} resolves: {@code .partial} and {@code .deleting} are removed, {@code .old} is put back
 * where {@code NAME} is missing.
 */
final class AtomicFolder {
  private static final String PARTIAL = ".partial";
  private static final String OLD = ".old";
  private static final String DELETING = ".deleting";

  private AtomicFolder() {}

  /** Writes the files of a folder. */
  @FunctionalInterface
  interface Writer {
    void writeInto(Path dir) throws IOException;
  }

  /** Writes {@code target} through {@code writer}, replacing an older one, atomically. */
  static void replace(Path target, Writer writer) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial = sibling(target, PARTIAL);
    deleteTree(partial);
    Files.createDirectory(partial);
    writer.writeInto(partial);
    try (Stream<Path> files = Files.list(partial)) {
      for (Path p : files.toList()) {
        force(p);
      }
    }
    force(partial);
    if (Files.exists(target)) {
      Path old = sibling(target, OLD);
      deleteTree(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      force(parent);
      deleteTree(old);
    } else {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }
    force(parent);
  }

  /** Deletes a folder so that a process killed midway leaves a {@code .deleting} folder, not a damaged one. */
  static void delete(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    Path doomed = sibling(folder, DELETING);
    deleteTree(doomed);
    Files.move(folder, doomed, StandardCopyOption.ATOMIC_MOVE);
    force(folder.toAbsolutePath().getParent());
    deleteTree(doomed);
  }

  /**
   * Resolves what a killed process left in {@code parent}.
   *
   * @return what was removed or restored, for the log
   */
  static List<String> recover(Path parent) throws IOException {
    List<String> done = new ArrayList<>();
    if (!Files.isDirectory(parent)) {
      return done;
    }
    List<Path> entries;
    try (Stream<Path> s = Files.list(parent)) {
      entries = s.filter(p -> p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    for (Path p : entries) {
      String name = p.getFileName().toString();
      if (name.endsWith(PARTIAL) || name.endsWith(DELETING)) {
        deleteTree(p);
        done.add("removed " + p + ", left incomplete by a stopped run");
      } else if (name.endsWith(OLD)) {
        Path target = parent.resolve(name.substring(1, name.length() - OLD.length()));
        if (Files.exists(target)) {
          deleteTree(p);
          done.add("removed " + p + ", a folder a stopped run had replaced");
        } else {
          Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
          done.add("restored " + target + ", which a stopped run was replacing");
        }
      }
    }
    return done;
  }

  private static Path sibling(Path folder, String suffix) {
    return folder.toAbsolutePath().resolveSibling("." + folder.getFileName() + suffix);
  }

  private static void force(Path p) throws IOException {
    try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
      c.force(true);
    }
  }

  /** Deletes a folder and everything in it; nothing when it does not exist. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
