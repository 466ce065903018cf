package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.io.ReadCorpus;
import io.beambert.schemas.NspPair;
import io.beambert.schemas.TokenizedDocument;
import io.beambert.text.Vocab;
import io.beambert.transforms.PackSegments;
import io.beambert.transforms.PairForNsp;
import io.beambert.transforms.SplitDocuments;
import io.beambert.transforms.TokenizeDocuments;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PairForNsp on embedded Flink with one partner bucket of more than 10,000 random-next chunks
 * (Flink's grouped iterables of such groups can be traversed only once): the same pairs as on the
 * DirectRunner. Short sequences (16) make almost every chunk one sentence, hence random-next.
 */
class PairForNspFlinkTest {

  private static final Path VOCAB = GoldenFiles.path("golden/vocab-bert-base-uncased.txt");
  private static Path corpus() {
    // Tests run in the module directory; the sample corpus lives at the repository root.
    Path inModule = Path.of("../data/sample/sample-corpus.txt");
    return Files.exists(inModule) ? inModule : Path.of("data/sample/sample-corpus.txt");
  }

  /** Writes every pair of the composed transforms as a text line; returns the lines, sorted. */
  private static List<String> pairs(Path dir, String... runnerArgs) throws IOException {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(BeamArgs.prepare(runnerArgs)).as(PipelineOptions.class);
    Pipeline p = Pipeline.create(options);
    PCollection<TokenizedDocument> docs =
        p.apply(ReadCorpus.from(corpus().toString()))
            .apply(SplitDocuments.create())
            .apply(TokenizeDocuments.with(Vocab.load(VOCAB)).withDoLowerCase(true));
    docs.apply(PackSegments.create().withMaxSeqLength(16).withDupeFactor(4).withSeed(3))
        .apply(PairForNsp.withPartnersFrom(docs).withSeed(3))
        .apply(ParDo.of(new WriteLinesFn(dir.toString())));
    p.run().waitUntilFinish();
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("pairs")).toList()) {
        lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
      }
    }
    Collections.sort(lines);
    return lines;
  }

  /**
   * Writes each bundle's pairs to its own file (TextIO's sharded write costs more than the
   * transforms under test on the DirectRunner).
   */
  static final class WriteLinesFn extends DoFn<NspPair, Void> {
    private final String dir;
    private transient BufferedWriter writer;

    WriteLinesFn(String dir) {
      this.dir = dir;
    }

    @StartBundle
    public void start() throws IOException {
      writer =
          Files.newBufferedWriter(
              Path.of(dir, "pairs-" + UUID.randomUUID() + ".txt"), StandardCharsets.UTF_8);
    }

    @ProcessElement
    public void process(@Element NspPair pair) throws IOException {
      writer.write(line(pair));
      writer.write('\n');
    }

    @FinishBundle
    public void finish() throws IOException {
      writer.close();
    }
  }

  static String line(NspPair pair) {
    return pair.getDocumentId()
        + " " + pair.getPass()
        + " " + pair.getChunk()
        + " " + pair.getRandomNext()
        + " " + pair.getTokensA()
        + " " + pair.getTokensB();
  }

  @Test
  void sameLargeBucketPairsOnFlinkAsOnTheDirectRunner(@TempDir Path dir) throws IOException {
    List<String> direct = pairs(Files.createDirectory(dir.resolve("direct")));
    Set<String> documents = new HashSet<>();
    long randomNext = 0;
    for (String l : direct) {
      String[] f = l.split(" ", 5);
      documents.add(f[0]);
      randomNext += f[3].equals("true") ? 1 : 0;
    }
    // Fewer than 512 documents make one partner bucket: every random-next chunk is in it.
    assertTrue(documents.size() < 512, documents.size() + " documents");
    assertTrue(randomNext > 10_000, randomNext + " random-next chunks");
    List<String> flink =
        pairs(
            Files.createDirectory(dir.resolve("flink")),
            "--runner=FlinkRunner",
            "--flinkMaster=[local]",
            "--parallelism=2");
    assertEquals(direct.size(), flink.size());
    assertEquals(direct, flink);
  }
}
