package io.beambert.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.InstanceStats;
import io.beambert.pipelines.BeamArgs;
import io.beambert.pipelines.InspectCommand;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.Vocab;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example pipeline runs on the DirectRunner and embedded Flink, as a user runs it. */
class FilteredPretrainingDataTest {
  @TempDir Path tmp;

  private static Path shared(String name) {
    return Paths.get(System.getProperty("beambert.shared", "../../shared")).resolve(name);
  }

  /** The golden sample corpus, one document per line, sentences separated by tabs. */
  private Path corpus() throws IOException {
    StringBuilder out = new StringBuilder();
    List<String> doc = new ArrayList<>();
    List<String> lines = new ArrayList<>(Files.readAllLines(shared("golden/sample_text.txt")));
    lines.addAll(Files.readAllLines(shared("golden/edge_corpus.txt")));
    lines.add("");
    for (String line : lines) {
      if (line.isBlank()) {
        if (!doc.isEmpty()) {
          out.append(String.join("\t", doc)).append('\n');
          doc.clear();
        }
      } else {
        doc.add(line.replace('\t', ' '));
      }
    }
    Path file = tmp.resolve("corpus.tsv");
    Files.writeString(file, out, StandardCharsets.UTF_8);
    return file;
  }

  private InstanceStats run(Path corpus, Vocab vocab, String name, String... args)
      throws IOException {
    Path out = tmp.resolve(name);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(BeamArgs.prepare(args)).create());
    FilteredPretrainingData.build(
        p, corpus.toString(), vocab,
        InstanceOptions.builder().dupeFactor(3).nspPoolSize(10).build(), out.toString());
    p.run().waitUntilFinish();
    InstanceStats stats =
        new InstanceStats(Files.readAllLines(shared("golden/vocab-bert-base-uncased.txt")));
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(out, "part-*.avro")) {
      for (Path shard : shards) {
        try (DataFileReader<PretrainingInstance> r =
            new DataFileReader<>(shard.toFile(), new SpecificDatumReader<>(PretrainingInstance.class))) {
          r.forEach(stats::add);
        }
      }
    }
    // beambert inspect reads the output, and no instance holds [UNK] (the filter's work).
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    long printed = InspectCommand.run(new String[] {"--input=" + out}, json);
    assertEquals(stats.instances(), printed);
    int unk = vocab.idOf(Vocab.UNK);
    ObjectMapper mapper = new ObjectMapper();
    for (String line : json.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonNode instance = mapper.readTree(line);
      // The original tokens: input_ids with the masked positions' labels put back.
      List<Integer> tokens = new ArrayList<>();
      instance.get("input_ids").forEach(id -> tokens.add(id.asInt()));
      JsonNode positions = instance.get("masked_lm_positions");
      JsonNode labels = instance.get("masked_lm_ids");
      for (int k = 0; k < positions.size(); k++) {
        if (instance.get("masked_lm_weights").get(k).asDouble() > 0) {
          tokens.set(positions.get(k).asInt(), labels.get(k).asInt());
        }
      }
      assertTrue(!tokens.contains(unk), line);
    }
    assertTrue(stats.formatProblems().isEmpty(), stats.formatProblems().toString());
    return stats;
  }

  @Test
  void runsOnTheDirectRunnerAndFlinkWithTheSameInstances() throws IOException {
    Path corpus = corpus();
    Vocab vocab = Vocab.load(shared("golden/vocab-bert-base-uncased.txt"));
    InstanceStats direct = run(corpus, vocab, "direct");
    assertTrue(direct.instances() > 100, "instances: " + direct.instances());
    InstanceStats flink =
        run(corpus, vocab, "flink", "--runner=FlinkRunner", "--flinkMaster=[local]",
            "--parallelism=2");
    assertEquals(direct.digestMultiset(), flink.digestMultiset());
  }
}
