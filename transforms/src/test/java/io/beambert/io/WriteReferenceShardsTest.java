package io.beambert.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.instances.CorpusReader;
import io.beambert.instances.InstanceEncoder;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.TrainingInstance;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.schemas.RunCounts;
import io.beambert.testing.Shared;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteReferenceShardsTest {
  @TempDir Path tmp;

  /**
   * The files are read in name order as one stream of lines, whatever order they are matched in:
   * a document runs on into the next file unless a blank line ends it, a line that tokenizes to
   * nothing is skipped without ending its document; the shard holds exactly what the reference
   * algorithm makes of that corpus.
   */
  @Test
  void readsTheFilesInNameOrderAsOneStreamLikeTheReference() throws IOException {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Files.writeString(in.resolve("c.txt"), "\nA new document in c.\nIts second line.\n");
    Files.writeString(in.resolve("a.txt"), "\n\nFirst document.\n\nSecond one, in a,\n\u0007\n");
    Files.writeString(in.resolve("b.txt"), "goes on in b.\n\n\nThird document.\nStill third.\n");
    Vocab vocab = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
    InstanceOptions options = InstanceOptions.builder().dupeFactor(3).build();

    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    Path out = tmp.resolve("out");
    PCollection<RunCounts> counts =
        p.apply(
            WriteReferenceShards.from(
                in.resolve("*.txt").toString(), ShardOutput.to(out.toString()), vocab, options));
    PAssert.thatSingleton(counts)
        .satisfies(
            c -> {
              assertEquals(4L, c.getDocumentsUsed()); // a's second document runs on into b
              assertEquals(List.of(c.getInstances()), c.getShardInstances());
              return null;
            });
    p.run().waitUntilFinish();

    List<Path> sorted = List.of(in.resolve("a.txt"), in.resolve("b.txt"), in.resolve("c.txt"));
    List<int[][]> documents = CorpusReader.read(sorted, new BertTokenizer(vocab, true));
    assertEquals(4, documents.size());
    List<TrainingInstance> expected =
        new ReferenceGenerator(options, InstanceVocab.from(vocab)).generateAll(documents);
    List<PretrainingInstance> written = new ArrayList<>();
    try (DataFileReader<PretrainingInstance> r =
        new DataFileReader<>(
            out.resolve("part-00000-of-00001.avro").toFile(),
            new SpecificDatumReader<>(PretrainingInstance.class))) {
      r.forEach(written::add);
    }
    assertTrue(expected.size() > 5, "instances: " + expected.size());
    assertEquals(expected.size(), written.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(
          InstanceEncoder.toAvro(expected.get(i), options.maxSeqLength(), options.maxPredictionsPerSeq()),
          written.get(i));
    }
  }

  /** A corpus without a document commits its shards empty, each of them, with matching metadata. */
  @Test
  void aCorpusWithoutDocumentsCommitsEmptyShards() throws Exception {
    Path in = tmp.resolve("blank");
    Files.createDirectories(in);
    Files.writeString(in.resolve("a.txt"), "\n  \n\n");
    Vocab vocab = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
    Path out = tmp.resolve("empty-out");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(
        WriteReferenceShards.from(
                in.resolve("*.txt").toString(), ShardOutput.to(out.toString()), vocab,
                InstanceOptions.defaults())
            .withNumShards(3));
    p.run().waitUntilFinish();
    com.fasterxml.jackson.databind.JsonNode metadata =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.resolve(ShardNames.METADATA).toFile());
    assertEquals(3, metadata.get("counts").get("shards").asLong());
    assertEquals(3, metadata.get("shards").size());
    assertEquals(0, metadata.get("counts").get("documents_read").asLong());
    for (int i = 0; i < 3; i++) {
      assertTrue(Files.isRegularFile(out.resolve(ShardNames.shard(i, 3))));
    }
  }
}
