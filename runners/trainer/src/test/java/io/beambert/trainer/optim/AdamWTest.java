package io.beambert.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import io.beambert.trainer.hf.SafeTensors;
import io.beambert.trainer.model.Tensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {
  private static final float[] START = {0.5f, -1.0f, 2.0f};
  private static final float[] GRADIENT = {0.1f, -0.2f, 0.3f};

  private static Parameter parameter(NDManager m, String name) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(3)).optInitializer(Initializer.ZEROS).build();
    p.initialize(m, DataType.FLOAT32);
    Tensors.write(p, START);
    return p;
  }

  /** Sets each parameter's gradient to GRADIENT times {@code scale}, by backpropagating a dot product. */
  private static void gradients(NDManager m, float scale, Parameter... ps) {
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (Parameter p : ps) {
        NDArray term = p.getArray().mul(m.create(GRADIENT).mul(scale)).sum();
        loss = loss == null ? term : loss.add(term);
      }
      c.backward(loss);
    }
  }

  /** torch.optim.AdamW: decoupled decay, bias corrections, epsilon added to the corrected sqrt(v). */
  private static double[] expected(int steps, double lr, double wd, double scale) {
    double[] w = new double[3];
    double[] mean = new double[3];
    double[] var = new double[3];
    for (int i = 0; i < 3; i++) {
      w[i] = START[i];
    }
    for (int t = 1; t <= steps; t++) {
      double bc1 = 1 - Math.pow(0.9, t);
      double bc2 = 1 - Math.pow(0.999, t);
      for (int i = 0; i < 3; i++) {
        double g = GRADIENT[i] * scale;
        w[i] -= lr * wd * w[i];
        mean[i] = 0.9 * mean[i] + 0.1 * g;
        var[i] = 0.999 * var[i] + 0.001 * g * g;
        w[i] -= lr / bc1 * mean[i] / (Math.sqrt(var[i]) / Math.sqrt(bc2) + 1e-6);
      }
    }
    return w;
  }

  private static void assertClose(double[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6, "element " + i);
    }
  }

  @Test
  void updatesAsAdamWWithDecayOnlyWhereBertDecays() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter weight = parameter(m, "weight");
      Parameter norm = parameter(m, "norm");
      Map<String, Parameter> ps = new LinkedHashMap<>();
      ps.put("bert.pooler.dense.weight", weight);
      ps.put("bert.embeddings.LayerNorm.weight", norm);
      AdamW adam = new AdamW(ps, 0.1f);
      for (int step = 0; step < 3; step++) {
        gradients(m, 1f, weight, norm);
        assertEquals(Math.sqrt(2 * (0.01 + 0.04 + 0.09)), adam.gradientNorm(m), 1e-6);
        adam.step(0.01f, 1f, m);
      }
      assertEquals(3, adam.updates());
      assertClose(expected(3, 0.01, 0.1, 1), Tensors.read(weight));
      assertClose(expected(3, 0.01, 0.0, 1), Tensors.read(norm));
      assertEquals(0f, m.create(0f).add(adam.gradientNorm(m)).getFloat(), "gradients zeroed");
    }
    assertTrue(AdamW.decays("cls.predictions.transform.dense.weight"));
    assertFalse(AdamW.decays("cls.predictions.bias"));
    assertFalse(AdamW.decays("bert.encoder.layer.0.output.LayerNorm.weight"));
  }

  @Test
  void clippingScalesTheGradient() {
    // Adam is invariant to the gradient's scale except through epsilon, so the gradients here are
    // of epsilon's size, where the scale shows.
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter clipped = parameter(m, "clipped");
      new AdamWStep(clipped).run(m, 1e-5f, 0.25f);
      Parameter scaled = parameter(m, "scaled");
      new AdamWStep(scaled).run(m, 0.25e-5f, 1f);
      Parameter unclipped = parameter(m, "unclipped");
      new AdamWStep(unclipped).run(m, 1e-5f, 1f);
      assertArrayEquals(Tensors.read(scaled), Tensors.read(clipped), 1e-7f);
      assertTrue(Math.abs(Tensors.read(unclipped)[2] - Tensors.read(clipped)[2]) > 1e-4,
          "the clip scale changed the update");
    }
  }

  /** One AdamW step of a fresh optimizer on one parameter. */
  private record AdamWStep(Parameter p) {
    void run(NDManager m, float gradientScale, float clipScale) {
      AdamW adam = new AdamW(Map.of("w", p), 0f);
      gradients(m, gradientScale, p);
      adam.step(0.01f, clipScale, m);
    }
  }

  @Test
  void savedStateContinuesExactly(@TempDir Path tmp) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter a = parameter(m, "a");
      AdamW first = new AdamW(Map.of("x.weight", a), 0.01f);
      gradients(m, 1f, a);
      first.step(0.01f, 1f, m);
      Path file = tmp.resolve("opt.safetensors");
      SafeTensors.write(file, first.state(), Map.of());
      float[] afterOne = Tensors.read(a);

      Parameter b = parameter(m, "b");
      Tensors.write(b, afterOne);
      AdamW restored = new AdamW(Map.of("x.weight", b), 0.01f);
      restored.load(SafeTensors.open(file), first.updates());
      gradients(m, 1f, a);
      first.step(0.01f, 1f, m);
      gradients(m, 1f, b);
      restored.step(0.01f, 1f, m);
      assertArrayEquals(Tensors.read(a), Tensors.read(b));
      assertClose(expected(2, 0.01, 0.01, 1), Tensors.read(b));
    }
  }
}
