package io.beambert.trainer.model;

import java.util.Locale;
import java.util.Map;

/**
 * The sizes and constants of a BERT model, as Hugging Face's {@code BertConfig} names them.
 *
 * <p>Presets are Google's BERT sizes ({@code tiny} to {@code medium} are the "BERT miniatures" of
 * Turc et al.): every preset uses a feed-forward size of 4x the hidden size and heads of 64.
 *
 * @param vocabSize rows of the word embedding and of the masked-LM output
 * @param hiddenSize width of every layer
 * @param numLayers encoder layers
 * @param numHeads attention heads; must divide {@code hiddenSize}
 * @param intermediateSize feed-forward width
 * @param maxPositions rows of the position embedding: the longest sequence the model takes
 * @param typeVocabSize rows of the token-type (segment) embedding; 2 for BERT
 * @param hiddenDropout dropout after embeddings and after each sublayer
 * @param attentionDropout dropout on the attention probabilities
 * @param layerNormEps epsilon of every LayerNorm
 * @param initializerRange standard deviation of the truncated normal initialisation
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    float hiddenDropout,
    float attentionDropout,
    float layerNormEps,
    float initializerRange) {

  /** Layers, hidden size and heads of each preset, in size order. */
  public static final Map<String, int[]> PRESETS =
      Map.of(
          "tiny", new int[] {2, 128, 2},
          "mini", new int[] {4, 256, 4},
          "small", new int[] {4, 512, 8},
          "medium", new int[] {8, 512, 8},
          "base", new int[] {12, 768, 12},
          "large", new int[] {24, 1024, 16});

  /** Preset names in size order, for help texts. */
  public static final String PRESET_NAMES = "tiny, mini, small, medium, base, large";

  public BertConfig {
    check(vocabSize >= 1, "vocabulary size", vocabSize);
    check(hiddenSize >= 1, "hidden size", hiddenSize);
    check(numLayers >= 1, "number of layers", numLayers);
    check(numHeads >= 1, "number of attention heads", numHeads);
    check(intermediateSize >= 1, "intermediate size", intermediateSize);
    check(maxPositions >= 1, "maximum positions", maxPositions);
    check(typeVocabSize >= 1, "token type vocabulary size", typeVocabSize);
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "the hidden size (" + hiddenSize + ") must be a multiple of the number of attention heads ("
              + numHeads + ")");
    }
    checkRate(hiddenDropout, "hidden dropout");
    checkRate(attentionDropout, "attention dropout");
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("layer norm epsilon must be above 0, got " + layerNormEps);
    }
    if (!(initializerRange > 0)) {
      throw new IllegalArgumentException("initializer range must be above 0, got " + initializerRange);
    }
  }

  /**
   * A preset's sizes with BERT's constants: dropout 0.1, LayerNorm epsilon 1e-12, initializer range
   * 0.02, two token types.
   *
   * @throws IllegalArgumentException naming the presets when {@code name} is none of them
   */
  public static BertConfig preset(String name, int vocabSize, int maxPositions) {
    int[] sizes = PRESETS.get(name.toLowerCase(Locale.ROOT));
    if (sizes == null) {
      throw new IllegalArgumentException(
          "unknown model preset '" + name + "' (choose one of " + PRESET_NAMES + ")");
    }
    return new BertConfig(
        vocabSize, sizes[1], sizes[0], sizes[2], 4 * sizes[1], maxPositions, 2, 0.1f, 0.1f, 1e-12f,
        0.02f);
  }

  /** Width of one attention head. */
  public int headSize() {
    return hiddenSize / numHeads;
  }

  public BertConfig withSizes(int layers, int hidden, int heads, int intermediate) {
    return new BertConfig(vocabSize, hidden, layers, heads, intermediate, maxPositions,
        typeVocabSize, hiddenDropout, attentionDropout, layerNormEps, initializerRange);
  }

  public BertConfig withDropout(float hidden, float attention) {
    return new BertConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
        maxPositions, typeVocabSize, hidden, attention, layerNormEps, initializerRange);
  }

  /** Number of trainable values (the tied decoder counted once). */
  public long parameterCount() {
    long h = hiddenSize;
    long embeddings = (long) (vocabSize + maxPositions + typeVocabSize) * h + 2 * h;
    long layer = 4 * (h * h + h) + 2 * h + (h * intermediateSize + intermediateSize)
        + (intermediateSize * h + h) + 2 * h;
    long pooler = h * h + h;
    long heads = (h * h + h) + 2 * h + vocabSize + (2 * h + 2);
    return embeddings + numLayers * layer + pooler + heads;
  }

  private static void check(boolean ok, String what, int value) {
    if (!ok) {
      throw new IllegalArgumentException("the " + what + " must be at least 1, got " + value);
    }
  }

  private static void checkRate(float rate, String what) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1), got " + rate);
    }
  }
}
