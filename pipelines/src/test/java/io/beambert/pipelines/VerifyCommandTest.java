package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.cli.BeamBert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged shards: {@code verify} names each bad shard and what is wrong with it, and {@code
 * inspect} refuses to pass a damaged shard off as a shorter valid one, printing only whole records.
 */
class VerifyCommandTest {
  @TempDir static Path tmp;
  private static Path good;

  @BeforeAll
  static void shards() {
    good = tmp.resolve("good");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BeamBert.run(
            new String[] {"pretraining-data", "--input=" + GoldenFiles.path("golden/sample_text.txt"),
                "--vocab=" + GoldenFiles.path("golden/vocab-bert-base-uncased.txt"),
                "--output=" + good, "--numShards=2", "--dupeFactor=4"},
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
  }

  /** A copy of the good output to damage. */
  private static Path copy(String name) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    try (var files = Files.list(good)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  private static List<String> verify(Path dir, long expectedProblems) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(expectedProblems, VerifyCommand.run(new String[] {dir.toString()}, out));
    return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
  }

  private static void truncate(Path file, long bytes) throws IOException {
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, (int) bytes));
  }

  @Test
  void aWholeOutputVerifies() throws IOException {
    List<String> lines = verify(good, 0);
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("part-00000-of-00002\\.avro: ok, [0-9,]+ instances"), lines.get(0));
    assertTrue(lines.get(2).startsWith("verify: " + good + " is whole: 2 shards, "), lines.get(2));
  }

  @Test
  void eachKindOfDamageIsNamedPerShard() throws IOException {
    Path dir = copy("damaged");
    Path first = dir.resolve("part-00000-of-00002.avro");
    truncate(first, Files.size(first) / 2);
    Files.writeString(dir.resolve("part-00007-of-00009.avro"), "not avro");
    Files.delete(dir.resolve("part-00001-of-00002.avro"));
    List<String> lines = verify(dir, 3);
    assertTrue(lines.get(0).startsWith("part-00000-of-00002.avro: BAD: is "), lines.get(0));
    assertTrue(lines.get(1).startsWith("part-00001-of-00002.avro: MISSING ("), lines.get(1));
    assertEquals(
        "part-00007-of-00009.avro: NOT LISTED in _metadata.json (another run's file?)", lines.get(2));
    assertEquals("verify: " + dir + " is NOT whole: 3 of 3 shards have problems", lines.get(3));
  }

  @Test
  void aFolderWithoutMetadataIsNotAnOutput() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VerifyCommand.run(new String[] {tmp.toString()}, new ByteArrayOutputStream()));
    assertEquals(tmp + " has no _metadata.json: not a finished pretraining-data output", e.getMessage());
  }

  @Test
  void inspectRefusesATruncatedShardAndPrintsOnlyWholeRecords() throws IOException {
    Path dir = copy("cut");
    Path first = dir.resolve("part-00000-of-00002.avro");
    truncate(first, Files.size(first) * 2 / 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IOException e =
        assertThrows(
            IOException.class, () -> InspectCommand.run(new String[] {"--input=" + dir}, out));
    assertTrue(e.getMessage().startsWith(first + " is truncated or damaged: its last complete"
        + " block ends at byte "), e.getMessage());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.isEmpty() || printed.endsWith("}\n"), "a partial record was printed");
    // A shard holding other than what _metadata.json lists is refused too.
    Path other = copy("swapped");
    Files.copy(
        good.resolve("part-00001-of-00002.avro"), other.resolve("part-00000-of-00002.avro"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    e =
        assertThrows(
            IOException.class,
            () -> InspectCommand.run(new String[] {"--input=" + other}, new ByteArrayOutputStream()));
    assertTrue(e.getMessage().contains("part-00000-of-00002.avro holds "), e.getMessage());
    assertTrue(e.getMessage().contains(" instances but _metadata.json lists "), e.getMessage());
  }

  @Test
  void inspectNamesAHeaderOnlyFragment() throws IOException {
    Path dir = copy("fragment");
    Path first = dir.resolve("part-00000-of-00002.avro");
    truncate(first, 100);
    IOException e =
        assertThrows(
            IOException.class,
            () -> InspectCommand.run(new String[] {"--input=" + dir}, new ByteArrayOutputStream()));
    assertTrue(e.getMessage().startsWith("cannot read " + first + " ("), e.getMessage());
    assertTrue(!e.getMessage().contains("null"), e.getMessage());
  }
}
