package io.beambert.bench;

import io.beambert.random.PythonRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of seeding (per-element streams) and of the draws the instance algorithms make. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RandomBench {
  private final PythonRandom rng = new PythonRandom(12345);
  private int counter;

  /** Seeding from a long. */
  @Benchmark
  public PythonRandom seedLong() {
    return new PythonRandom(counter++);
  }

  /** One random(): two MT words. */
  @Benchmark
  public double random() {
    return rng.random();
  }

  /** One M4 draw: randint(0, 30521). */
  @Benchmark
  public int randintVocab() {
    return rng.randint(0, 30521);
  }
}
