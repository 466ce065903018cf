package io.beambert.pipelines;

import io.beambert.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
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
 *   <li>A streaming job on Flink checkpoints every 5 s unless {@code --checkpointingInterval} says
 *       otherwise: its windows are committed once a checkpoint holds their input.
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
      if (value(args, "streaming").orElse("false").equals("true")) {
        // A streaming job's panes are written once a checkpoint holds their input (stable input);
        // without checkpoints Flink never commits one.
        addIfAbsent(out, args, "checkpointingInterval", "5000");
      }
    }
    return out.toArray(new String[0]);
  }

  /**
   * Parses a subcommand's command line into {@code type} with beambert's defaults ({@link #prepare})
   * and Beam's validation.
   *
   * @throws UsageException with one line naming the option, for an unknown option (with Beam's
   *     suggestion of a close name), a value of the wrong type, a missing value, an option given
   *     twice or a missing required option
   */
  static <T extends PipelineOptions> T parse(String[] args, Class<T> type, String command) {
    PipelineOptionsFactory.register(type);
    checkValues(args, type, command);
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
        Pattern.compile("Class interface \\S+ missing a property named '([^']+)'\\.(?: Did you mean"
                + " (?:'([^']+)'|one of \\[([^]]+)\\]))?")
            .matcher(message);
    if (unknown.find()) {
      String line = "unknown option --" + unknown.group(1);
      if (unknown.group(2) != null) {
        line += "; did you mean --" + unknown.group(2) + "?";
      } else if (unknown.group(3) != null) {
        line += "; did you mean one of --" + String.join(", --", unknown.group(3).split(", ")) + "?";
      }
      return line;
    }
    Matcher missing = Pattern.compile("Missing required value for \\[(--\\w+)").matcher(message);
    if (missing.find()) {
      return "missing required option " + missing.group(1);
    }
    return message.lines().findFirst().orElse(message).strip();
  }

  /**
   * Checks the values of known options before Beam parses them, since Beam's messages for these
   * mistakes do not name the option: numbers and true/false values of {@code type}'s options and
   * of every registered options interface (a runner's), a bare {@code --name} for an option that
   * is not true/false, and an option given twice that takes one value. Accepts every spelling Beam
   * accepts except fractions for whole numbers (Beam would cut them).
   */
  private static void checkValues(String[] args, Class<?> type, String command) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.length() < 3 || arg.indexOf('=') == 2) {
        continue; // Beam reports these
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
      Method getter = getter(name, type);
      if (getter == null) {
        continue; // unknown: Beam reports it, with its suggestion
      }
      Class<?> valueType = getter.getReturnType();
      String hint = " (see 'beambert " + command + " --help')";
      boolean list = valueType.isArray() || java.util.Collection.class.isAssignableFrom(valueType);
      if (!list && !seen.add(name)) {
        throw new UsageException("--" + name + " is given more than once" + hint);
      }
      if (equals < 0) {
        if (valueType != boolean.class && valueType != Boolean.class) {
          throw new UsageException("--" + name + " needs a value: --" + name + "=VALUE" + hint);
        }
        continue;
      }
      String value = arg.substring(equals + 1);
      if (!isValid(value.strip(), valueType)) {
        throw new UsageException(
            "--" + name + " must be " + typeName(valueType) + ", got '" + value + "'" + hint);
      }
    }
  }

  /** The getter of option {@code name} in {@code type} or a registered options interface. */
  private static Method getter(String name, Class<?> type) {
    String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    List<Class<?>> interfaces = new ArrayList<>();
    interfaces.add(type);
    interfaces.addAll(PipelineOptionsFactory.getRegisteredOptions());
    for (Class<?> options : interfaces) {
      for (String prefix : new String[] {"get", "is"}) {
        try {
          return options.getMethod(prefix + suffix);
        } catch (NoSuchMethodException e) {
          // not here
        }
      }
    }
    return null;
  }

  private static boolean isValid(String value, Class<?> type) {
    if (value.equals("null")) {
      return true; // Beam takes it (0, false or no value)
    }
    try {
      if (type == int.class || type == Integer.class) {
        Integer.parseInt(value);
      } else if (type == long.class || type == Long.class) {
        Long.parseLong(value);
      } else if (type == double.class || type == Double.class
          || type == float.class || type == Float.class) {
        if (!value.matches("[-+]?INF")) { // Jackson's spelling of infinity, besides Java's
          Double.parseDouble(value);
        }
      } else if (type == boolean.class || type == Boolean.class) {
        return List.of("true", "True", "TRUE", "false", "False", "FALSE").contains(value);
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String typeName(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    return "a number";
  }

  /**
   * Threads for a run in this JVM: the DirectRunner's {@code --targetParallelism} (without {@code
   * --runner}, beambert's default: one per core, at least 2; with {@code --runner=DirectRunner},
   * Beam's). Read by name: this module does not compile against runners.
   */
  static int directThreads(PipelineOptions options) {
    try {
      Class<? extends PipelineOptions> direct =
          Class.forName("org.apache.beam.runners.direct.DirectOptions")
              .asSubclass(PipelineOptions.class);
      return (Integer) direct.getMethod("getTargetParallelism").invoke(options.as(direct));
    } catch (ReflectiveOperationException | ClassCastException e) {
      return defaultParallelism(); // no DirectRunner on the class path
    }
  }

  /** Whether the options run on the DirectRunner (this JVM). */
  static boolean isDirectRunner(PipelineOptions options) {
    return options.getRunner().getSimpleName().equals("DirectRunner");
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
