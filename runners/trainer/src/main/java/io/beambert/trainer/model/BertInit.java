package io.beambert.trainer.model;

import ai.djl.nn.Parameter;
import io.beambert.random.Hashes;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * BERT's initialisation: every weight matrix and embedding table from a normal distribution with
 * standard deviation {@code range}, redrawn outside two standard deviations (TensorFlow's {@code
 * truncated_normal_initializer}, as Google's {@code modeling.py} uses); LayerNorm weights 1; every
 * bias 0.
 *
 * <p>Each parameter draws from its own stream keyed by (seed, its name), so values depend only on
 * the seed and the name, not on the order of the blocks or the device.
 */
public final class BertInit {
  private BertInit() {}

  public static void initialize(Map<String, Parameter> parameters, float range, long seed) {
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      String name = e.getKey();
      Parameter p = e.getValue();
      float[] values = new float[Math.toIntExact(p.getArray().size())];
      if (name.endsWith("LayerNorm.weight")) {
        Arrays.fill(values, 1f);
      } else if (name.endsWith(".weight")) {
        truncatedNormal(values, range, Hashes.splitMix64(seed ^ Hashes.fnv1a64(name)));
      } // biases and LayerNorm biases stay 0
      Tensors.write(p, values);
    }
  }

  static void truncatedNormal(float[] values, float std, long key) {
    SplittableRandom random = new SplittableRandom(key);
    for (int i = 0; i < values.length; i++) {
      double x;
      do {
        x = random.nextGaussian();
      } while (x < -2 || x > 2);
      values[i] = (float) (x * std);
    }
  }
}
