package io.beambert.pipelines;

import io.beambert.cli.StandardStreams;
import io.beambert.cli.UsageException;
import io.beambert.io.ShardNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code beambert verify DIR}: checks a folder of shards against its {@code _metadata.json}: every
 * listed shard is there, is readable Avro with the {@code PretrainingInstance} schema to its very
 * end, and holds the instances the metadata lists; no unlisted shard is there. Prints one line per
 * shard and a verdict; fails (status 1) when anything is wrong.
 */
public final class VerifyCommand {
  static final String USAGE =
      String.join(
          "\n",
          "Usage: beambert verify DIR   (or --input=DIR)",
          "",
          "Checks the shards of a pretraining-data output folder against its _metadata.json:",
          "each listed shard must be there, be readable Avro with beambert's schema to its very",
          "end, and hold the instances the metadata lists; an unlisted part-*.avro is an error.",
          "Prints one line per shard and a verdict; exits with status 1 when anything is wrong.");

  private VerifyCommand() {}

  public static void main(String[] args) throws IOException {
    boolean help = java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    OutputStream out = help ? System.out : StandardStreams.out();
    long bad = run(args, out);
    out.flush();
    if (bad > 0) {
      throw new IOException(bad + " of the folder's shards have problems (lines above)");
    }
  }

  /** Checks the folder named in {@code args}; returns the number of problems found. */
  static long run(String[] args, OutputStream out) throws IOException {
    String input = null;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.write((USAGE + "\n").getBytes(StandardCharsets.UTF_8));
        return 0;
      } else if (arg.startsWith("--input=")) {
        input = arg.substring("--input=".length());
      } else if (!arg.startsWith("--") && input == null) {
        input = arg;
      } else {
        throw new UsageException("unknown argument '" + arg + "'\n" + USAGE);
      }
    }
    if (input == null || input.isEmpty()) {
      throw new UsageException("a folder is required\n" + USAGE);
    }
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    ResourceId dir = FileSystems.matchNewResource(input, true);
    ResourceId metadata = dir.resolve(ShardNames.METADATA, StandardResolveOptions.RESOLVE_FILE);
    MatchResult found = FileSystems.match(metadata.toString(), EmptyMatchTreatment.ALLOW);
    if (found.status() != MatchResult.Status.OK || found.metadata().isEmpty()) {
      throw new IllegalArgumentException(
          input + " has no " + ShardNames.METADATA + ": not a finished pretraining-data output");
    }
    Map<String, Long> listed = new TreeMap<>(ShardCheck.listedCounts(dir));
    Map<String, ResourceId> present = new TreeMap<>();
    MatchResult parts =
        FileSystems.match(
            dir.resolve("part-*.avro", StandardResolveOptions.RESOLVE_FILE).toString(),
            EmptyMatchTreatment.ALLOW);
    if (parts.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata m : parts.metadata()) {
        present.put(m.resourceId().getFilename(), m.resourceId());
      }
    }
    List<String> names = new ArrayList<>(listed.keySet());
    present.keySet().stream().filter(n -> !listed.containsKey(n)).forEach(names::add);
    PrintWriter lines =
        new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
    long bad = 0;
    long instances = 0;
    for (String name : names) {
      String verdict;
      if (!listed.containsKey(name)) {
        verdict = "NOT LISTED in " + ShardNames.METADATA + " (another run's file?)";
      } else if (!present.containsKey(name)) {
        verdict = "MISSING (" + ShardNames.METADATA + " lists " + listed.get(name) + " instances)";
      } else {
        ShardCheck.Result r = ShardCheck.check(present.get(name), listed.get(name));
        instances += r.instances();
        verdict =
            r.ok()
                ? String.format(Locale.ROOT, "ok, %,d instances", r.instances())
                : "BAD: " + r.problem();
      }
      if (!verdict.startsWith("ok")) {
        bad++;
      }
      lines.println(name + ": " + verdict);
      if (lines.checkError()) {
        throw new IOException("cannot write to the output");
      }
    }
    lines.println(
        bad == 0
            ? String.format(
                Locale.ROOT, "verify: %s is whole: %d shards, %,d instances", input, names.size(),
                instances)
            : String.format(
                Locale.ROOT, "verify: %s is NOT whole: %d of %d shards have problems", input, bad,
                names.size()));
    lines.flush();
    if (lines.checkError()) {
      throw new IOException("cannot write to the output");
    }
    return bad;
  }
}
