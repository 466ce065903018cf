package io.beambert.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.trainer.OptionException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * The shards an {@code --input} names, with what their {@code _metadata.json} says about them.
 *
 * <p>{@code --input} is a folder (its {@code part-*.avro}), one file, or a glob such as {@code
 * out/shards/part-*.avro} ({@code **} crosses folders). Where a shard's folder holds the {@code
 * _metadata.json} that {@code beambert pretraining-data} writes, the shard's instance count,
 * sequence length, masked positions per sequence, casing and vocabulary digest come from it;
 * otherwise the lengths come from the first record.
 */
public final class ShardSet {
  public static final String METADATA = "_metadata.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One shard file.
   *
   * @param name the path relative to the folder that holds all the set's shards: stable when the
   *     shards move together, and distinct for same-named shards of different folders
   * @param expectedInstances the count {@code _metadata.json} lists, or -1 when unknown
   */
  public record Shard(Path path, String name, long expectedInstances) {}

  private final String input;
  private final List<Shard> shards;
  private final int seqLength;
  private final int predictions;
  private final Boolean doLowerCase;
  private final String vocabSha256;

  private ShardSet(String input, List<Shard> shards, int seqLength, int predictions,
      Boolean doLowerCase, String vocabSha256) {
    this.input = input;
    this.shards = shards;
    this.seqLength = seqLength;
    this.predictions = predictions;
    this.doLowerCase = doLowerCase;
    this.vocabSha256 = vocabSha256;
  }

  /**
   * Resolves {@code input} to its shards, in path order.
   *
   * @throws IOException with a one-line message when nothing matches, or a shard or the metadata
   *     cannot be read
   */
  public static ShardSet resolve(String input) throws IOException {
    List<Path> files = match(input);
    if (files.isEmpty()) {
      throw new IOException("no shard matches " + input);
    }
    Map<Path, Metadata> metadata = new HashMap<>();
    List<Shard> shards = new ArrayList<>();
    Metadata first = null;
    for (Path file : files) {
      Path dir = file.toAbsolutePath().normalize().getParent();
      Metadata m = metadata.computeIfAbsent(dir, ShardSet::readMetadataUnchecked);
      if (m.error != null) {
        throw new IOException(m.error);
      }
      if (m.present) {
        if (first == null) {
          first = m;
        } else if (first.seqLength != m.seqLength || first.predictions != m.predictions) {
          throw new IOException("the shards disagree: " + first.file + " has max_seq_length "
              + first.seqLength + " and max_predictions_per_seq " + first.predictions + ", "
              + m.file + " " + m.seqLength + " and " + m.predictions);
        }
      }
      shards.add(new Shard(file, null, m.counts.getOrDefault(file.getFileName().toString(), -1L)));
    }
    shards = named(shards);
    if (Files.isDirectory(Path.of(input))) {
      requireListed(Path.of(input), files, metadata.get(Path.of(input).toAbsolutePath().normalize()));
    }
    if (first != null) {
      return new ShardSet(input, List.copyOf(shards), first.seqLength, first.predictions,
          first.doLowerCase, first.vocabSha256);
    }
    int[] lengths = lengthsOfFirstRecord(shards.get(0));
    return new ShardSet(input, List.copyOf(shards), lengths[0], lengths[1], null, null);
  }

  /** The shards with their names relative to the deepest folder that holds them all. */
  private static List<Shard> named(List<Shard> shards) {
    Path common = shards.get(0).path().toAbsolutePath().normalize().getParent();
    for (Shard s : shards) {
      Path dir = s.path().toAbsolutePath().normalize().getParent();
      while (!dir.startsWith(common)) {
        common = common.getParent();
      }
    }
    List<Shard> named = new ArrayList<>(shards.size());
    for (Shard s : shards) {
      String name = common.relativize(s.path().toAbsolutePath().normalize()).toString();
      named.add(new Shard(s.path(), name, s.expectedInstances()));
    }
    return named;
  }

