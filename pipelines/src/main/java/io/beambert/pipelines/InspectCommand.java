package io.beambert.pipelines;

import io.beambert.cli.StandardStreams;
import io.beambert.cli.UsageException;
import io.beambert.instances.InstanceJson;
import io.beambert.io.ShardNames;
import io.beambert.schemas.PretrainingInstance;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code beambert inspect}: prints the instances of Avro shards as JSON lines, one instance a line,
 * in the layout of the reference's instance dumps (the golden files):
 *
 * <pre>{@code
 * {"input_ids":[101,...],"input_mask":[1,...],"segment_ids":[0,...],"masked_lm_positions":[5,...],
 *  "masked_lm_ids":[3542,...],"masked_lm_weights":[1.0,...],"next_sentence_labels":[0]}
 * }</pre>
 *
 * <p>Shards are read in name order, records in file order. Streaming: memory does not grow with the
 * number of records. Plain Java; no pipeline is started.
 */
public final class InspectCommand {

  static final String USAGE =
      String.join(
          "\n",
          "Usage: beambert inspect --input=GLOB [--limit=N]",
          "",
          "Prints the instances of pretraining-data Avro shards as JSON lines (the layout of the",
          "reference's instance dumps), shards in name order, records in file order.",
          "",
          "  --input=GLOB   shards to read: a glob (e.g. out/part-*.avro), a file, or a directory",
          "                 (then its part-*.avro files)",
          "  --limit=N      stop after N instances (default: all)");

  private InspectCommand() {}

  public static void main(String[] args) throws IOException {
    // Failed writes throw, so a full disk stops the command instead of being ignored.
    boolean help = java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    OutputStream out = help ? System.out : StandardStreams.out();
    run(args, out);
    out.flush();
  }

  /** Parses {@code args} and writes the JSON lines to {@code out}; returns the number written. */
  public static long run(String[] args, OutputStream out) throws IOException {
    String input = null;
    long limit = Long.MAX_VALUE;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.write((USAGE + "\n").getBytes(StandardCharsets.UTF_8));
        return 0;
      } else if (arg.startsWith("--input=")) {
        input = arg.substring("--input=".length());
      } else if (arg.startsWith("--limit=")) {
        String value = arg.substring("--limit=".length());
        try {
          limit = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new UsageException("--limit must be a whole number, got '" + value + "'");
        }
        if (limit < 0) {
          throw new UsageException("--limit must not be negative, got " + limit);
        }
      } else {
        throw new UsageException("unknown argument '" + arg + "'\n" + USAGE);
      }
    }
    if (input == null || input.isEmpty()) {
      throw new UsageException("--input is required\n" + USAGE);
    }
    List<ResourceId> shards = resolve(input);
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    long written = 0;
    Map<ResourceId, Map<String, Long>> listed = new HashMap<>();
    for (ResourceId shard : shards) {
      if (written >= limit) {
        break;
      }
      long expected =
          listed
              .computeIfAbsent(shard.getCurrentDirectory(), ShardCheck::listedCountsUnchecked)
              .getOrDefault(shard.getFilename(), -1L);
      long inShard = 0;
      try (SeekableByteChannel channel = (SeekableByteChannel) FileSystems.open(shard);
          DataFileReader<PretrainingInstance> records =
              new DataFileReader<>(
                  new ShardCheck.ChannelInput(channel),
                  new SpecificDatumReader<>(PretrainingInstance.class))) {
        PretrainingInstance record = null;
        while (written < limit && records.hasNext()) {
          record = records.next(record);
          InstanceJson.writeLine(record, writer);
          written++;
          inShard++;
        }
        if (written < limit) { // read to the end: it must be the whole shard
          ShardCheck.Result end =
              ShardCheck.checkEnd(records.previousSync(), channel.size(), inShard, expected);
          if (end != null) {
            writer.flush(); // the records printed are whole
            throw new IOException(shard + " " + end.problem());
          }
        }
      } catch (AvroRuntimeException | ClassCastException | IllegalArgumentException e) {
        writer.flush();
        throw new IOException(
            shard + " is not a whole Avro shard of pretraining instances ("
                + ShardCheck.describe(e) + "); " + inShard + " of its instances were printed", e);
      } catch (IOException e) {
        writer.flush();
        if (e.getMessage() != null && e.getMessage().startsWith(shard.toString())) {
          throw e;
        }
        throw new IOException(
            "cannot read " + shard + " (" + ShardCheck.describe(e) + "); " + inShard
                + " of its instances were printed", e);
      }
    }
    writer.flush();
    return written;
  }

  /** The files {@code input} names, sorted by name; fails when there are none. */
  static List<ResourceId> resolve(String input) throws IOException {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    String pattern = input;
    if (!input.contains("*") && !input.contains("?") && Files.isDirectory(Paths.get(input))) {
      pattern = Paths.get(input).resolve("part-*.avro").toString();
    }
    MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
    List<ResourceId> files = new ArrayList<>();
    if (match.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata m : match.metadata()) {
        String name = m.resourceId().getFilename();
        if (name != null && !ShardNames.TEMP_SHARD.matcher(name).matches()) {
          files.add(m.resourceId());
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no file matches --input=" + input);
    }
    files.sort(Comparator.comparing(ResourceId::toString));
    return files;
  }
}
