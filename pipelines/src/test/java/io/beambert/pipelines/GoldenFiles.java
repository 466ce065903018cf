package io.beambert.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.schemas.PretrainingInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Reads the reference's golden files beside the checkout. */
final class GoldenFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoldenFiles() {}

  static Path path(String relative) {
    String configured = System.getProperty("beambert.shared");
    Path root = configured != null ? Paths.get(configured) : Paths.get("..", "..", "shared");
    Path resolved = root.resolve(relative).normalize();
    if (!Files.exists(resolved)) {
      throw new IllegalStateException("shared file not found: " + resolved.toAbsolutePath());
    }
    return resolved;
  }

  /** Parsed JSON lines of a file. */
  static List<JsonNode> jsonLines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  static List<JsonNode> jsonLines(String text) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** A golden JSON instance as the Avro record. */
  static PretrainingInstance toRecord(JsonNode n) {
    return PretrainingInstance.newBuilder()
        .setInputIds(ints(n.get("input_ids")))
        .setInputMask(ints(n.get("input_mask")))
        .setSegmentIds(ints(n.get("segment_ids")))
        .setMaskedLmPositions(ints(n.get("masked_lm_positions")))
        .setMaskedLmIds(ints(n.get("masked_lm_ids")))
        .setMaskedLmWeights(floats(n.get("masked_lm_weights")))
        .setNextSentenceLabels(n.get("next_sentence_labels").get(0).asInt())
        .build();
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>(array.size());
    array.forEach(v -> out.add(v.asInt()));
    return out;
  }

  private static List<Float> floats(JsonNode array) {
    List<Float> out = new ArrayList<>(array.size());
    array.forEach(v -> out.add((float) v.asDouble()));
    return out;
  }

  /** One row of golden/instances/CASES.tsv. */
  record Case(String file, String corpus, List<String> flags) {}

  static List<Case> cases() throws IOException {
    List<Case> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(path("golden/instances/CASES.tsv"), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] cols = line.split("\t");
      List<String> flags = new ArrayList<>();
      if (cols.length > 2) {
        for (String flag : cols[2].trim().split("\\s+")) {
          flags.add(toBeamFlag(flag));
        }
      }
      out.add(new Case(cols[0], cols[1], flags));
    }
    return out;
  }

  /** {@code --max_seq_length=32} to {@code --maxSeqLength=32}; Python's True/False to true/false. */
  static String toBeamFlag(String pythonFlag) {
    String[] kv = pythonFlag.substring(2).split("=", 2);
    StringBuilder name = new StringBuilder();
    boolean upper = false;
    for (char ch : kv[0].toCharArray()) {
      if (ch == '_') {
        upper = true;
      } else {
        name.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      }
    }
    String value = kv[1].equals("True") ? "true" : kv[1].equals("False") ? "false" : kv[1];
    return "--" + name + "=" + value;
  }
}
