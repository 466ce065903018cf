package io.beambert.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.testing.Shared;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loads the written tokenizer.json with Hugging Face tokenizers (Rust, through DJL). */
class TokenizerJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource({"uncased.jsonl,true", "cased.jsonl,false"})
  void huggingFaceTokenizesTheGoldenLinesAsTheReference(
      String golden, boolean doLowerCase, @TempDir Path dir) throws Exception {
    List<String> vocab =
        Files.readAllLines(
            Shared.path("golden/vocab-bert-base-uncased.txt"), StandardCharsets.UTF_8);
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, TokenizerJson.of(vocab, doLowerCase), StandardCharsets.UTF_8);

    int lines = 0;
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
      for (String line :
          Files.readAllLines(Shared.path("golden/tokenize/" + golden), StandardCharsets.UTF_8)) {
        JsonNode node = JSON.readTree(line);
        List<String> expected = new ArrayList<>();
        node.get("tokens").forEach(t -> expected.add(t.asText()));
        String text = node.get("text").asText();
        Encoding encoding = hf.encode(text, false, false);
        assertEquals(expected, Arrays.asList(encoding.getTokens()), text);
        lines++;
      }
    }
    assertTrue(lines > 300, "golden lines read: " + lines);
  }

  @Test
  void finalSigmaIsTheDocumentedDifferenceFromTheReference(@TempDir Path dir) throws Exception {
    List<String> vocab = new ArrayList<>(WordPieceLearner.SPECIAL_TOKENS);
    vocab.addAll(List.of("ο", "##δ", "##υ", "##σ", "##ε", "##ς"));
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, TokenizerJson.of(vocab, true), StandardCharsets.UTF_8);
    String word = "ΟΔΥΣΣΕΥΣ";
    List<String> head = List.of("ο", "##δ", "##υ", "##σ", "##σ", "##ε", "##υ");
    List<String> reference = new ArrayList<>(head);
    reference.add("##ς");
    assertEquals(
        reference,
        new io.beambert.text.BertTokenizer(io.beambert.text.Vocab.of(vocab), true).tokenize(word));
    List<String> huggingFace = new ArrayList<>(head);
    huggingFace.add("##σ");
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
      assertEquals(huggingFace, Arrays.asList(hf.encode(word, false, false).getTokens()));
    }
  }

  @Test
  void addsTheClsSepTemplateWithVocabularyIds(@TempDir Path dir) throws Exception {
    List<String> vocab = new ArrayList<>(WordPieceLearner.SPECIAL_TOKENS);
    vocab.addAll(List.of("a", "b", "##b", "ab"));
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, TokenizerJson.of(vocab, true), StandardCharsets.UTF_8);
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
      Encoding single = hf.encode("AB abb c");
      assertEquals(
          List.of("[CLS]", "ab", "ab", "##b", "[UNK]", "[SEP]"),
          Arrays.asList(single.getTokens()));
      assertEquals(List.of(2L, 8L, 8L, 7L, 1L, 3L), boxed(single.getIds()));
      Encoding pair = hf.encode("a", "b");
      assertEquals(List.of(2L, 5L, 3L, 6L, 3L), boxed(pair.getIds()));
      assertEquals(List.of(0L, 0L, 0L, 1L, 1L), boxed(pair.getTypeIds()));
    }
  }

  @Test
  void isDeterministicAndRejectsAVocabularyWithoutSpecials() {
    List<String> vocab = new ArrayList<>(WordPieceLearner.SPECIAL_TOKENS);
    vocab.add("x");
    assertEquals(TokenizerJson.of(vocab, true), TokenizerJson.of(new ArrayList<>(vocab), true));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TokenizerJson.of(List.of("a", "[CLS]"), true));
    assertTrue(e.getMessage().contains("[UNK]"), e.getMessage());
  }

  private static List<Long> boxed(long[] values) {
    List<Long> out = new ArrayList<>();
    for (long v : values) {
      out.add(v);
    }
    return out;
  }
}
