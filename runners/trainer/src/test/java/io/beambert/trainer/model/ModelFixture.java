package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Small random batches for model tests: real tokens first, then padding. */
final class ModelFixture {
  final int batch;
  final int length;
  final int predictions;
  final long[] ids;
  final long[] types;
  final long[] mask;
  final long[] positions;
  final long[] labels;
  final float[] weights;
  final long[] nsp;

  /** {@code lengths[b]} real tokens in row b; {@code predictions} masked slots, the last unused. */
  ModelFixture(int vocab, int length, int predictions, long seed, int... lengths) {
    this.batch = lengths.length;
    this.length = length;
    this.predictions = predictions;
    Random r = new Random(seed);
    ids = new long[batch * length];
    types = new long[batch * length];
    mask = new long[batch * length];
    positions = new long[batch * predictions];
    labels = new long[batch * predictions];
    weights = new float[batch * predictions];
    nsp = new long[batch];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < lengths[b]; t++) {
        ids[b * length + t] = r.nextInt(vocab);
        types[b * length + t] = t >= lengths[b] / 2 ? 1 : 0;
        mask[b * length + t] = 1;
      }
      for (int p = 0; p < predictions - 1; p++) {
        positions[b * predictions + p] = 1 + p;
        labels[b * predictions + p] = r.nextInt(vocab);
        weights[b * predictions + p] = 1f;
      }
      nsp[b] = r.nextInt(2);
    }
  }

  NDList inputs(NDManager m) {
    Shape tokens = new Shape(batch, length);
    return new NDList(m.create(ids, tokens), m.create(types, tokens), m.create(mask, tokens),
        m.create(positions, new Shape(batch, predictions)));
  }

  NDArray labels(NDManager m) {
    return m.create(labels, new Shape(batch, predictions));
  }

  NDArray weights(NDManager m) {
    return m.create(weights, new Shape(batch, predictions));
  }

  NDArray nsp(NDManager m) {
    return m.create(nsp);
  }
}
