package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambert.schemas.PretrainingInstance;
import io.beambert.testing.Shared;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden acceptance from raw text: {@link CorpusReader} with the Java {@link BertTokenizer}, then
 * {@link ReferenceGenerator}, equals the reference's output for every case of CASES.tsv.
 */
class GoldenEndToEndTest {

  static Stream<GoldenCases.Case> cases() throws IOException {
    return GoldenCases.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void corpusReaderAndGeneratorMatchGolden(GoldenCases.Case c) throws IOException {
    Vocab vocab = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
    List<int[][]> documents =
        CorpusReader.read(
            List.of(Shared.path("golden/" + c.corpus)), new BertTokenizer(vocab, c.doLowerCase));
    // The Java tokenizer and the reference's own tokenization give the same documents.
    List<int[][]> lookup = GoldenInstancesTest.lookupDocuments(c.corpus, c.doLowerCase);
    assertEquals(lookup.size(), documents.size());
    for (int d = 0; d < lookup.size(); d++) {
      assertEquals(
          java.util.Arrays.deepToString(lookup.get(d)),
          java.util.Arrays.deepToString(documents.get(d)),
          "document " + d);
    }
    InstanceOptions o = c.options;
    List<PretrainingInstance> actual = new ArrayList<>();
    new ReferenceGenerator(o, InstanceVocab.from(vocab))
        .generate(
            documents,
            i -> actual.add(InstanceEncoder.toAvro(i, o.maxSeqLength(), o.maxPredictionsPerSeq())));
    List<PretrainingInstance> expected =
        InstanceJson.read(Shared.path("golden/instances/" + c.file));
    assertEquals(Optional.empty(), InstanceJson.firstDifference(expected, actual));
  }
}
