package io.beambert.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Copies parameter values between Java arrays and a model's parameters. */
public final class Tensors {
  private Tensors() {}

  /** The values of a float32 parameter, in row-major order. */
  public static float[] read(Parameter p) {
    return p.getArray().toFloatArray();
  }

  /**
   * Replaces the values of a parameter with {@code values} (row-major, its size), keeping its
   * shape, device and gradient.
   *
   * @throws IllegalArgumentException when the sizes differ
   */
  public static void write(Parameter p, float[] values) {
    write(p.getArray(), values);
  }

  /** Replaces the values of an array in place of its storage (see {@link #write(Parameter, float[])}). */
  public static void write(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new IllegalArgumentException(
          target.getName() + ": " + values.length + " values for shape " + target.getShape());
    }
    ByteBuffer buffer =
        ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
    buffer.asFloatBuffer().put(values);
    NDManager manager = target.getManager();
    // PyTorch's CPU arrays made from a buffer borrow the buffer's memory; the copy owns its own,
    // so the parameter outlives the buffer.
    try (NDArray view = manager.create(buffer, target.getShape(), target.getDataType())) {
      NDArray owned = view.duplicate();
      boolean grad = target.hasGradient();
      target.intern(owned);
      if (grad) {
        target.setRequiresGradient(true);
      }
    }
  }
}
