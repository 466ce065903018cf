package io.beambert.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint folders of a run: {@code DIR/checkpoints/step-NNNNNNNN/}, each a complete Hugging
 * Face model folder plus {@code optimizer.safetensors} and {@code trainer_state.json}.
 *
 * <p>A checkpoint is written into a {@code .partial} folder, every file forced to disk, and renamed
 * into place only when complete; so a process killed while writing leaves the previous checkpoint
 * intact and at most a {@code .partial} folder, which the next run removes. After each new
 * checkpoint the oldest beyond {@code keep} are deleted.
 */
public final class Checkpoints {
  public static final String STATE = "trainer_state.json";
  public static final String OPTIMIZER = "optimizer.safetensors";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");

  private final Path root;
  private final int keep;

  public Checkpoints(Path runDir, int keep) {
    this.root = runDir.resolve("checkpoints");
    this.keep = keep;
  }

  public Path root() {
    return root;
  }

  /** Writes the files of one checkpoint into a folder. */
  @FunctionalInterface
  public interface Writer {
    void writeInto(Path dir) throws IOException;
  }

  /**
   * Writes the checkpoint of {@code step} atomically and prunes old ones.
   *
   * @return the checkpoint's folder
   */
  public Path save(int step, Writer writer) throws IOException {
    Files.createDirectories(root);
    String name = String.format("step-%08d", step);
    Path partial = root.resolve("." + name + ".partial");
    deleteTree(partial);
    Files.createDirectory(partial);
    writer.writeInto(partial);
    forceAll(partial);
    Path target = root.resolve(name);
    if (Files.exists(target)) {
      Path old = root.resolve("." + name + ".old");
      deleteTree(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    } else {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }
    force(root);
    prune();
    return target;
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latest() throws IOException {
    return complete().max(Comparator.comparingLong(Checkpoints::stepOf));
  }

  /** Removes {@code .partial} folders that a killed run left. */
  public List<Path> removeIncomplete() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> partial;
    try (Stream<Path> s = Files.list(root)) {
      partial = s.filter(p -> p.getFileName().toString().endsWith(".partial")
          || p.getFileName().toString().endsWith(".old")).toList();
    }
    for (Path p : partial) {
      deleteTree(p);
    }
    return partial;
  }

  private Stream<Path> complete() throws IOException {
    if (!Files.isDirectory(root)) {
      return Stream.empty();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve(STATE)))
          .toList().stream();
    }
  }

  private void prune() throws IOException {
    List<Path> all = complete().sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
    for (int i = 0; i < all.size() - keep; i++) {
      deleteTree(all.get(i));
    }
  }

  static long stepOf(Path checkpoint) {
    Matcher m = NAME.matcher(checkpoint.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(checkpoint + " is not a checkpoint folder");
    }
    return Long.parseLong(m.group(1));
  }

  /** Reads a checkpoint's {@code trainer_state.json}. */
  public static TrainerState readState(Path checkpoint) throws IOException {
    Path file = checkpoint.resolve(STATE);
    TrainerState state;
    try {
      state = JSON.readValue(file.toFile(), TrainerState.class);
    } catch (IOException e) {
      throw new IOException(file + " cannot be read: " + e.getMessage(), e);
    }
    if (!TrainerState.FORMAT.equals(state.format())) {
      throw new IOException(file + " has format " + state.format() + ", not " + TrainerState.FORMAT);
    }
    return state;
  }

  /** Writes {@code value} as JSON into {@code file}. */
  static void writeJson(Path file, Object value) throws IOException {
    Files.writeString(file, JSON.writeValueAsString(value) + "\n", StandardCharsets.UTF_8);
  }

  private static void forceAll(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        force(p);
      }
    }
    force(dir);
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
