package io.beambert.trainer.hf;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.text.Vocab;
import io.beambert.trainer.model.BertConfig;
import io.beambert.trainer.model.BertForPreTraining;
import io.beambert.trainer.model.Tensors;
import io.beambert.vocab.TokenizerJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Hugging Face model folder for BERT: {@code config.json} ({@code BertForPreTraining}), {@code
 * model.safetensors} with Hugging Face's parameter names, and the tokenizer ({@code vocab.txt},
 * {@code tokenizer.json}, {@code tokenizer_config.json}, {@code special_tokens_map.json}).
 *
 * <p>{@code transformers.BertForPreTraining.from_pretrained(dir)} and {@code
 * AutoTokenizer.from_pretrained(dir)} load what {@link #write} writes (tested in Python). {@link
 * #load} reads such a folder back, and also Hugging Face's own BERT checkpoints: LayerNorm
 * parameters named {@code gamma}/{@code beta}, {@code BertModel} checkpoints without the {@code
 * bert.} prefix, and checkpoints without the pretraining heads (these are then initialised afresh
 * and listed in the result).
 */
public final class HuggingFaceFolder {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String VOCAB = "vocab.txt";
  private static final String TOKENIZER = "tokenizer.json";
  private static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  private static final String SPECIAL_TOKENS = "special_tokens_map.json";
  /** Every file {@link #write} writes. */
  private static final List<String> FILES =
      List.of(CONFIG, WEIGHTS, VOCAB, TOKENIZER, TOKENIZER_CONFIG, SPECIAL_TOKENS);

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> SPECIAL = List.of("[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]");
  /** Hugging Face keys that hold no trainable value of ours: a buffer and the tied decoder. */
  private static final List<String> IGNORED =
      List.of("bert.embeddings.position_ids", "cls.predictions.decoder.weight",
          "cls.predictions.decoder.bias");

  private HuggingFaceFolder() {}

  /**
   * Writes the model and its tokenizer into {@code dir} (which must exist). The caller makes {@code
   * dir} a temporary folder and renames it when complete.
   */
  public static void write(Path dir, BertForPreTraining model, Vocab vocab, boolean doLowerCase)
      throws IOException {
    BertConfig config = model.config();
    if (vocab.size() != config.vocabSize()) {
      throw new IllegalArgumentException("the vocabulary has " + vocab.size()
          + " entries but the model " + config.vocabSize());
    }
    Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(configJson(config, vocab)));
    Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      tensors.put(e.getKey(), SafeTensors.Tensor.of(e.getValue().getArray()));
    }
    SafeTensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
    writeTokenizer(dir, vocab, doLowerCase, config.maxPositions());
  }

  private static ObjectNode configJson(BertConfig c, Vocab vocab) {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("architectures").add("BertForPreTraining");
    n.put("model_type", "bert");
    n.put("vocab_size", c.vocabSize());
    n.put("hidden_size", c.hiddenSize());
    n.put("num_hidden_layers", c.numLayers());
    n.put("num_attention_heads", c.numHeads());
    n.put("intermediate_size", c.intermediateSize());
    n.put("hidden_act", "gelu");
    n.put("hidden_dropout_prob", c.hiddenDropout());
    n.put("attention_probs_dropout_prob", c.attentionDropout());
    n.put("max_position_embeddings", c.maxPositions());
    n.put("type_vocab_size", c.typeVocabSize());
    n.put("initializer_range", c.initializerRange());
    n.put("layer_norm_eps", c.layerNormEps());
    n.put("pad_token_id", Math.max(vocab.idOf("[PAD]"), 0));
    n.put("position_embedding_type", "absolute");
    n.put("tie_word_embeddings", true);
    n.put("dtype", "float32");
    return n;
  }

  private static void writeTokenizer(Path dir, Vocab vocab, boolean doLowerCase, int maxLength)
      throws IOException {
    List<String> lines = new ArrayList<>(vocab.size());
    for (int i = 0; i < vocab.size(); i++) {
      lines.add(vocab.tokenAt(i));
    }
    Files.writeString(dir.resolve(VOCAB), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(TOKENIZER), TokenizerJson.of(lines, doLowerCase));
    ObjectNode special = JSON.createObjectNode();
    for (String token : SPECIAL) {
      if (vocab.contains(token)) {
        special.put(token.substring(1, token.length() - 1).toLowerCase(Locale.ROOT) + "_token", token);
      }
    }
    Files.writeString(dir.resolve(SPECIAL_TOKENS), JSON.writeValueAsString(special));
    ObjectNode config = special.deepCopy();
    config.put("tokenizer_class", "BertTokenizer");
    config.put("do_lower_case", doLowerCase);
    config.put("strip_accents", doLowerCase ? null : Boolean.FALSE);
    config.put("tokenize_chinese_chars", true);
    config.put("model_max_length", maxLength);
    config.put("clean_up_tokenization_spaces", false);
    Files.writeString(dir.resolve(TOKENIZER_CONFIG), JSON.writeValueAsString(config));
  }

  /**
   * Puts the Hugging Face files of a folder {@link #write} wrote into {@code dir} without writing
   * the model again: as hard links where the file system allows, else as copies. Files written
   * later are always new files, never rewritten in place, so the two folders cannot diverge.
   */
  public static void link(Path from, Path dir) throws IOException {
    for (String name : FILES) {
      Path source = from.resolve(name);
      try {
        Files.createLink(dir.resolve(name), source);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source, dir.resolve(name));
      }
    }
  }

  /**
   * The model sizes of a Hugging Face BERT folder's {@code config.json}.
   *
   * @throws IOException naming the folder when it is not a BERT checkpoint
   */
  public static BertConfig readConfig(Path dir) throws IOException {
    Path file = dir.resolve(CONFIG);
    if (!Files.isRegularFile(file)) {
      throw new IOException(dir + " is not a Hugging Face model folder: it has no " + CONFIG);
    }
    JsonNode n;
    try {
      n = JSON.readTree(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    String type = n.path("model_type").asText("");
    if (!type.equals("bert")) {
      throw new IOException(file + " describes a '" + type + "' model, not a BERT (model_type bert)");
    }
    String act = n.path("hidden_act").asText("gelu");
    if (!act.equals("gelu")) {
      throw new IOException(file + ": hidden_act '" + act + "' is not supported (only gelu)");
    }
    String positions = n.path("position_embedding_type").asText("absolute");
    if (!positions.equals("absolute")) {
      throw new IOException(file + ": position_embedding_type '" + positions
          + "' is not supported (only absolute)");
    }
    try {
      return new BertConfig(
          required(n, file, "vocab_size"), required(n, file, "hidden_size"),
          required(n, file, "num_hidden_layers"), required(n, file, "num_attention_heads"),
          required(n, file, "intermediate_size"), required(n, file, "max_position_embeddings"),
          n.path("type_vocab_size").asInt(2),
          (float) n.path("hidden_dropout_prob").asDouble(0.1),
          (float) n.path("attention_probs_dropout_prob").asDouble(0.1),
          (float) n.path("layer_norm_eps").asDouble(1e-12),
          (float) n.path("initializer_range").asDouble(0.02));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage());
    }
  }

  private static int required(JsonNode n, Path file, String key) throws IOException {
    JsonNode v = n.get(key);
    if (v == null || !v.canConvertToInt()) {
      throw new IOException(file + " has no integer " + key);
    }
    return v.asInt();
  }

  /**
   * Sets the model's parameters from the folder's {@code model.safetensors}.
   *
   * @return the names of the parameters the checkpoint lacks (a {@code BertModel} checkpoint has no
   *     pretraining heads): they keep their present values
   * @throws IOException naming the file and tensor when a tensor's shape differs from the model's,
   *     when an encoder parameter is missing, or when the file holds tensors this model has no place
   *     for
   */
  public static List<String> load(Path dir, BertForPreTraining model) throws IOException {
    Path file = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(file)) {
      String hint = Files.exists(dir.resolve("pytorch_model.bin"))
          ? " (it has pytorch_model.bin: save the model with safe_serialization=True)" : "";
      throw new IOException(dir + " has no " + WEIGHTS + hint);
    }
    SafeTensors.Reader reader = SafeTensors.open(file);
    Map<String, String> byOurName = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String key : reader.names()) {
      String ours = ourName(key);
      if (IGNORED.contains(ours)) {
        continue;
      }
      if (model.namedParameters().containsKey(ours)) {
        byOurName.put(ours, key);
      } else {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IOException(file + " holds tensors a BERT for pretraining has no place for: "
          + String.join(", ", unknown.subList(0, Math.min(5, unknown.size())))
          + (unknown.size() > 5 ? " and " + (unknown.size() - 5) + " more" : ""));
    }
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      String key = byOurName.get(e.getKey());
      if (key == null && e.getKey().equals("cls.predictions.bias")
          && reader.names().contains("cls.predictions.decoder.bias")) {
        key = "cls.predictions.decoder.bias";
      }
      if (key == null) {
        missing.add(e.getKey());
        continue;
      }
      long[] expected = e.getValue().getArray().getShape().getShape();
      long[] actual = reader.shape(key);
      if (!Arrays.equals(expected, actual)) {
        throw new IOException(file + ": tensor " + key + " has shape " + Arrays.toString(actual)
            + " but the model expects " + Arrays.toString(expected));
      }
      Tensors.write(e.getValue(), reader.floats(key));
    }
    for (String name : missing) {
      if (!name.startsWith("cls.") && !name.startsWith("bert.pooler.")) {
        throw new IOException(file + " lacks the encoder parameter " + name);
      }
    }
    return missing;
  }

  /** Hugging Face's key as our parameter name: old LayerNorm names, a missing {@code bert.} prefix. */
  static String ourName(String key) {
    String name = key.replace("LayerNorm.gamma", "LayerNorm.weight").replace("LayerNorm.beta", "LayerNorm.bias");
    if (name.startsWith("embeddings.") || name.startsWith("encoder.") || name.startsWith("pooler.")) {
      name = "bert." + name;
    }
    return name;
  }
}
