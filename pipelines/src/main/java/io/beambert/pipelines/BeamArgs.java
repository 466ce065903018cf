package io.beambert.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

  /** beambert's DirectRunner threads: one per core, at least 2. */
  static int defaultParallelism() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  static boolean isFlink(String runner) {
    String simple = runner.substring(runner.lastIndexOf('.') + 1);
    return simple.equals("FlinkRunner") || simple.equals("TestFlinkRunner");
  }

  /** The value of {@code --name=value} (or {@code --name value}), if present. */
  static Optional<String> value(String[] args, String name) {
    String prefix = "--" + name + "=";
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith(prefix)) {
        return Optional.of(args[i].substring(prefix.length()));
      }
      if (args[i].equals("--" + name) && i + 1 < args.length) {
        return Optional.of(args[i + 1]);
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
