package io.beambert.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.VarInt;

/**
 * A job submitted to a remote Flink cluster, found through the cluster's REST API by its name
 * ({@code --jobName}, unique by default): its Beam counters, and cancelling it.
 *
 * <p>Counters are read while the job runs and after it ends: the FlinkRunner keeps a job's Beam metrics in the Flink
 * accumulator {@code __metricscontainers}, which the TaskManagers report with their heartbeats and
 * {@code GET /jobs/JID/accumulators} returns. The client's own JVM runs none of the job, so its
 * in-process counters stay at 0.
 *
 * Beam's Flink batch translation runs one bundle per task, so a task's counts reach the cluster when
 * it ends. A cluster that cannot be reached, or a job not yet submitted, reads as 0.
 */
final class FlinkClusterJob {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUM_INT64 = "beam:metrics:sum_int64:v1";
  private static final Duration MAX_AGE = Duration.ofMillis(500);

  private final String master;
  private final String base;
  private final String jobName;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private String jobId;
  private JsonNode snapshot;
  private long snapshotNanos;

  FlinkClusterJob(String master, String jobName) {
    this.master = master;
    this.base = "http://" + master;
    this.jobName = jobName;
  }

  /**
   * The job the options submit, when they name a FlinkRunner with a remote {@code --flinkMaster}
   * (not {@code [local]}, {@code [auto]} or {@code [collection]}); found by {@code --jobName}.
   */
  static Optional<FlinkClusterJob> of(PipelineOptions options) {
    return remoteMaster(options).map(m -> new FlinkClusterJob(m, options.getJobName()));
  }

  /** The cluster's {@code host:port}. */
  String master() {
    return master;
  }

  /**
   * The {@code host:port} of the cluster the options submit to, when remote. Read by name: this
   * module does not compile against the runners.
   */
  private static Optional<String> remoteMaster(PipelineOptions options) {
    if (!BeamArgs.isFlink(options.getRunner().getName())) {
      return Optional.empty();
    }
    try {
      Class<? extends PipelineOptions> flink =
          Class.forName("org.apache.beam.runners.flink.FlinkPipelineOptions")
              .asSubclass(PipelineOptions.class);
      String master = (String) flink.getMethod("getFlinkMaster").invoke(options.as(flink));
      if (master == null || master.startsWith("[")) {
        return Optional.empty();
      }
      return Optional.of(master.replaceFirst("^https?://", "").replaceFirst("/+$", ""));
    } catch (ReflectiveOperationException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /** The sum of the attempted values of the named counters in {@code namespace}, over all steps. */
  synchronized long counter(String namespace, Set<String> names) {
    JsonNode metrics = metrics();
    long sum = 0;
    for (JsonNode m : metrics) {
      JsonNode labels = m.path("labels");
      if (SUM_INT64.equals(m.path("type").asText())
          && namespace.equals(labels.path("NAMESPACE").asText())
          && names.contains(labels.path("NAME").asText())) {
        sum += decodeSum(m.path("payload").asText());
      }
    }
    return sum;
  }

  /**
   * Asks the cluster to cancel the job and waits up to {@code wait} for it to stop. Returns what
   * became of it, in words: "cancelled", "not submitted", or "may still run".
   */
  synchronized String cancel(Duration wait) throws InterruptedException {
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      // A submission still in flight from this JVM may yet create the job.
      while (jobId == null && System.nanoTime() < deadline - wait.toNanos() / 2) {
        jobId = findJob();
        if (jobId == null) {
          Thread.sleep(200);
        }
      }
      if (jobId == null) {
        return "not submitted";
      }
      http.send(
          HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
              .method("PATCH", HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      while (System.nanoTime() < deadline) {
        String state = get("/jobs/" + jobId).path("state").asText();
        if (Set.of("CANCELED", "FAILED", "FINISHED").contains(state)) {
          return state.equals("FINISHED") ? "finished" : "cancelled";
        }
        Thread.sleep(200);
      }
    } catch (IOException e) {
      // cluster not reachable: the job may go on
    }
    return "may still run";
  }

  /** A counter's payload: a base64 var-int. */
  static long decodeSum(String payload) {
    try {
      return VarInt.decodeLong(new ByteArrayInputStream(Base64.getDecoder().decode(payload)));
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    }
  }

  /** The job's attempted metrics (a JSON array), at most {@link #MAX_AGE} old; empty if unknown. */
  private JsonNode metrics() {
    long now = System.nanoTime();
    if (snapshot != null && now - snapshotNanos < MAX_AGE.toNanos()) {
      return snapshot;
    }
    JsonNode result = JSON.createArrayNode();
    try {
      if (jobId == null) {
        jobId = findJob();
      }
      if (jobId != null) {
        for (JsonNode acc : get("/jobs/" + jobId + "/accumulators").path("user-task-accumulators")) {
          if (acc.path("name").asText().equals("__metricscontainers")) {
            result = JSON.readTree(acc.path("value").asText()).path("metrics").path("attempted");
          }
        }
      }
    } catch (IOException e) {
      // cluster not reachable right now: report 0 this time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    snapshot = result;
    snapshotNanos = now;
    return result;
  }

  /** The id of the newest job of this name, or null. */
  private String findJob() throws IOException, InterruptedException {
    String id = null;
    long newest = Long.MIN_VALUE;
    for (JsonNode job : get("/jobs/overview").path("jobs")) {
      if (job.path("name").asText().equals(jobName) && job.path("start-time").asLong() > newest) {
        newest = job.path("start-time").asLong();
        id = job.path("jid").asText();
      }
    }
    return id;
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + " from " + base + path);
    }
    return JSON.readTree(response.body());
  }
}
