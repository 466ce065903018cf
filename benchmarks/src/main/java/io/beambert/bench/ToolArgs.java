package io.beambert.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --name=value} arguments of the benchmark tools; a name may be given several times. */
final class ToolArgs {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  private ToolArgs() {}

  /**
   * Parses {@code --name=value} arguments.
   *
   * @throws IllegalArgumentException for an argument of another form
   */
  static ToolArgs parse(String[] args) {
    ToolArgs parsed = new ToolArgs();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("arguments are --name=value, got " + a);
      }
      parsed.values.computeIfAbsent(a.substring(2, eq), k -> new ArrayList<>()).add(a.substring(eq + 1));
    }
    return parsed;
  }

  /**
   * The last value given for {@code name}, or {@code dflt}.
   *
   * @throws IllegalArgumentException when {@code name} is missing and has no default (null)
   */
  String single(String name, String dflt) {
    List<String> v = values.get(name);
    if (v == null || v.isEmpty()) {
      if (dflt == null) {
        throw new IllegalArgumentException("--" + name + " is required");
      }
      return dflt;
    }
    return v.get(v.size() - 1);
  }

  /** Every value given for {@code name}, in order. */
  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }
}