  static List<Path> match(String input) throws IOException {
    Path direct = Path.of(input);
    if (Files.isDirectory(direct)) {
      try (Stream<Path> s = Files.list(direct)) {
        return s.filter(p -> p.getFileName().toString().matches("part-.*\\.avro"))
            .filter(Files::isRegularFile).sorted().toList();
      }
    }
    if (Files.isRegularFile(direct)) {
      return List.of(direct);
    }
    // The glob's fixed prefix is the folder to search; its other parts are matched.
    String normalized = input.replace('\\', '/');
    int wildcard = firstWildcard(normalized);
    if (wildcard < 0) {
      throw new IOException("no shard matches " + input + " (no such file or folder)");
    }
    int slash = normalized.lastIndexOf('/', wildcard);
    Path base = slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : normalized.substring(0, slash));
    if (!Files.isDirectory(base)) {
      throw new IOException("no shard matches " + input + " (no folder " + base + ")");
    }
    String rest = normalized.substring(slash + 1);
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
    int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length;
    try (Stream<Path> s = Files.walk(base, depth)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(base.relativize(p)))
          .filter(p -> !p.getFileName().toString().startsWith("_"))
          .sorted().toList();
    }
  }

  /**
   * A folder's shards must be exactly those its metadata lists: a missing shard (a partial copy)
   * or an unlisted one (another run's) would change the data without a word.
   */
  private static void requireListed(Path dir, List<Path> files, Metadata m) throws IOException {
    if (m == null || !m.present) {
      return;
    }
    java.util.Set<String> present = new java.util.TreeSet<>();
    for (Path f : files) {
      present.add(f.getFileName().toString());
    }
    for (String listed : new java.util.TreeSet<>(m.counts.keySet())) {
      if (!present.remove(listed)) {
        throw new IOException(m.file + " lists the shard " + listed + ", which " + dir + " lacks");
      }
    }
    if (!present.isEmpty()) {
      throw new IOException(dir + " holds " + present.iterator().next() + ", which " + m.file
          + " does not list (another run's output?)");
    }
  }

  private static int firstWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("*?[{".indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static final class Metadata {
    Path file;
    boolean present;
    String error;
    int seqLength;
    int predictions;
    Boolean doLowerCase;
    String vocabSha256;
    Map<String, Long> counts = Map.of();
  }

  private static Metadata readMetadataUnchecked(Path dir) {
    Metadata m = new Metadata();
    m.file = dir.resolve(METADATA);
    if (!Files.isRegularFile(m.file)) {
      return m;
    }
    try {
      JsonNode root = JSON.readTree(m.file.toFile());
      JsonNode options = root.path("options");
      if (!options.path("maxSeqLength").canConvertToInt()
          || !options.path("maxPredictionsPerSeq").canConvertToInt()) {
        m.error = m.file + " lacks options.maxSeqLength or options.maxPredictionsPerSeq";
        return m;
      }
      m.present = true;
      m.seqLength = options.path("maxSeqLength").asInt();
      m.predictions = options.path("maxPredictionsPerSeq").asInt();
      if (options.has("doLowerCase")) {
        m.doLowerCase = options.path("doLowerCase").asBoolean();
      }
      m.vocabSha256 = root.path("vocab_sha256").asText(null);
      Map<String, Long> counts = new HashMap<>();
      for (JsonNode s : root.path("shards")) {
        counts.put(s.path("file").asText(), s.path("instances").asLong(-1));
      }
      m.counts = counts;
    } catch (IOException e) {
      m.error = m.file + " cannot be read: " + e.getMessage();
    }
    return m;
  }

  private static int[] lengthsOfFirstRecord(Shard shard) throws IOException {
    // Without metadata the record's own array lengths are the shard's; read them generically.
    try (DataFileReader<GenericRecord> r =
        new DataFileReader<>(shard.path().toFile(), new GenericDatumReader<>())) {
      String problem = InstanceDatumReader.mismatch(r.getSchema());
      if (problem != null) {
        throw new ShardException(shard.path(), "not a beambert shard: " + problem);
      }
      if (!r.hasNext()) {
        throw new ShardException(shard.path(), "holds no instance, and no " + METADATA
            + " beside it gives the sequence length");
      }
      GenericRecord rec = r.next();
      return new int[] {
        ((List<?>) rec.get("input_ids")).size(), ((List<?>) rec.get("masked_lm_positions")).size()
      };
    } catch (ShardException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ShardException(shard.path(), "cannot be read as Avro (" + e.getMessage() + ")", e);
    }
  }

  public String input() {
    return input;
  }

  public List<Shard> shards() {
    return Collections.unmodifiableList(shards);
  }

  /**
   * Checks that a model with {@code maxPositions} position embeddings can take these shards.
   *
   * @throws OptionException naming both lengths otherwise
   */
  public void requireFits(int maxPositions) {
    if (seqLength > maxPositions) {
      throw new OptionException("the shards " + input + " have max_seq_length " + seqLength
          + ", more than the model's " + maxPositions + " positions");
    }
  }

  /** The shards' {@code max_seq_length}. */
  public int seqLength() {
    return seqLength;
  }

  /** The shards' {@code max_predictions_per_seq}. */
  public int predictions() {
    return predictions;
  }

  /** The casing the shards were made with, or null when no metadata says. */
  public Boolean doLowerCase() {
    return doLowerCase;
  }

  /** SHA-256 of the vocabulary file the shards were made with, or null when no metadata says. */
  public String vocabSha256() {
    return vocabSha256;
  }

  /** Sum of the instance counts the metadata lists, or -1 when some shard's count is unknown. */
  public long listedInstances() {
    long sum = 0;
    for (Shard s : shards) {
      if (s.expectedInstances() < 0) {
        return -1;
      }
      sum += s.expectedInstances();
    }
    return sum;
  }

  /**
   * Checks before training that every shard can be read: its header and schema, the ids of its
   * first record against the vocabulary, and, with {@code scan}, its block framing to the end and
   * its instance count (no record is decoded, so this reads at disk speed).
   *
   * @return the number of instances (counted when scanning, else as listed; -1 when unknown)
   * @throws ShardException naming the first shard that fails
   */
  public long check(int vocabSize, boolean scan) throws ShardException {
    long total = 0;
    for (Shard shard : shards) {
      try (ShardReader reader = ShardReader.open(shard, seqLength, predictions)) {
        Instance first = reader.next();
        if (first != null) {
          InstanceStream.validate(first, vocabSize, shard.path(), 1);
        }
      } catch (ShardException e) {
        throw e;
      } catch (IOException e) {
        throw new ShardException(shard.path(), "cannot be closed (" + e.getMessage() + ")", e);
      }
      if (scan) {
        try (ShardReader reader = ShardReader.open(shard, seqLength, predictions)) {
          total += reader.countToEnd();
        } catch (ShardException e) {
          throw e;
        } catch (IOException e) {
          throw new ShardException(shard.path(), "cannot be closed (" + e.getMessage() + ")", e);
        }
      }
    }
    return scan ? total : listedInstances();
  }
}
