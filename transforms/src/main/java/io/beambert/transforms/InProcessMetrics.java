package io.beambert.transforms;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.metrics.BoundedTrie;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.StringSet;

/**
 * A metrics container for steps run in this JVM without a pipeline (e.g. {@link
 * CountCorpusWords#countInProcess}): code that updates Beam metrics reports into it while it is
 * the thread's current container. Thread-safe. It keeps counters; other kinds of metric are
 * accepted and dropped.
 *
 * <pre>{@code
 * InProcessMetrics metrics = new InProcessMetrics();
 * try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
 *   counts = CountCorpusWords.create().countInProcess(files, threads);
 * }
 * long lines = metrics.counters("io.beambert.").get("corpus_lines_read");
 * }</pre>
 */
public final class InProcessMetrics implements MetricsContainer {
  private static final long serialVersionUID = 1L;

  private final Map<MetricName, LongAdder> counters = new ConcurrentHashMap<>();

  @Override
  public Counter getCounter(MetricName name) {
    LongAdder value = counters.computeIfAbsent(name, n -> new LongAdder());
    return new Counter() {
      private static final long serialVersionUID = 1L;

      @Override
      public void inc() {
        value.increment();
      }

      @Override
      public void inc(long n) {
        value.add(n);
      }

      @Override
      public void dec() {
        value.decrement();
      }

      @Override
      public void dec(long n) {
        value.add(-n);
      }

      @Override
      public MetricName getName() {
        return name;
      }
    };
  }

  @Override
  public Distribution getDistribution(MetricName name) {
    return new Dropped(name);
  }

  @Override
  public Gauge getGauge(MetricName name) {
    return new Dropped(name);
  }

  @Override
  public StringSet getStringSet(MetricName name) {
    return new Dropped(name);
  }

  @Override
  public BoundedTrie getBoundedTrie(MetricName name) {
    return new Dropped(name);
  }

  /** A metric of a kind this container does not keep: its updates are dropped. */
  private static final class Dropped implements Distribution, Gauge, StringSet, BoundedTrie {
    private static final long serialVersionUID = 1L;

    private final MetricName name;

    Dropped(MetricName name) {
      this.name = name;
    }

    @Override
    public void update(long value) {}

    @Override
    public void update(long sum, long count, long min, long max) {}

    @Override
    public void set(long value) {}

    @Override
    public void add(String value) {}

    @Override
    public void add(String... values) {}

    @Override
    public void add(Iterable<String> values) {}

    @Override
    public MetricName getName() {
      return name;
    }
  }

  /**
   * The counters whose namespace starts with {@code namespacePrefix}, by name (summed over
   * namespaces), in name order: what a pipeline's result gives for the same work.
   */
  public Map<String, Long> counters(String namespacePrefix) {
    Map<String, Long> out = new TreeMap<>();
    for (Map.Entry<MetricName, LongAdder> e : counters.entrySet()) {
      if (e.getKey().getNamespace().startsWith(namespacePrefix)) {
        out.merge(e.getKey().getName(), e.getValue().sum(), Long::sum);
      }
    }
    return out;
  }
}
