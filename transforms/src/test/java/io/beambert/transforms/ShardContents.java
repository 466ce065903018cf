package io.beambert.transforms;

import io.beambert.instances.distributed.InstanceStats;
import io.beambert.schemas.PretrainingInstance;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/** Reads the shards of an output directory (test helper). */
public final class ShardContents {
  private ShardContents() {}

  /** The shard files, sorted by name. */
  public static List<Path> shards(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "part-*.avro")) {
      s.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** Every record of every shard, shard by shard. */
  public static List<List<PretrainingInstance>> read(Path dir) throws IOException {
    List<List<PretrainingInstance>> out = new ArrayList<>();
    for (Path shard : shards(dir)) {
      List<PretrainingInstance> records = new ArrayList<>();
      try (DataFileReader<PretrainingInstance> r =
          new DataFileReader<>(shard.toFile(), new SpecificDatumReader<>(PretrainingInstance.class))) {
        r.forEach(records::add);
      }
      out.add(records);
    }
    return out;
  }

  /** Statistics over all shards. */
  public static InstanceStats stats(Path dir, List<String> vocabLines) throws IOException {
    InstanceStats s = new InstanceStats(vocabLines);
    for (List<PretrainingInstance> shard : read(dir)) {
      shard.forEach(s::add);
    }
    return s;
  }
}
