package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.transforms.ProgressCounters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  private static final List<String> LINES = new CopyOnWriteArrayList<>();
  private static volatile CountDownLatch seen = new CountDownLatch(1);
  private static final AtomicBoolean REPORTED_WHILE_RUNNING = new AtomicBoolean();

  private static void sink(String line) {
    LINES.add(line);
    if (line.contains("documents 1, instances 7,")) {
      seen.countDown();
    }
  }

  /** Adds to the local counters, then waits (bounded) for a progress line that shows them. */
  static final class WaitForReportFn extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String s, OutputReceiver<String> out) throws InterruptedException {
      ProgressCounters.addDocuments(1);
      ProgressCounters.addInstances(7);
      REPORTED_WHILE_RUNNING.set(seen.await(60, TimeUnit.SECONDS));
      out.output(s);
    }
  }

  private void reportsWhileRunning(String... args) {
    ProgressCounters.reset();
    LINES.clear();
    seen = new CountDownLatch(1);
    REPORTED_WHILE_RUNNING.set(false);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(BeamArgs.prepare(args)).create());
    p.apply(Create.of("one")).apply(ParDo.of(new WaitForReportFn()));
    try (ProgressReporter r =
        ProgressReporter.start(
            ProgressReporter.localCounters(), Duration.ofMillis(50), ProgressReporterTest::sink)) {
      p.run().waitUntilFinish();
    }
    assertTrue(REPORTED_WHILE_RUNNING.get(), "no progress line during the run: " + LINES);
    assertTrue(LINES.get(LINES.size() - 1).startsWith("progress: documents 1, instances 7, "));
  }

  @Test
  void reportsWhileDirectRunnerRuns() {
    reportsWhileRunning("--parallelism=1");
  }

  @Test
  void reportsWhileEmbeddedFlinkRuns() {
    reportsWhileRunning("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1");
  }

  static final class CountFn extends DoFn<Integer, Integer> {
    private final Counter documents = Metrics.counter("progress-test", "documents");
    private final Counter instances = Metrics.counter("progress-test", "instances");

    @ProcessElement
    public void process(@Element Integer n) {
      documents.inc();
      instances.inc(n);
    }
  }

  @Test
  void readsCounterMetricsOfAResult() {
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(BeamArgs.prepare(new String[] {"--blockOnRun=false"}))
                .create());
    p.apply(Create.of(3, 4, 5)).apply(ParDo.of(new CountFn()));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    ProgressReporter.Source source =
        ProgressReporter.metrics(result, "progress-test", "documents", "instances");
    assertEquals(3, source.documents());
    assertEquals(12, source.instances());
    List<String> lines = new CopyOnWriteArrayList<>();
    ProgressReporter r = ProgressReporter.start(source, Duration.ofHours(1), lines::add);
    r.close();
    assertTrue(lines.get(0).startsWith("progress: documents 3, instances 12, "), lines.toString());
  }
}
