package io.beambert.transforms;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beambert.testing.Shared;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class TokenizeTest {
  private static Vocab vocab;

  @BeforeAll
  static void load() throws IOException {
    vocab = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
  }

  private static List<Integer> ids(String... tokens) {
    return java.util.Arrays.stream(tokens).map(vocab::idOf).toList();
  }

  @Test
  void tokenizesEachTextToIds(TestPipeline p) {
    PCollection<List<Integer>> out = p
        .apply(Create.of("Hello, World!", "", " \u0000 ", "Gutenberg"))
        .apply(Tokenize.with(vocab));
    PAssert.that(out).containsInAnyOrder(
        ids("hello", ",", "world", "!"), List.of(), List.of(), ids("gut", "##enberg"));
    p.run().waitUntilFinish();
  }

  @Test
  void casedModeKeepsCase(TestPipeline p) {
    PCollection<List<Integer>> out = p
        .apply(Create.of("Hello hello"))
        .apply(Tokenize.with(vocab).withDoLowerCase(false));
    PAssert.that(out).containsInAnyOrder(ids("[UNK]", "hello"));
    p.run().waitUntilFinish();
  }

  @Test
  void emptyInputGivesEmptyOutput(TestPipeline p) {
    PCollection<List<Integer>> out =
        p.apply(Create.empty(StringUtf8Coder.of())).apply(Tokenize.with(vocab));
    PAssert.that(out).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void rejectsVocabWithoutUnk() {
    assertThrows(IllegalArgumentException.class, () -> Tokenize.with(Vocab.of(List.of("a"))));
    assertThrows(IllegalArgumentException.class, () -> Tokenize.with(null));
  }
}
