package io.beambert.transforms;

import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide running totals of the distributed generator, for progress reports while a pipeline
 * runs in this JVM (DirectRunner, embedded Flink), where a runner's metrics are not readable until
 * the run ends.
 *
 * <p>The totals are for display only: a retried bundle counts twice, and on a Flink cluster they
 * stay in the task managers. The exact counts come from Beam metrics and {@code _metadata.json}.
 * Thread-safe.
 */
public final class ProgressCounters {
  private static final LongAdder DOCUMENTS = new LongAdder();
  private static final LongAdder INSTANCES = new LongAdder();

  private ProgressCounters() {}

  /** Adds processed documents (each counted once, not per pass). */
  public static void addDocuments(long n) {
    DOCUMENTS.add(n);
  }

  /** Adds written instances. */
  public static void addInstances(long n) {
    INSTANCES.add(n);
  }

  /** Documents processed so far in this JVM. */
  public static long documents() {
    return DOCUMENTS.sum();
  }

  /** Instances written so far in this JVM. */
  public static long instances() {
    return INSTANCES.sum();
  }

  /** Sets both totals to zero (at the start of a run). */
  public static void reset() {
    DOCUMENTS.reset();
    INSTANCES.reset();
  }
}
