package io.beambert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every line of the reference's tokenizer outputs, in both casing modes. */
class BertTokenizerGoldenTest {
  private static Vocab vocab;

  @BeforeAll
  static void loadVocab() throws IOException {
    vocab = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
  }

  @ParameterizedTest
  @CsvSource({"golden/tokenize/uncased.jsonl, true", "golden/tokenize/cased.jsonl, false"})
  void matchesReference(String file, boolean doLowerCase) throws IOException {
    ObjectMapper json = new ObjectMapper();
    BertTokenizer tokenizer = new BertTokenizer(vocab, doLowerCase);
    List<String> lines = Files.readAllLines(Shared.path(file), StandardCharsets.UTF_8);
    assertTrue(lines.size() > 300, "golden file has " + lines.size() + " lines");
    int checked = 0;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode node = json.readTree(lines.get(i));
      String text = node.get("text").asText();
      List<String> expected = new ArrayList<>();
      node.get("tokens").forEach(t -> expected.add(t.asText()));
      assertEquals(expected, tokenizer.tokenize(text), file + " line " + (i + 1) + ": " + text);
      int[] ids = tokenizer.tokenizeToIds(text);
      assertEquals(expected.size(), ids.length);
      for (int k = 0; k < ids.length; k++) {
        assertEquals(vocab.idOf(expected.get(k)), ids[k], file + " line " + (i + 1));
      }
      checked++;
    }
    assertEquals(lines.size(), checked);
  }
}
