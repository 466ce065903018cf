package io.beambert.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The life cycle of an output directory of shards: checked before a run, committed after it.
 *
 * <p>{@link #prepare} refuses a directory that holds anything besides leftovers of a failed run
 * (temporary shards), unless overwriting was asked for; then it removes the files this project
 * writes ({@code _metadata.json} first, so the directory never looks complete while it is being
 * replaced; shards; dead letters under {@code _dead_letter/}) and leaves any other file alone. {@link #commit} renames the temporary shards to their
 * final names and {@link #writeMetadata} writes {@code _metadata.json}, the last file of a complete
 * run. Works on any Beam file system.
 */
public final class OutputDirectory {

  private OutputDirectory() {}

  /**
   * Checks, before any work, that a local output folder can be written: it is a folder (or can be
   * created under the nearest existing folder) and a file can be created in it. Creates nothing
   * that stays. Paths with a scheme ({@code gs://...}) are left to their file system.
   *
   * @param option the option's name, for messages ({@code "output"})
   * @throws IllegalArgumentException naming the option and what is wrong
   */
  public static void checkWritable(String option, String outputDir) {
    if (outputDir.contains("://")) {
      return;
    }
    Path dir = Path.of(outputDir).toAbsolutePath().normalize();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    String prefix = "--" + option + "=" + outputDir;
    if (existing == null) {
      throw new IllegalArgumentException(prefix + ": no part of the path exists");
    }
    if (!Files.isDirectory(existing)) {
      throw new IllegalArgumentException(
          prefix
              + (existing.equals(dir)
                  ? " is a file, not a folder"
                  : " cannot be created: " + existing + " is a file, not a folder"));
    }
    try {
      Files.delete(Files.createTempFile(existing, ".beambert-probe-", ".tmp"));
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(
          prefix + " is not writable: cannot create a file in " + existing + " (" + e + ")", e);
    }
  }

  /**
   * Checks that {@code outputDir} may receive a run's output and clears this project's files from
   * it when {@code overwrite} is set.
   *
   * @throws IllegalArgumentException when the directory is not empty and {@code overwrite} is
   *     false
   */
  public static void prepare(String outputDir, boolean overwrite) throws IOException {
    prepare(outputDir, overwrite, line -> {});
  }

  /**
   * {@link #prepare(String, boolean)}; a folder whose beambert files include no {@code
   * _metadata.json} holds what a failed run left (its metadata is written last), which is removed
   * without {@code overwrite}, with a line to {@code note}. The lock file ({@link OutputLock}) is
   * not content.
   */
  public static void prepare(
      String outputDir, boolean overwrite, java.util.function.Consumer<String> note)
      throws IOException {
    List<ResourceId> entries = new ArrayList<>(list(outputDir));
    entries.removeIf(e -> OutputLock.NAME.equals(e.getFilename()));
    List<ResourceId> foreign = new ArrayList<>();
    List<ResourceId> ours = new ArrayList<>();
    List<ResourceId> temps = new ArrayList<>();
    ResourceId metadata = null;
    for (ResourceId entry : entries) {
      String name = entry.getFilename();
      if (name != null && ShardNames.TEMP_SHARD.matcher(name).matches()) {
        temps.add(entry);
      } else if (name != null && name.equals(ShardNames.METADATA)) {
        metadata = entry;
      } else if (name != null && ShardNames.isOwnFile(name)) {
        ours.add(entry);
      } else if (name != null && name.equals(ShardNames.DEAD_LETTER_DIR)) {
        continue; // a file system that lists folders; its files are listed below
      } else {
        foreign.add(entry);
      }
    }
    ResourceId dir = FileSystems.matchNewResource(outputDir, true);
    List<ResourceId> deadLetters =
        list(
            dir.resolve(ShardNames.DEAD_LETTER_DIR, StandardResolveOptions.RESOLVE_DIRECTORY)
                .toString());
    ours.addAll(deadLetters);
    boolean leftovers = metadata == null && !ours.isEmpty();
    boolean nonEmpty = metadata != null || !foreign.isEmpty() || (!ours.isEmpty() && !leftovers);
    if (leftovers && foreign.isEmpty()) {
      note.accept(
          "beambert: removing what a failed run left in " + outputDir + " (" + ours.size()
              + " files without " + ShardNames.METADATA + ")");
    }
    if (nonEmpty && !overwrite) {
      ResourceId example = metadata != null ? metadata : !ours.isEmpty() ? ours.get(0) : foreign.get(0);
      throw new IllegalArgumentException(
          "output directory "
              + outputDir
              + " is not empty (it holds "
              + example.getFilename()
              + (entries.size() + deadLetters.size() > 1
                  ? " and " + (entries.size() + deadLetters.size() - 1) + " more"
                  : "")
              + "); choose an empty or new directory, or pass --overwrite=true to replace"
              + " the shards and _metadata.json in it");
    }
    if (metadata != null) {
      FileSystems.delete(List.of(metadata), StandardMoveOptions.IGNORE_MISSING_FILES);
    }
    List<ResourceId> stale = new ArrayList<>(ours);
    stale.addAll(temps);
    if (!stale.isEmpty()) {
      FileSystems.delete(stale, StandardMoveOptions.IGNORE_MISSING_FILES);
    }
    if (!deadLetters.isEmpty()) { // and their folder, now empty, where the file system has folders
      try {
        FileSystems.delete(
            List.of(dir.resolve(ShardNames.DEAD_LETTER_DIR, StandardResolveOptions.RESOLVE_DIRECTORY)),
            StandardMoveOptions.IGNORE_MISSING_FILES);
      } catch (IOException e) {
        // A file system without folders, or one that is not empty: nothing to tidy.
      }
    }
  }

  /**
   * Removes what a failed run wrote: temporary and final shards, unless {@code _metadata.json}
   * shows the run was committed. The dead letters stay, to tell why documents failed; the next run
   * into the folder removes them ({@link #prepare(String, boolean, java.util.function.Consumer)}).
   */
  public static void removeFailedRun(String outputDir) throws IOException {
    List<ResourceId> shards = new ArrayList<>();
    for (ResourceId entry : list(outputDir)) {
      String name = entry.getFilename();
      if (name == null) {
        continue;
      }
      if (name.equals(ShardNames.METADATA)) {
        return; // committed: not a failed run's output
      }
      if (ShardNames.TEMP_SHARD.matcher(name).matches() || ShardNames.SHARD.matcher(name).matches()) {
        shards.add(entry);
      }
    }
    FileSystems.delete(shards, StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /** Writes the header-only temporary file of an empty shard in a run's format. */
  @FunctionalInterface
  public interface EmptyShard {
    /** Opens a writer of shard {@code index} (closing it leaves the empty shard). */
    InstanceShardWriter open(int index) throws IOException;
  }

  /**
   * Commits the shards of a finished run whose shard {@code i} received {@code
   * shardInstances[i]} records: writes an empty shard ({@code emptyShard}) for a shard that
   * received none and has no file, then renames the temporary shards. Safe to retry: a shard that
   * an earlier attempt already renamed is left as it is ({@link #prepare} removed the shards of
   * any earlier run, so a final shard can only be this run's).
   *
   * @throws IOException when a shard that received records has neither its temporary nor its
   *     final file, or the files cannot be listed
   */
  public static void commit(String outputDir, long[] shardInstances, EmptyShard emptyShard)
      throws IOException {
    int numShards = shardInstances.length;
    ResourceId dir = FileSystems.matchNewResource(outputDir, true);
    List<String> specs = new ArrayList<>(2 * numShards);
    for (int i = 0; i < numShards; i++) {
      specs.add(dir.resolve(ShardNames.tempShard(i, numShards), StandardResolveOptions.RESOLVE_FILE)
          .toString());
      specs.add(dir.resolve(ShardNames.shard(i, numShards), StandardResolveOptions.RESOLVE_FILE)
          .toString());
    }
    List<MatchResult> found = FileSystems.match(specs, EmptyMatchTreatment.ALLOW);
    for (int i = 0; i < numShards; i++) {
      if (exists(found.get(2 * i), specs.get(2 * i))
          || exists(found.get(2 * i + 1), specs.get(2 * i + 1))) {
        continue;
      }
      if (shardInstances[i] > 0) {
        throw new IOException(
            "shard " + ShardNames.shard(i, numShards) + " received " + shardInstances[i]
                + " instances but neither it nor its temporary file is in " + outputDir);
      }
      emptyShard.open(i).close();
    }
    commit(outputDir, numShards);
  }

  /**
   * Renames the temporary shards of a finished run to their final names. A temporary shard that is
   * missing because an earlier attempt of this commit renamed it is skipped.
   *
   * @throws IOException when a shard has neither its temporary nor its final file afterwards
   */
  public static void commit(String outputDir, int numShards) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(outputDir, true);
    List<ResourceId> from = new ArrayList<>(numShards);
    List<ResourceId> to = new ArrayList<>(numShards);
    for (int i = 0; i < numShards; i++) {
      from.add(dir.resolve(ShardNames.tempShard(i, numShards), StandardResolveOptions.RESOLVE_FILE));
      to.add(dir.resolve(ShardNames.shard(i, numShards), StandardResolveOptions.RESOLVE_FILE));
    }
    FileSystems.rename(from, to, StandardMoveOptions.IGNORE_MISSING_FILES);
    List<String> specs = new ArrayList<>(numShards);
    to.forEach(shard -> specs.add(shard.toString()));
    List<MatchResult> found = FileSystems.match(specs, EmptyMatchTreatment.ALLOW);
    for (int i = 0; i < numShards; i++) {
      if (!exists(found.get(i), specs.get(i))) {
        throw new IOException("shard " + specs.get(i) + " is missing after the commit");
      }
    }
    // Nothing else may have written shards here (another run into the same folder).
    for (ResourceId entry : list(outputDir)) {
      String name = entry.getFilename();
      if (name != null
          && (ShardNames.SHARD.matcher(name).matches() || ShardNames.TEMP_SHARD.matcher(name).matches())
          && !to.contains(entry)
          && !name.endsWith("-of-" + String.format(java.util.Locale.ROOT, "%05d.avro", numShards))) {
        throw new IOException(
            outputDir + " holds " + name + ", which this run did not write: another run wrote into"
                + " the same folder; its output cannot be trusted, run again into an empty folder");
      }
    }
  }

  /** Whether a match found the file; throws when the file system could not tell. */
  private static boolean exists(MatchResult match, String spec) throws IOException {
    switch (match.status()) {
      case OK:
        return !match.metadata().isEmpty();
      case NOT_FOUND:
        return false;
      default:
        throw new IOException("cannot check " + spec + ": " + match.status());
    }
  }

  /** Writes {@code _metadata.json} (through a temporary name), the last file of a complete run. */
  public static void writeMetadata(String outputDir, String json) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(outputDir, true);
    ResourceId temp =
        dir.resolve("." + ShardNames.METADATA + ".inprogress", StandardResolveOptions.RESOLVE_FILE);
    ResourceId target = dir.resolve(ShardNames.METADATA, StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(temp, "application/json"))) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    FileSystems.rename(List.of(temp), List.of(target));
  }

  /** The files directly inside {@code outputDir}; empty when it does not exist. */
  static List<ResourceId> list(String outputDir) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(outputDir, true);
    String pattern = dir.resolve("*", StandardResolveOptions.RESOLVE_FILE).toString();
    MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
    List<ResourceId> out = new ArrayList<>();
    if (match.status() == MatchResult.Status.NOT_FOUND) {
      return out;
    }
    for (MatchResult.Metadata m : match.metadata()) {
      out.add(m.resourceId());
    }
    return out;
  }
}
