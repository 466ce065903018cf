package io.beambert.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test
  void warmupThenEachShape() {
    LearningRateSchedule linear = new LearningRateSchedule("linear", 1e-3f, 10, 110);
    assertEquals(0f, linear.at(0));
    assertEquals(5e-4f, linear.at(5), 1e-9);
    assertEquals(1e-3f, linear.at(10), 1e-9);
    assertEquals(5e-4f, linear.at(60), 1e-9);
    assertEquals(0f, linear.at(110), 1e-9);
    assertEquals(0f, linear.at(200), 1e-9);
    LearningRateSchedule constant = new LearningRateSchedule("constant", 1e-3f, 10, 110);
    assertEquals(1e-4f, constant.at(1), 1e-9);
    assertEquals(1e-3f, constant.at(100), 1e-9);
    LearningRateSchedule cosine = new LearningRateSchedule("COSINE", 1e-3f, 0, 100);
    assertEquals(1e-3f, cosine.at(0), 1e-9);
    assertEquals(5e-4f, cosine.at(50), 1e-9);
    assertEquals(0f, cosine.at(100), 1e-9);
  }

  @Test
  void refusesBadValues() {
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule("step", 1e-3f, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule("linear", 0f, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule("linear", 1f, -1, 2));
  }
}
