package io.beambert.pipelines;

import io.beambert.transforms.ProgressCounters;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * Prints a progress line every few seconds while a pipeline runs: {@code progress: documents N,
 * instances M, X inst/s, T s}, where X is the rate since the previous line.
 *
 * <p>The counts come from a {@link Source}: this JVM's {@link ProgressCounters} (readable while a
 * DirectRunner or embedded Flink job runs, whose {@code run()} only returns at the end), a {@link
 * PipelineResult}'s attempted counter metrics, or anything else that counts (a remote Flink job's
 * counters through the cluster's REST API, {@code FlinkClusterJob}; a stream's manifest). The reporter is a daemon thread; {@link #close()} stops it and prints a last line.
 *
 * <pre>{@code
 * try (ProgressReporter progress =
 *     ProgressReporter.start(ProgressReporter.localCounters(), Duration.ofSeconds(3), System.err::println)) {
 *   pipeline.run().waitUntilFinish();
 * }
 * }</pre>
 */
public final class ProgressReporter implements AutoCloseable {

  /** Current totals: documents and instances processed so far. */
  public interface Source {
    /** Documents processed so far. */
    long documents();

    /** Instances produced so far. */
    long instances();
  }

  private final Source source;
  private final Consumer<String> sink;
  private final long startNanos = System.nanoTime();
  private final Thread thread;
  private long lastNanos = startNanos;
  private long lastInstances;
  private volatile boolean stopped;

  private ProgressReporter(Source source, Duration every, Consumer<String> sink) {
    this.source = source;
    this.sink = sink;
    long millis = Math.max(1, every.toMillis());
    this.thread =
        new Thread(
            () -> {
              while (!stopped) {
                try {
                  Thread.sleep(millis);
                } catch (InterruptedException e) {
                  return;
                }
                if (!stopped) {
                  report();
                }
              }
            },
            "beambert-progress");
    thread.setDaemon(true);
  }

  /** Starts reporting {@code source} to {@code sink} every {@code every}. */
  public static ProgressReporter start(Source source, Duration every, Consumer<String> sink) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("progress interval must be positive, got " + every);
    }
    ProgressReporter r = new ProgressReporter(source, every, sink);
    r.thread.start();
    return r;
  }

  /** This JVM's {@link ProgressCounters}. */
  public static Source localCounters() {
    return of(ProgressCounters::documents, ProgressCounters::instances);
  }

  /**
   * The attempted values of two counters of a running pipeline (summed over steps); 0 while a
   * runner cannot report them yet.
   */
  public static Source metrics(
      PipelineResult result, String namespace, String documentsCounter, String instancesCounter) {
    return of(
        () -> counter(result, namespace, documentsCounter),
        () -> counter(result, namespace, instancesCounter));
  }

  /** A source over two suppliers. */
  public static Source of(LongSupplier documents, LongSupplier instances) {
    return new Source() {
      @Override
      public long documents() {
        return documents.getAsLong();
      }

      @Override
      public long instances() {
        return instances.getAsLong();
      }
    };
  }

  static long counter(PipelineResult result, String namespace, String name) {
    try {
      MetricQueryResults q =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.named(namespace, name))
                      .build());
      long sum = 0;
      for (MetricResult<Long> c : q.getCounters()) {
        Long v = c.getAttempted();
        sum += v == null ? 0 : v;
      }
      return sum;
    } catch (UnsupportedOperationException | IllegalStateException e) {
      return 0; // this runner has no metrics before the end
    }
  }

  /** Prints one line now. */
  public synchronized void report() {
    long now = System.nanoTime();
    long documents = source.documents();
    long instances = source.instances();
    double interval = (now - lastNanos) / 1e9;
    double rate = interval > 0 ? (instances - lastInstances) / interval : 0;
    lastNanos = now;
    lastInstances = instances;
    sink.accept(
        String.format(
            Locale.ROOT,
            "progress: documents %,d, instances %,d, %,.0f inst/s, %.1f s",
            documents,
            instances,
            rate,
            (now - startNanos) / 1e9));
  }

  /** Stops the thread and prints a final line. */
  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    report();
  }
}
