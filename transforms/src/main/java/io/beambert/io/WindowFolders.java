package io.beambert.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.schemas.RunCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The output of the streaming mode: one folder per window pane, each a complete output of its own
 * (shards and {@code _metadata.json}, the layout of a batch run's folder, which {@code beambert
 * verify} checks), and {@code _manifest.json}, the list of committed folders.
 *
 * <pre>{@code
 * OUT/_manifest.json
 * OUT/window-20261207T135000Z-20261207T135010Z-pane-00000/part-00000-of-00001.avro
 * OUT/window-20261207T135000Z-20261207T135010Z-pane-00000/_metadata.json
 * }</pre>
 *
 * <p>A pane's folder is written under a hidden temporary name ({@code .window-...inprogress}) and
 * renamed into place in one step, so a folder under its final name is always complete. The folders
 * are on a local (or mounted) file system: committing renames a directory, which not every Beam
 * file system can do atomically.
 */
public final class WindowFolders {
  /** The manifest's name in the output folder. */
  public static final String MANIFEST = "_manifest.json";

  /** A committed pane's folder. */
  public static final Pattern FOLDER =
      Pattern.compile("window-(global|[0-9TZ.]+-[0-9TZ.]+)-pane-\\d{5,}");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private WindowFolders() {}

  /**
   * The folder of pane {@code pane} of the window {@code [start, end)} (UTC, to the second; with
   * milliseconds when the bounds have them); null bounds name the global window.
   */
  public static String name(Instant start, Instant end, long pane) {
    String window = start == null ? "global" : stamp(start) + "-" + stamp(end);
    return String.format(Locale.ROOT, "window-%s-pane-%05d", window, pane);
  }

  private static String stamp(Instant t) {
    int millis = (int) Math.floorMod(t.toEpochMilli(), 1000L);
    return STAMP.format(t) + (millis == 0 ? "" : String.format(Locale.ROOT, ".%03d", millis)) + "Z";
  }

  /** Where a pane's folder is written before it is committed. */
  public static Path temporary(Path output, String name) {
    return output.resolve("." + name + ".inprogress");
  }

  /**
   * Commits one pane: renames the shards in {@code output}'s folder (a temporary folder, see
   * {@link #temporary}), writes its {@code _metadata.json} (with the window) and renames the
   * folder to {@code target} in one step. When {@code target} exists already (the pane was
   * committed by an earlier attempt whose success was not recorded), its files must be the same
   * bytes; the new copy is then removed and {@code false} returned.
   *
   * @throws IOException when a write fails, or the committed folder differs from this attempt's
   */
  public static boolean commit(
      ShardOutput output, RunCounts counts, Path target, Instant start, Instant end, long pane,
      String timing)
      throws IOException {
    CommitOutput.commitFolder(
        output,
        counts,
        metadata ->
            metadata.window(
                start == null ? null : start.toString(), end == null ? null : end.toString(),
                pane, timing));
    Path temp = Paths.get(output.outputDir());
    if (!Files.exists(target)) {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            "cannot rename " + temp + " to " + target + " in one step: the streaming mode needs an"
                + " output folder on a local or mounted file system", e);
      } catch (IOException e) {
        if (!Files.exists(target)) {
          throw e;
        }
        // another attempt committed it meanwhile: compare below
      }
    }
    List<String> differ = differences(temp, target);
    if (!differ.isEmpty()) {
      throw new IOException(
          target + " was committed before with other contents (" + String.join(", ", differ)
              + "); the new attempt is left in " + temp);
    }
    deleteRecursively(temp);
    return false;
  }

  /** The names of files that differ between two folders (missing on one side counts). */
  private static List<String> differences(Path a, Path b) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path dir : List.of(a, b)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(Files::isRegularFile)
            .map(f -> dir.relativize(f).toString())
            .filter(f -> !names.contains(f))
            .forEach(names::add);
      }
    }
    List<String> differ = new ArrayList<>();
    for (String name : names) {
      Path x = a.resolve(name);
      Path y = b.resolve(name);
      if (!Files.isRegularFile(x) || !Files.isRegularFile(y)
          || !Arrays.equals(Files.readAllBytes(x), Files.readAllBytes(y))) {
        differ.add(name);
      }
    }
    return differ;
  }

  /**
   * Rewrites {@code _manifest.json} from the committed folders found in {@code output} (through a
   * temporary file, renamed in one step): per folder its window, pane, timing and counts, in name
   * (time) order. A folder the manifest lists already keeps its entry; only a new folder's {@code
   * _metadata.json} is read. Callers serialize the calls for one output folder.
   */
  public static void writeManifest(Path output) throws IOException {
    Map<String, JsonNode> listed = new HashMap<>();
    for (JsonNode w : readManifest(output).path("windows")) {
      listed.put(w.path("folder").asText(), w);
    }
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("format", "beambert-pretraining-stream");
    ArrayNode windows = manifest.putArray("windows");
    long documents = 0;
    long instances = 0;
    for (Path folder : committed(output)) {
      String name = folder.getFileName().toString();
      JsonNode w = listed.get(name);
      if (w == null) {
        JsonNode meta = JSON.readTree(folder.resolve(ShardNames.METADATA).toFile());
        ObjectNode entry = JSON.createObjectNode();
        entry.put("folder", name);
        entry.setAll((ObjectNode) meta.path("window"));
        entry.put("documents_used", meta.path("counts").path("documents_used").asLong());
        entry.put("instances", meta.path("counts").path("instances").asLong());
        w = entry;
      }
      windows.add(w);
      documents += w.path("documents_used").asLong();
      instances += w.path("instances").asLong();
    }
    manifest.put("documents_used", documents);
    manifest.put("instances", instances);
    Path temp = output.resolve("." + MANIFEST + ".inprogress");
    Files.write(temp, JSON.writeValueAsBytes(manifest));
    Files.move(temp, output.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The manifest of {@code output}; a missing node when there is none yet. */
  public static JsonNode readManifest(Path output) throws IOException {
    Path manifest = output.resolve(MANIFEST);
    return Files.exists(manifest) ? JSON.readTree(manifest.toFile()) : JSON.missingNode();
  }

  /** The committed pane folders in {@code output}, in name order. */
  public static List<Path> committed(Path output) throws IOException {
    if (!Files.isDirectory(output)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(output)) {
      return entries
          .filter(p -> FOLDER.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve(ShardNames.METADATA)))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  /** Removes the temporary folders of panes that were being written (a stopped run's). */
  public static void removeTemporary(Path output) throws IOException {
    if (!Files.isDirectory(output)) {
      return;
    }
    try (Stream<Path> entries = Files.list(output)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".window-") && name.endsWith(".inprogress")) {
          deleteRecursively(p);
        }
      }
    }
  }

  /** Deletes a file or folder tree; nothing when it does not exist. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
