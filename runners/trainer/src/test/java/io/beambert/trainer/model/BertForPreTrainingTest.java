package io.beambert.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.beambert.trainer.optim.AdamW;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BertForPreTrainingTest {
  private static final int VOCAB = 300;
  private NDManager manager;
  private BertForPreTraining model;
  private ParameterStore store;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    model = BertForPreTraining.create(
        new BertConfig(VOCAB, 32, 2, 4, 64, 40, 2, 0.1f, 0.1f, 1e-12f, 0.02f), manager, 7);
    store = new ParameterStore(manager, false);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void parametersCarryHuggingFaceNames() {
    List<String> names = new ArrayList<>(model.namedParameters().keySet());
    assertEquals(2 * 16 + 5 + 2 + 5 + 2, names.size(), names.toString());
    assertEquals("bert.embeddings.word_embeddings.weight", names.get(0));
    for (String expected : List.of(
        "bert.embeddings.position_embeddings.weight",
        "bert.embeddings.token_type_embeddings.weight",
        "bert.embeddings.LayerNorm.weight",
        "bert.encoder.layer.1.attention.self.query.weight",
        "bert.encoder.layer.1.attention.output.LayerNorm.bias",
        "bert.encoder.layer.0.intermediate.dense.weight",
        "bert.encoder.layer.0.output.dense.bias",
        "bert.pooler.dense.weight",
        "cls.predictions.bias",
        "cls.predictions.transform.dense.weight",
        "cls.predictions.transform.LayerNorm.weight",
        "cls.seq_relationship.weight")) {
      assertTrue(names.contains(expected), expected + " missing from " + names);
    }
    assertEquals(model.config().parameterCount(), model.namedParameters().values().stream()
        .mapToLong(p -> p.getArray().size()).sum());
  }

  @Test
  void initialisationIsBertsAndSeeded() {
    float[] w = Tensors.read(model.namedParameters().get("bert.encoder.layer.0.attention.self.key.weight"));
    double sum = 0;
    double squares = 0;
    for (float x : w) {
      assertTrue(Math.abs(x) <= 0.04f, "beyond 2 standard deviations: " + x);
      sum += x;
      squares += x * x;
    }
    double std = Math.sqrt(squares / w.length - Math.pow(sum / w.length, 2));
    // A normal truncated at 2 standard deviations keeps 0.88 of its standard deviation.
    assertEquals(0.02 * 0.8796, std, 0.0015);
    assertArrayEquals(new float[32], Tensors.read(model.namedParameters().get("bert.pooler.dense.bias")));
    float[] ones = new float[32];
    java.util.Arrays.fill(ones, 1f);
    assertArrayEquals(ones, Tensors.read(model.namedParameters().get("bert.embeddings.LayerNorm.weight")));
    try (NDManager other = NDManager.newBaseManager()) {
      BertForPreTraining again = BertForPreTraining.create(model.config(), other, 7);
      assertArrayEquals(w, Tensors.read(again.namedParameters()
          .get("bert.encoder.layer.0.attention.self.key.weight")));
    }
  }

  private NDList forward(ModelFixture f, NDManager m) {
    return model.forward(store, f.inputs(m), false);
  }

  @Test
  void paddedPositionsChangeNothingAtRealPositions() {
    ModelFixture f = new ModelFixture(VOCAB, 24, 4, 1, 24, 10, 5);
    try (NDManager m = manager.newSubManager()) {
      NDList before = forward(f, m);
      java.util.Random r = new java.util.Random(2);
      for (int i = 0; i < f.ids.length; i++) {
        if (f.mask[i] == 0) {
          f.ids[i] = r.nextInt(VOCAB);
          f.types[i] = r.nextInt(2);
        }
      }
      NDList after = forward(f, m);
      assertArrayEquals(before.get(0).toFloatArray(), after.get(0).toFloatArray(), 1e-5f);
      assertArrayEquals(before.get(1).toFloatArray(), after.get(1).toFloatArray(), 1e-5f);
    }
  }

  @Test
  void moreTrailingPaddingChangesNothing() {
    ModelFixture shorter = new ModelFixture(VOCAB, 16, 4, 3, 16, 9);
    ModelFixture longer = new ModelFixture(VOCAB, 32, 4, 3, 16, 9);
    try (NDManager m = manager.newSubManager()) {
      NDList a = forward(shorter, m);
      NDList b = forward(longer, m);
      assertArrayEquals(a.get(0).toFloatArray(), b.get(0).toFloatArray(), 1e-5f);
      assertArrayEquals(a.get(1).toFloatArray(), b.get(1).toFloatArray(), 1e-5f);
    }
  }

  @Test
  void batchSizeOneGivesTheRowOfALargerBatch() {
    ModelFixture two = new ModelFixture(VOCAB, 16, 3, 4, 12, 16);
    ModelFixture one = new ModelFixture(VOCAB, 16, 3, 4, 12);
    try (NDManager m = manager.newSubManager()) {
      NDList a = forward(two, m);
      NDList b = forward(one, m);
      assertEquals(new Shape(1, 3, VOCAB), b.get(0).getShape());
      assertEquals(new Shape(1, 2), b.get(1).getShape());
      assertArrayEquals(a.get(0).get("0:1").toFloatArray(), b.get(0).toFloatArray(), 1e-5f);
      assertArrayEquals(a.get(1).get("0:1").toFloatArray(), b.get(1).toFloatArray(), 1e-5f);
      // and it trains
      PretrainingLoss.Parts parts;
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDList out = model.forward(store, one.inputs(m), true);
        parts = PretrainingLoss.compute(out.get(0), out.get(1), one.labels(m), one.weights(m), one.nsp(m));
        c.backward(parts.total());
      }
      assertTrue(Double.isFinite(parts.stats().loss()));
      new AdamW(model.namedParameters(), 0.01f).zeroGradients();
    }
  }

  @Test
  void maskedLogitsAreTheLogitsAtTheMaskedPositions() {
    ModelFixture f = new ModelFixture(VOCAB, 8, 3, 5, 8, 8);
    f.positions[0] = 6;
    f.positions[1] = 2;
    f.positions[3] = 5;
    ModelFixture all = new ModelFixture(VOCAB, 8, 8, 5, 8, 8);
    System.arraycopy(f.ids, 0, all.ids, 0, f.ids.length);
    System.arraycopy(f.types, 0, all.types, 0, f.types.length);
    for (int b = 0; b < 2; b++) {
      for (int p = 0; p < 8; p++) {
        all.positions[b * 8 + p] = p;
      }
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray some = forward(f, m).get(0);
      NDArray every = forward(all, m).get(0);
      for (int b = 0; b < 2; b++) {
        for (int p = 0; p < 3; p++) {
          long position = f.positions[b * 3 + p];
          assertArrayEquals(every.get(b + "," + position).toFloatArray(),
              some.get(b + "," + p).toFloatArray(), 1e-6f, "row " + b + " slot " + p);
        }
      }
    }
  }

  @Test
  void labelsOfWeightZeroSlotsDoNotCount() {
    ModelFixture f = new ModelFixture(VOCAB, 16, 5, 6, 16, 11, 7);
    try (NDManager m = manager.newSubManager()) {
      NDList out = forward(f, m);
      PretrainingLoss.Stats before = PretrainingLoss.compute(out.get(0), out.get(1), f.labels(m),
          f.weights(m), f.nsp(m)).stats();
      java.util.Random r = new java.util.Random(9);
      for (int i = 0; i < f.labels.length; i++) {
        if (f.weights[i] == 0) {
          f.labels[i] = r.nextInt(VOCAB);
        }
      }
      PretrainingLoss.Stats after = PretrainingLoss.compute(out.get(0), out.get(1), f.labels(m),
          f.weights(m), f.nsp(m)).stats();
      assertEquals(before, after);
      f.labels[0] = (f.labels[0] + 1) % VOCAB; // a real slot's label does count
      PretrainingLoss.Stats changed = PretrainingLoss.compute(out.get(0), out.get(1), f.labels(m),
          f.weights(m), f.nsp(m)).stats();
      assertTrue(changed.mlmNll() != before.mlmNll());
      assertEquals(12, before.mlmCount(), 1e-6);
    }
  }

  @Test
  void nextSentenceLabelsMustBeOneDimensional() {
    ModelFixture f = new ModelFixture(VOCAB, 8, 2, 8, 8, 8);
    try (NDManager m = manager.newSubManager()) {
      NDList out = forward(f, m);
      NDArray twoD = f.nsp(m).reshape(2, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PretrainingLoss.compute(out.get(0), out.get(1), f.labels(m), f.weights(m), twoD));
      assertTrue(e.getMessage().contains("1-D"), e.getMessage());
    }
  }

  /** Gradients of every parameter, by name. */
  private Map<String, float[]> gradients() {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    model.namedParameters().forEach((name, p) -> {
      try (NDArray g = p.getArray().getGradient()) {
        out.put(name, g.toFloatArray());
      }
    });
    return out;
  }

  private void backward(NDManager m, ModelFixture f, float scale) {
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      NDList out = model.forward(store, f.inputs(m), true);
      c.backward(PretrainingLoss.compute(out.get(0), out.get(1), f.labels(m), f.weights(m), f.nsp(m))
          .total().mul(scale));
    }
  }

  @Test
  void gradientsOfMicroBatchesAccumulate() {
    // The trainer's accumulation: each micro-batch's loss divided by their number, gradients summed
    // by successive backward passes (DJL's collector does not zero them). Dropout off, so that each
    // pass computes the same function.
    BertForPreTraining noDropout = BertForPreTraining.create(
        model.config().withDropout(0f, 0f), manager, 7);
    model = noDropout;
    store = new ParameterStore(manager, false);
    AdamW zeroer = new AdamW(model.namedParameters(), 0f);
    ModelFixture a = new ModelFixture(VOCAB, 16, 4, 11, 16, 12);
    ModelFixture b = new ModelFixture(VOCAB, 16, 4, 12, 9, 16);
    try (NDManager m = manager.newSubManager()) {
      backward(m, a, 1f);
      Map<String, float[]> ga = gradients();
      zeroer.zeroGradients();
      backward(m, b, 1f);
      Map<String, float[]> gb = gradients();
      zeroer.zeroGradients();
      backward(m, a, 0.5f);
      backward(m, b, 0.5f);
      Map<String, float[]> accumulated = gradients();
      zeroer.zeroGradients();
      for (String name : ga.keySet()) {
        float[] expected = new float[ga.get(name).length];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = (ga.get(name)[i] + gb.get(name)[i]) / 2;
        }
        assertArrayEquals(expected, accumulated.get(name), 1e-6f, name);
      }
      float[] bias = ga.get("cls.seq_relationship.bias");
      assertTrue(bias[0] != 0 || bias[1] != 0, "the gradients compared are not all zero");
    }
  }

  @Test
  void overfitsOneBatch() {
    ModelFixture f = new ModelFixture(VOCAB, 16, 6, 10, 16, 14, 12, 9);
    AdamW adam = new AdamW(model.namedParameters(), 0f);
    PretrainingLoss.Stats first = null;
    PretrainingLoss.Stats last = null;
    for (int step = 0; step < 150; step++) {
      try (NDManager m = manager.newSubManager()) {
        PretrainingLoss.Parts parts;
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
          NDList out = model.forward(store, f.inputs(m), true);
          parts = PretrainingLoss.compute(out.get(0), out.get(1), f.labels(m), f.weights(m), f.nsp(m));
          c.backward(parts.total());
        }
        last = parts.stats();
        if (first == null) {
          first = last;
        }
        adam.step(3e-3f, 1f, m);
      }
    }
    assertTrue(last.mlmAccuracy() == 1.0, "masked-LM accuracy on the memorised batch: " + last);
    assertTrue(last.nspAccuracy() == 1.0, "next-sentence accuracy: " + last);
    assertTrue(last.loss() < 0.1 * first.loss(), first + " -> " + last);
  }
}
