package io.beambert.pipelines;

import io.beambert.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Prepares a command line for Beam's {@code PipelineOptionsFactory.fromArgs} with beambert's defaults.
 *
 * <ul>
 *   <li>Without {@code --runner}, jobs run on the DirectRunner with its immutability and
 *       encodability checks off (they re-encode every element and slow large local runs about
 *       2.5x; our transforms are tested with the checks on).
 *   <li>When the FlinkRunner starts Flink itself ({@code --flinkMaster} absent, {@code [local]} or
 *       {@code [auto]}) and no {@code --flinkConfDir} is given, it gets a generated configuration
 *       that binds every endpoint to 127.0.0.1. An embedded Flink otherwise opens its REST port on
 *       all interfaces, and a Flink REST port accepts arbitrary jobs.
 * </ul>
 */
public final class BeamArgs {

  /** Flink settings that keep every endpoint of a Flink started by beambert on the loopback. */
  static final List<String> LOOPBACK_FLINK_CONFIG =
      List.of(
          "rest.bind-address: 127.0.0.1",
          "rest.address: 127.0.0.1",
          "jobmanager.bind-host: 127.0.0.1",
          "jobmanager.rpc.address: 127.0.0.1",
          "taskmanager.bind-host: 127.0.0.1",
          "taskmanager.host: 127.0.0.1",
          "blob.server.port: 0",
          "rest.port: 0");

  private BeamArgs() {}

  /** Returns {@code args} with beambert's runner defaults added where the user set nothing. */
  public static String[] prepare(String[] args) {
    List<String> out = new ArrayList<>(Arrays.asList(args));
    Optional<String> runner = value(args, "runner");
    if (runner.isEmpty()) {
      out.add("--runner=DirectRunner");
      addIfAbsent(out, args, "enforceImmutability", "false");
      addIfAbsent(out, args, "enforceEncodability", "false");
      // Beam's default is max(cores, 3) threads; one of them runs the runner's own polling loop
      // whenever it is free, which on a 2-core machine takes CPU from the work.
      addIfAbsent(out, args, "targetParallelism", String.valueOf(defaultParallelism()));
    } else if (isFlink(runner.get())) {
      String master = value(args, "flinkMaster").orElse("[auto]");
      boolean embedded = master.equals("[local]") || master.equals("[auto]");
      if (embedded && value(args, "flinkConfDir").isEmpty()) {
        out.add("--flinkConfDir=" + loopbackFlinkConfDir());
      }
    }
    return out.toArray(new String[0]);
  }

  /**
   * Parses a subcommand's command line into {@code type} with beambert's defaults ({@link #prepare})
   * and Beam's validation.
   *
   * @throws UsageException with one line naming the option, for an unknown option, a value of the
   *     wrong type or a missing required option
   */
  static <T extends PipelineOptions> T parse(String[] args, Class<T> type, String command) {
    PipelineOptionsFactory.register(type);
    checkValueTypes(args, type, command);
    try {
      return PipelineOptionsFactory.fromArgs(prepare(args)).withValidation().as(type);
    } catch (IllegalArgumentException e) {
      throw new UsageException(usageMessage(e) + " (see 'beambert " + command + " --help')");
    }
  }

  /** One line a user can act on, from Beam's option-parsing errors (no Jackson internals). */
  static String usageMessage(IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    Matcher unknown =
        Pattern.compile("Class interface \\S+ missing a property named '([^']+)'").matcher(message);
    if (unknown.find()) {
      return "unknown option --" + unknown.group(1);
    }
    Matcher badValue =
        Pattern.compile(
                "Unable to convert value '(.*)' of type \\S+ to (?:type )?(\\S+)"
                    + " for property '([^']+)'")
            .matcher(message);
    if (badValue.find()) {
      return "--" + badValue.group(3) + " must be " + typeName(badValue.group(2)) + ", got '"
          + badValue.group(1) + "'";
    }
    Matcher missing = Pattern.compile("Missing required value for \\[(--\\w+)").matcher(message);
    if (missing.find()) {
      return "missing required option " + missing.group(1);
    }
    return message.lines().findFirst().orElse(message).strip();
  }

  /**
   * Checks the values of {@code type}'s number and true/false options before Beam parses them
   * (Beam's message for a bad value does not always name the option).
   */
  private static void checkValueTypes(String[] args, Class<?> type, String command) {
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.indexOf('=') < 2) {
        continue;
      }
      String name = arg.substring(2, arg.indexOf('='));
      String value = arg.substring(arg.indexOf('=') + 1);
      Class<?> valueType;
      try {
        valueType = type.getMethod("get" + Character.toUpperCase(name.charAt(0))
            + name.substring(1)).getReturnType();
      } catch (NoSuchMethodException e) {
        continue; // not an option of this command (unknown: Beam reports it)
      }
      if (!isValid(value.strip(), valueType)) {
        throw new UsageException(
            "--" + name + " must be " + typeName(valueType.getName()) + ", got '" + value
                + "' (see 'beambert " + command + " --help')");
      }
    }
  }

  private static boolean isValid(String value, Class<?> type) {
    try {
      if (type == int.class) {
        Integer.parseInt(value);
      } else if (type == long.class) {
        Long.parseLong(value);
      } else if (type == double.class || type == float.class) {
        Double.parseDouble(value);
      } else if (type == boolean.class) {
        return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String typeName(String javaType) {
    switch (javaType.replaceAll("[.,]$", "")) {
      case "int":
      case "java.lang.Integer":
      case "long":
      case "java.lang.Long":
        return "a whole number";
      case "double":
      case "java.lang.Double":
      case "float":
      case "java.lang.Float":
        return "a number";
      case "boolean":
      case "java.lang.Boolean":
        return "true or false";
      default:
        return "of type " + javaType;
    }
  }

  /** beambert's DirectRunner threads: one per core, at least 2. */
  static int defaultParallelism() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  static boolean isFlink(String runner) {
    String simple = runner.substring(runner.lastIndexOf('.') + 1);
    return simple.equals("FlinkRunner") || simple.equals("TestFlinkRunner");
  }

  /**
   * The value of {@code --name=value} if present; {@code "true"} for a bare {@code --name}, which
   * Beam reads as true (a true/false option).
   */
  static Optional<String> value(String[] args, String name) {
    String prefix = "--" + name + "=";
    for (String arg : args) {
      if (arg.startsWith(prefix)) {
        return Optional.of(arg.substring(prefix.length()));
      }
      if (arg.equals("--" + name)) {
        return Optional.of("true");
      }
    }
    return Optional.empty();
  }

  private static void addIfAbsent(List<String> out, String[] args, String name, String dflt) {
    if (value(args, name).isEmpty()) {
      out.add("--" + name + "=" + dflt);
    }
  }

  /** Writes a Flink configuration folder (config.yaml) with the loopback bindings. */
  static Path loopbackFlinkConfDir() {
    try {
      Path dir = Files.createTempDirectory("beambert-flink-conf");
      // Deleted at exit in the reverse order of registration: the file, then the folder.
      dir.toFile().deleteOnExit();
      Files.write(dir.resolve("config.yaml"), LOOPBACK_FLINK_CONFIG, StandardCharsets.UTF_8);
      dir.resolve("config.yaml").toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a Flink configuration folder", e);
    }
  }
}
