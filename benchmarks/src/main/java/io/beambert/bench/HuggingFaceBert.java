package io.beambert.bench;

import ai.djl.huggingface.tokenizers.jni.LibUtils;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face baseline of the tokenizer benchmarks: a {@code tokenizer.json} equivalent to our
 * uncased {@code BertTokenizer} and the raw calls of the DJL binding that return only the ids.
 *
 * <p>The configuration: {@code BertNormalizer} (clean text, CJK spacing, lower-casing and accent
 * stripping), {@code BertPreTokenizer}, {@code WordPiece} with {@code max_input_chars_per_word =
 * 200} (the reference's value), no added tokens (so {@code [CLS]} in the text is split like any
 * other text, as the reference does), no post-processor, no truncation, no padding.
 */
final class HuggingFaceBert {
  private HuggingFaceBert() {}

  /** The benchmark texts: ordinary English, or the golden sample plus the edge-case corpus. */
  static List<String> sourceLines(String text) throws IOException {
    Path shared = Paths.get(System.getProperty("beambert.shared", "../shared"));
    List<String> source = new ArrayList<>();
    switch (text) {
      case "english":
        source.addAll(Files.readAllLines(Paths.get(
            System.getProperty("beambert.english", "data/sample/sample-corpus.txt"))));
        break;
      case "edge":
        source.addAll(Files.readAllLines(shared.resolve("golden/sample_text.txt")));
        source.addAll(Files.readAllLines(shared.resolve("golden/edge_corpus.txt")));
        break;
      default:
        throw new IllegalArgumentException("text must be english or edge: " + text);
    }
    return source;
  }

  /** The golden uncased vocabulary. */
  static Path vocabFile() {
    return Paths.get(System.getProperty("beambert.shared", "../shared"))
        .resolve("golden/vocab-bert-base-uncased.txt");
  }

  /** UTF-8 size of the lines, counting one newline per line. */
  static long utf8Bytes(List<String> lines) {
    long bytes = 0;
    for (String line : lines) {
      bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return bytes;
  }

  /** A native tokenizer handle for {@link #tokenizerJson}; free it with {@code deleteTokenizer}. */
  static long createRaw(Vocab vocab) {
    LibUtils.checkStatus();
    return TokenizersLibrary.LIB.createTokenizerFromString(tokenizerJson(vocab));
  }

  /** Ids of {@code text} without special tokens: encode, copy the ids, free the encoding. */
  static long[] ids(long handle, String text) {
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long encoding = lib.encode(handle, text, false);
    try {
      return lib.getTokenIds(encoding);
    } finally {
      lib.deleteEncoding(encoding);
    }
  }

  /** Whether the two id sequences are equal, id for id. */
  static boolean sameIds(int[] ours, long[] theirs) {
    if (ours.length != theirs.length) {
      return false;
    }
    for (int i = 0; i < ours.length; i++) {
      if (ours[i] != theirs[i]) {
        return false;
      }
    }
    return true;
  }

  static String tokenizerJson(Vocab vocab) {
    StringBuilder json = new StringBuilder(1 << 20);
    json.append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],")
        .append("\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,")
        .append("\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true},")
        .append("\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":null,")
        .append("\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},")
        .append("\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",")
        .append("\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":200,")
        .append("\"vocab\":{");
    boolean first = true;
    for (int id = 0; id < vocab.size(); id++) {
      String token = vocab.tokenAt(id);
      if (vocab.idOf(token) != id) {
        continue;
      }
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(json, token).append(':').append(id);
    }
    return json.append("}}}").toString();
  }

  private static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"');
  }
}
