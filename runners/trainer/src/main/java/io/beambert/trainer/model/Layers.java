package io.beambert.trainer.model;

import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

/** The DJL primitives BERT is built from, configured as BERT uses them. */
final class Layers {
  private Layers() {}

  /** LayerNorm over the last axis of a (batch, length, hidden) input, with the model's epsilon. */
  static LayerNorm layerNorm(BertConfig config) {
    return LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build();
  }

  static Linear dense(long units) {
    return Linear.builder().setUnits(units).build();
  }

  static Dropout dropout(float rate) {
    return Dropout.builder().optRate(rate).build();
  }
}
