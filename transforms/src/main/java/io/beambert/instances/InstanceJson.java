package io.beambert.instances;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.schemas.PretrainingInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * JSON lines of pretraining instances, in exactly the layout of the reference's golden files: one
 * object per line, no spaces, keys in the order input_ids, input_mask, segment_ids,
 * masked_lm_positions, masked_lm_ids, masked_lm_weights, next_sentence_labels; weights printed as
 * floats ({@code 1.0}/{@code 0.0}); next_sentence_labels as a one-element list, as in the
 * reference's tf.Example.
 *
 * <pre>{@code
 * try (Writer out = Files.newBufferedWriter(path)) {
 *   for (PretrainingInstance instance : instances) {
 *     InstanceJson.writeLine(instance, out);
 *   }
 * }
 * }</pre>
 */
public final class InstanceJson {
  /** Feature names in file order: the fields of the shards' Avro schema, their single source. */
  public static final List<String> FIELDS =
      PretrainingInstance.getClassSchema().getFields().stream()
          .map(org.apache.avro.Schema.Field::name)
          .toList();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private InstanceJson() {}

  /** One JSON object, without a line end. */
  public static String toJson(PretrainingInstance instance) {
    StringBuilder out = new StringBuilder(1024);
    try {
      write(instance, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return out.toString();
  }

  /** Appends one JSON object followed by {@code '\n'}. */
  public static void writeLine(PretrainingInstance instance, Appendable out) throws IOException {
    write(instance, out);
    out.append('\n');
  }

  private static void write(PretrainingInstance instance, Appendable out) throws IOException {
    char separator = '{';
    for (org.apache.avro.Schema.Field field : PretrainingInstance.getClassSchema().getFields()) {
      out.append(separator).append('"').append(field.name()).append("\":");
      separator = ',';
      Object value = instance.get(field.pos());
      if (value instanceof Integer single) { // a scalar feature is a list of one in the dump
        out.append('[').append(Integer.toString(single)).append(']');
        continue;
      }
      List<?> values = (List<?>) value;
      out.append('[');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        // Float.toString gives "1.0"/"0.0" like Python's repr; weights take no other values here.
        out.append(values.get(i).toString());
      }
      out.append(']');
    }
    out.append('}');
  }

  /**
   * Parses one line.
   *
   * @throws IllegalArgumentException when a field is missing or malformed
   */
  public static PretrainingInstance parse(String line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode labels = field(node, "next_sentence_labels");
    JsonNode label = labels.isArray() ? labels.get(0) : labels;
    if (label == null || !label.isIntegralNumber()) {
      throw new IllegalArgumentException("next_sentence_labels must be [0] or [1]");
    }
    List<Float> weights = new ArrayList<>();
    for (JsonNode w : field(node, "masked_lm_weights")) {
      weights.add(w.floatValue());
    }
    return new PretrainingInstance(
        intList(node, "input_ids"),
        intList(node, "input_mask"),
        intList(node, "segment_ids"),
        intList(node, "masked_lm_positions"),
        intList(node, "masked_lm_ids"),
        weights,
        label.intValue());
  }

  private static JsonNode field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing field " + name);
    }
    return value;
  }

  private static List<Integer> intList(JsonNode node, String name) {
    JsonNode array = field(node, name);
    if (!array.isArray()) {
      throw new IllegalArgumentException(name + " must be a list");
    }
    List<Integer> out = new ArrayList<>(array.size());
    for (JsonNode v : array) {
      if (!v.isIntegralNumber()) {
        throw new IllegalArgumentException(name + " holds a non-integer: " + v);
      }
      out.add(v.intValue());
    }
    return out;
  }

  /**
   * Reads every non-blank line of a file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the file and line when a line is malformed
   */
  public static List<PretrainingInstance> read(Path file) throws IOException {
    List<PretrainingInstance> out = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(parse(line));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ":" + number + ": " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  /**
   * Compares two instance lists position by position; empty when equal, else a description of the
   * first difference (index, field, position inside the field, both values) or of the count.
   */
  public static Optional<String> firstDifference(
      List<PretrainingInstance> expected, List<PretrainingInstance> actual) {
    int common = Math.min(expected.size(), actual.size());
    for (int i = 0; i < common; i++) {
      PretrainingInstance e = expected.get(i);
      PretrainingInstance a = actual.get(i);
      for (int f = 0; f < FIELDS.size(); f++) {
        Object ev = e.get(f);
        Object av = a.get(f);
        if (!ev.equals(av)) {
          return Optional.of(
              "instance " + i + " differs in " + FIELDS.get(f) + describe(ev, av)
                  + "\n  expected: " + toJson(e) + "\n  actual:   " + toJson(a));
        }
      }
    }
    if (expected.size() != actual.size()) {
      return Optional.of(
          "expected " + expected.size() + " instances, got " + actual.size()
              + " (the first " + common + " agree)");
    }
    return Optional.empty();
  }

  private static String describe(Object expected, Object actual) {
    if (expected instanceof List && actual instanceof List) {
      List<?> e = (List<?>) expected;
      List<?> a = (List<?>) actual;
      for (int k = 0; k < Math.min(e.size(), a.size()); k++) {
        if (!e.get(k).equals(a.get(k))) {
          return " at [" + k + "]: expected " + e.get(k) + ", got " + a.get(k);
        }
      }
      return ": expected length " + e.size() + ", got " + a.size();
    }
    return ": expected " + expected + ", got " + actual;
  }
}
