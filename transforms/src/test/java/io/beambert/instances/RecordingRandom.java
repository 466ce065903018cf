package io.beambert.instances;

import io.beambert.random.PythonRandom;
import io.beambert.random.RandomSource;
import java.util.ArrayList;
import java.util.List;

/** A RandomSource that delegates to a PythonRandom and records each call as text. */
final class RecordingRandom implements RandomSource {
  final List<String> calls = new ArrayList<>();
  private final RandomSource delegate;

  RecordingRandom(long seed) {
    this(new PythonRandom(seed));
  }

  RecordingRandom(RandomSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public double random() {
    calls.add("random");
    return delegate.random();
  }

  @Override
  public int randint(int a, int b) {
    calls.add("randint(" + a + "," + b + ")");
    return delegate.randint(a, b);
  }

  @Override
  public <T> void shuffle(List<T> x) {
    calls.add("shuffle(" + x.size() + ")");
    delegate.shuffle(x);
  }

  @Override
  public void shuffle(int[] x) {
    calls.add("shuffle(" + x.length + ")");
    delegate.shuffle(x);
  }
}
