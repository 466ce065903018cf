package io.beambert.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>Checkpoints are written and pruned through {@link AtomicFolder}: a process killed while
 * writing or deleting one leaves every other checkpoint intact, and the next {@code --resume} run
 * cleans up what it left. After each new checkpoint the oldest beyond {@code keep} are deleted.
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

  /**
   * Writes the checkpoint of {@code step} atomically and prunes old ones.
   *
   * @return the checkpoint's folder
   */
  public Path save(int step, AtomicFolder.Writer writer) throws IOException {
    Path target = root.resolve(String.format("step-%08d", step));
    AtomicFolder.replace(target, writer);
    List<Path> all = complete().sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
    for (int i = 0; i < all.size() - keep; i++) {
      AtomicFolder.delete(all.get(i));
    }
    return target;
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latest() throws IOException {
    return complete().max(Comparator.comparingLong(Checkpoints::stepOf));
  }

  /** Resolves what a killed run left among the checkpoints; see {@link AtomicFolder#recover}. */
  public List<String> recover() throws IOException {
    return AtomicFolder.recover(root);
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
}
