package io.beambert.vocab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.text.BertTokenizer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face {@code tokenizer.json} that tokenizes as BERT's reference tokenizer does
 * with a given vocabulary.
 *
 * <p>Pipeline: {@code BertNormalizer} (clean text, CJK spacing, lowercase and accent stripping when
 * uncased), {@code BertPreTokenizer}, {@code WordPiece} with the {@code ##} prefix, {@code [UNK]} and
 * at most {@value BertTokenizer#MAX_INPUT_CHARS_PER_WORD} characters per word (the reference's
 * limit, where Hugging Face's default is 100), and a {@code [CLS] A [SEP]} / {@code [CLS] A [SEP] B
 * [SEP]} template.
 *
 * <p>The special tokens are deliberately not registered as "added tokens": Hugging Face would then
 * match the literal text {@code [MASK]} in the input as one token, while the reference splits it
 * into {@code [}, {@code mask}, {@code ]}.
 *
 * <p>Known differences from the reference (Hugging Face's normalizer cannot express them), so the
 * pieces are the same for almost every input, not for every input:
 *
 * <ul>
 *   <li>Final sigma, when lower-casing: Hugging Face lower-cases character by character, so a
 *       capital sigma at the end of a word becomes {@code σ}, while Python's {@code str.lower()}
 *       (the reference, and {@link BertTokenizer}) makes it {@code ς}: {@code "ΟΔΥΣΣΕΥΣ"} ends in
 *       {@code ##σ} with Hugging Face and in {@code ##ς} with the reference.
 *   <li>Characters whose Unicode properties (category, case mapping, decomposition) differ between
 *       Unicode 14.0 (Python 3.11, the reference) and the Unicode tables compiled into Hugging Face's
 *       Rust library, notably characters added after Unicode 14.0, may be split, cased or stripped
 *       differently.
 * </ul>
 *
 * <p>The output is deterministic: the same vocabulary and casing give the same bytes.
 */
public final class TokenizerJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TokenizerJson() {}

  /**
   * Returns the {@code tokenizer.json} content for a vocabulary in id order.
   *
   * @throws IllegalArgumentException when the vocabulary lacks {@code [UNK]}, {@code [CLS]} or
   *     {@code [SEP]}
   */
  public static String of(List<String> vocab, boolean doLowerCase) {
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < vocab.size(); i++) {
      ids.put(vocab.get(i), i); // last occurrence wins, as in the reference's vocab dict
    }
    for (String required : List.of("[UNK]", "[CLS]", "[SEP]")) {
      if (!ids.containsKey(required)) {
        throw new IllegalArgumentException("vocabulary lacks the special token " + required);
      }
    }
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.putArray("added_tokens");

    ObjectNode normalizer = root.putObject("normalizer");
    normalizer.put("type", "BertNormalizer");
    normalizer.put("clean_text", true);
    normalizer.put("handle_chinese_chars", true);
    normalizer.put("strip_accents", doLowerCase);
    normalizer.put("lowercase", doLowerCase);

    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");

    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, "[CLS]", 0);
    sequence(single, "A", 0);
    special(single, "[SEP]", 0);
    ArrayNode pair = post.putArray("pair");
    special(pair, "[CLS]", 0);
    sequence(pair, "A", 0);
    special(pair, "[SEP]", 0);
    sequence(pair, "B", 1);
    special(pair, "[SEP]", 1);
    ObjectNode specials = post.putObject("special_tokens");
    for (String token : List.of("[CLS]", "[SEP]")) {
      ObjectNode entry = specials.putObject(token);
      entry.put("id", token);
      entry.putArray("ids").add(ids.get(token));
      entry.putArray("tokens").add(token);
    }

    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "WordPiece");
    decoder.put("prefix", WordPieceLearner.CONTINUATION_PREFIX);
    decoder.put("cleanup", true);

    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece");
    model.put("unk_token", "[UNK]");
    model.put("continuing_subword_prefix", WordPieceLearner.CONTINUATION_PREFIX);
    model.put("max_input_chars_per_word", BertTokenizer.MAX_INPUT_CHARS_PER_WORD);
    ObjectNode vocabNode = model.putObject("vocab");
    for (int i = 0; i < vocab.size(); i++) {
      if (ids.get(vocab.get(i)) == i) {
        vocabNode.put(vocab.get(i), i);
      }
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize tokenizer.json", e);
    }
  }

  private static void special(ArrayNode template, String token, int typeId) {
    ObjectNode inner = template.addObject().putObject("SpecialToken");
    inner.put("id", token);
    inner.put("type_id", typeId);
  }

  private static void sequence(ArrayNode template, String id, int typeId) {
    ObjectNode inner = template.addObject().putObject("Sequence");
    inner.put("id", id);
    inner.put("type_id", typeId);
  }
}
