package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.testing.Shared;
import io.beambert.text.PyStr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Algorithm-level golden acceptance: the corpora are tokenized by looking each line up in the
 * reference tokenizer's own output (golden/tokenize/*.jsonl), so this test pins packing, pairing,
 * truncation, masking and ordering independently of the Java tokenizer.
 */
class GoldenInstancesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Stream<GoldenCases.Case> cases() throws IOException {
    return GoldenCases.all().stream();
  }

  static InstanceVocab vocab() throws IOException {
    return InstanceVocab.fromTokens(vocabLines());
  }

  static List<String> vocabLines() throws IOException {
    return Files.readAllLines(
        Shared.path("golden/vocab-bert-base-uncased.txt"), StandardCharsets.UTF_8);
  }

  /** Documents of the golden corpus with the reference's reading rules and looked-up tokens. */
  static List<int[][]> lookupDocuments(String corpus, boolean lower) throws IOException {
    Map<String, Integer> ids = new HashMap<>();
    List<String> lines = vocabLines();
    for (int i = 0; i < lines.size(); i++) {
      ids.put(lines.get(i), i);
    }
    Map<String, int[]> tokenized = new HashMap<>();
    String table = lower ? "golden/tokenize/uncased.jsonl" : "golden/tokenize/cased.jsonl";
    for (String line : Files.readAllLines(Shared.path(table), StandardCharsets.UTF_8)) {
      JsonNode node = MAPPER.readTree(line);
      JsonNode tokens = node.get("tokens");
      int[] out = new int[tokens.size()];
      for (int t = 0; t < out.length; t++) {
        out[t] = ids.get(tokens.get(t).asText());
      }
      tokenized.put(PyStr.strip(node.get("text").asText()), out);
    }
    String text = new String(Files.readAllBytes(Shared.path("golden/" + corpus)), StandardCharsets.UTF_8);
    List<List<int[]>> docs = new ArrayList<>();
    docs.add(new ArrayList<>());
    for (String line : text.split("\n", -1)) {
      String stripped = PyStr.strip(line);
      if (stripped.isEmpty()) {
        docs.add(new ArrayList<>());
        continue;
      }
      int[] tokens = tokenized.get(stripped);
      if (tokens == null) {
        throw new IllegalStateException("golden tokenization lacks line: " + stripped);
      }
      if (tokens.length > 0) {
        docs.get(docs.size() - 1).add(tokens);
      }
    }
    List<int[][]> out = new ArrayList<>();
    for (List<int[]> doc : docs) {
      if (!doc.isEmpty()) {
        out.add(doc.toArray(new int[0][]));
      }
    }
    return out;
  }

  static List<PretrainingInstance> generate(InstanceOptions options, List<int[][]> documents)
      throws IOException {
    List<PretrainingInstance> actual = new ArrayList<>();
    new ReferenceGenerator(options, vocab())
        .generate(
            documents,
            i ->
                actual.add(
                    InstanceEncoder.toAvro(
                        i, options.maxSeqLength(), options.maxPredictionsPerSeq())));
    return actual;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesGoldenInstanceByInstance(GoldenCases.Case c) throws IOException {
    List<PretrainingInstance> expected =
        InstanceJson.read(Shared.path("golden/instances/" + c.file));
    List<PretrainingInstance> actual =
        generate(c.options, lookupDocuments(c.corpus, c.doLowerCase));
    assertEquals(Optional.empty(), InstanceJson.firstDifference(expected, actual));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void jsonWriterReproducesGoldenBytes(GoldenCases.Case c) throws IOException {
    StringBuilder out = new StringBuilder();
    for (PretrainingInstance instance :
        generate(c.options, lookupDocuments(c.corpus, c.doLowerCase))) {
      InstanceJson.writeLine(instance, out);
    }
    String golden =
        new String(
            Files.readAllBytes(Shared.path("golden/instances/" + c.file)), StandardCharsets.UTF_8);
    assertEquals(golden, out.toString());
  }

  @Test
  void anotherSeedDiffers() throws IOException {
    GoldenCases.Case c = GoldenCases.all().get(0);
    List<PretrainingInstance> expected =
        InstanceJson.read(Shared.path("golden/instances/" + c.file));
    InstanceOptions other = c.options.toBuilder().randomSeed(c.options.randomSeed() + 1).build();
    Optional<String> diff =
        InstanceJson.firstDifference(
            expected, generate(other, lookupDocuments(c.corpus, c.doLowerCase)));
    assertTrue(diff.isPresent());
  }
}
