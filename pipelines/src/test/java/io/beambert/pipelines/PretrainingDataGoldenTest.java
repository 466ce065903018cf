package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference mode reproduces every golden instance file: the real entry point on the golden corpus
 * with each case's flags (DirectRunner), read back with inspect, compared instance by instance.
 */
class PretrainingDataGoldenTest {

  static Stream<GoldenFiles.Case> cases() throws IOException {
    return GoldenFiles.cases().stream();
  }

  static List<String> args(GoldenFiles.Case c, Path out, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--input=" + GoldenFiles.path("golden/" + c.corpus()));
    args.add("--vocab=" + GoldenFiles.path("golden/vocab-bert-base-uncased.txt"));
    args.add("--output=" + out);
    args.add("--mode=reference");
    args.add("--numShards=1");
    args.addAll(c.flags());
    args.addAll(List.of(extra));
    return args;
  }

  static void assertMatchesGolden(GoldenFiles.Case c, Path out) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    InspectCommand.run(new String[] {"--input=" + out}, text);
    List<JsonNode> ours = GoldenFiles.jsonLines(text.toString(StandardCharsets.UTF_8));
    List<JsonNode> golden =
        GoldenFiles.jsonLines(GoldenFiles.path("golden/instances/" + c.file()));
    for (int i = 0; i < Math.min(ours.size(), golden.size()); i++) {
      if (!golden.get(i).equals(ours.get(i))) {
        org.junit.jupiter.api.Assertions.fail(
            c.file() + ": instance " + i + " of " + golden.size() + " differs from the reference");
      }
    }
    assertEquals(golden.size(), ours.size(), c.file() + ": instance count");
  }

  /**
   * The reference reads its input files as one stream of lines: a document runs on into the next
   * file unless a blank line ends it. Splitting the golden corpus into files, inside a document
   * and at a blank line, must not change a single instance.
   */
  @org.junit.jupiter.api.Test
  void corpusSplitIntoFilesGivesTheSameInstances(@TempDir Path dir) throws IOException {
    GoldenFiles.Case c =
        GoldenFiles.cases().stream()
            .filter(x -> x.file().equals("sample_readme.jsonl"))
            .findFirst()
            .orElseThrow();
    byte[] corpus = java.nio.file.Files.readAllBytes(GoldenFiles.path("golden/" + c.corpus()));
    String text = new String(corpus, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    int blank = -1;
    for (int i = 3; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        blank = i;
        break;
      }
    }
    // a.txt: up to the middle of the first document; b.txt: up to and including the first blank
    // line; c.txt: the rest.
    int middle = 2;
    Path in = dir.resolve("in");
    java.nio.file.Files.createDirectories(in);
    java.nio.file.Files.writeString(in.resolve("a.txt"), String.join("\n", java.util.Arrays.copyOfRange(lines, 0, middle)) + "\n");
    java.nio.file.Files.writeString(in.resolve("b.txt"), String.join("\n", java.util.Arrays.copyOfRange(lines, middle, blank + 1)) + "\n");
    java.nio.file.Files.writeString(in.resolve("c.txt"), String.join("\n", java.util.Arrays.copyOfRange(lines, blank + 1, lines.length)));
    Path out = dir.resolve("out");
    List<String> args = args(c, out);
    args.set(0, "--input=" + in.resolve("*.txt"));
    PretrainingDataPipeline.main(args.toArray(new String[0]));
    assertMatchesGolden(c, out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproducesGoldenCase(GoldenFiles.Case c, @TempDir Path out) throws IOException {
    PretrainingDataPipeline.main(args(c, out).toArray(new String[0]));
    assertMatchesGolden(c, out);
  }
}
