package io.beambert.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.instances.InstanceEncoder;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.distributed.InstanceStats;
import io.beambert.pipelines.BeamArgs;
import io.beambert.pipelines.InspectCommand;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example pipeline runs on the DirectRunner and embedded Flink, as a user runs it. */
class FilteredPretrainingDataTest {
  private static final InstanceOptions OPTIONS = InstanceOptions.builder().dupeFactor(2).build();

  @TempDir Path tmp;

  private static Path shared(String name) {
    return Paths.get(System.getProperty("beambert.shared", "../../shared")).resolve(name);
  }

  /**
   * 800 documents of 2 to 13 sentences of the golden sample corpus, every 20th with a sentence
   * holding a word piece the vocabulary lacks ([UNK]).
   */
  private static List<List<String>> documents() throws IOException {
    List<String> sentences = new ArrayList<>();
    for (String line : Files.readAllLines(shared("golden/sample_text.txt"))) {
      if (!line.isBlank()) {
        sentences.add(line.strip());
      }
    }
    Random random = new Random(5);
    List<List<String>> documents = new ArrayList<>();
    for (int d = 0; d < 800; d++) {
      List<String> doc = new ArrayList<>();
      for (int k = 2 + random.nextInt(12); k > 0; k--) {
        doc.add(sentences.get(random.nextInt(sentences.size())));
      }
      if (d % 20 == 0) {
        doc.add(doc.size() / 2, "A parrot \ud83e\udd9c said it.");
      }
      documents.add(doc);
    }
    return documents;
  }

  /** The documents in the example's input format: one per line, sentences separated by tabs. */
  private Path corpus(List<List<String>> documents) throws IOException {
    StringBuilder out = new StringBuilder();
    for (List<String> doc : documents) {
      out.append(String.join("\t", doc)).append('\n');
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
        OPTIONS, out.toString());
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
  void runsOnTheDirectRunnerAndFlinkWithTheReferencesStatistics() throws IOException {
    List<List<String>> documents = documents();
    Path corpus = corpus(documents);
    Vocab vocab = Vocab.load(shared("golden/vocab-bert-base-uncased.txt"));
    BertTokenizer tokenizer = new BertTokenizer(vocab, true);
    List<int[][]> tokens = new ArrayList<>();
    long withUnk = 0;
    for (List<String> doc : documents) {
      int[][] t = tokenizer.tokenizeSentences(doc);
      tokens.add(t);
      withUnk += Arrays.stream(t).flatMapToInt(Arrays::stream).filter(id -> id == vocab.idOf(Vocab.UNK)).count();
    }
    assertEquals(40, withUnk); // so the filter has pairs to drop

    InstanceStats direct = run(corpus, vocab, "direct");
    assertTrue(direct.instances() > 3000, "instances: " + direct.instances());
    InstanceStats flink =
        run(corpus, vocab, "flink", "--runner=FlinkRunner", "--flinkMaster=[local]",
            "--parallelism=2");
    assertEquals(direct.digestMultiset(), flink.digestMultiset());

    // The distributed statistics test: reference mode on the same documents.
    InstanceStats reference =
        new InstanceStats(Files.readAllLines(shared("golden/vocab-bert-base-uncased.txt")));
    new ReferenceGenerator(OPTIONS, InstanceVocab.from(vocab))
        .generate(
            tokens,
            i ->
                reference.add(
                    InstanceEncoder.toAvro(i, OPTIONS.maxSeqLength(), OPTIONS.maxPredictionsPerSeq())));
    List<String> report = direct.compareWith(reference, 4.5);
    assertTrue(InstanceStats.allWithin(report), String.join("\n", report));
  }
}
