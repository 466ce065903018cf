package io.beambert.trainer.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hugging Face's name of every parameter of a model whose blocks are named as Hugging Face's
 * modules: the path of child names joined by dots, then the parameter's name.
 *
 * <p>The one translation is DJL's LayerNorm, whose parameters are {@code gamma} and {@code beta}
 * where PyTorch's are {@code weight} and {@code bias}. DJL prefixes each child's name with its
 * two-digit position ("01embeddings"); the prefix is dropped.
 */
public final class ParameterNames {
  private static final Map<String, String> RENAMED = Map.of("gamma", "weight", "beta", "bias");

  private ParameterNames() {}

  /** Parameters by Hugging Face name, in model order. */
  public static Map<String, Parameter> huggingFace(Block root) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect(root, "", out);
    return Collections.unmodifiableMap(out);
  }

  private static void collect(Block block, String prefix, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      String name = prefix + RENAMED.getOrDefault(p.getKey(), p.getKey());
      if (out.put(name, p.getValue()) != null) {
        throw new IllegalStateException("two parameters are named " + name);
      }
    }
    for (Pair<String, Block> child : block.getChildren()) {
      collect(child.getValue(), prefix + child.getKey().substring(2) + ".", out);
    }
  }
}
