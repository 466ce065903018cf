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
      assertEquals(golden.get(i), ours.get(i), c.file() + ": instance " + i + " differs");
    }
    assertEquals(golden.size(), ours.size(), c.file() + ": instance count");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproducesGoldenCase(GoldenFiles.Case c, @TempDir Path out) throws IOException {
    PretrainingDataPipeline.main(args(c, out).toArray(new String[0]));
    assertMatchesGolden(c, out);
  }
}
