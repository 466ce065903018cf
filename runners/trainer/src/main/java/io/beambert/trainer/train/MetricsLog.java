package io.beambert.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.trainer.model.PretrainingLoss;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends the run's metrics to {@code DIR/metrics.jsonl}, one JSON object per line, flushed as it
 * is written: {@code "kind":"train"} lines every {@code every} steps (the steps' totals) and {@code
 * "kind":"eval"} lines for each held-out evaluation. README lists the fields.
 */
public final class MetricsLog implements TrainingListener, AutoCloseable {
  public static final String FILE = "metrics.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;
  private final int every;
  private StepReport pending;

  private MetricsLog(BufferedWriter out, int every) {
    this.out = out;
    this.every = every;
  }

  /**
   * Opens the log of a run, keeping the lines of steps up to {@code keepThrough} (a resumed run's
   * checkpoint) and dropping later ones, which the resumed run logs again.
   */
  public static MetricsLog open(Path runDir, int every, int keepThrough) throws IOException {
    Path file = runDir.resolve(FILE);
    List<String> kept = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        JsonNode n = parse(line);
        if (n != null && n.path("step").asInt(Integer.MAX_VALUE) <= keepThrough) {
          kept.add(line);
        }
      }
    }
    Path tmp = runDir.resolve(FILE + ".tmp");
    Files.write(tmp, kept, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new MetricsLog(
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND), every);
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      return null; // a line cut off by a killed run
    }
  }

  @Override
  public void onStep(StepReport report) throws IOException {
    pending = pending == null ? report : merge(pending, report);
    if (pending.steps() >= every) {
      flushPending();
    }
  }

  private static StepReport merge(StepReport a, StepReport b) {
    return new StepReport(b.step(), a.steps() + b.steps(), b.learningRate(), b.gradientNorm(),
        a.stats().plus(b.stats()), a.seconds() + b.seconds(),
        a.dataWaitSeconds() + b.dataWaitSeconds(), a.realTokens() + b.realTokens(),
        a.tokenSlots() + b.tokenSlots());
  }

  private void flushPending() throws IOException {
    if (pending == null) {
      return;
    }
    StepReport r = pending;
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "train");
    n.put("step", r.step());
    n.put("lr", r.learningRate());
    putStats(n, r.stats());
    n.put("grad_norm", r.gradientNorm());
    n.put("samples_per_second", round(r.samplesPerSecond()));
    n.put("data_wait_fraction", round(r.dataWaitFraction()));
    n.put("padded_fraction", round(r.paddedFraction()));
    n.put("seconds", round(r.seconds()));
    write(n);
    pending = null;
  }

  @Override
  public void onEvaluation(int step, Evaluation heldOut) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "eval");
    n.put("step", step);
    putStats(n, heldOut.stats());
    n.put("mlm_majority_baseline", heldOut.majorityBaseline());
    write(n);
  }

  private static void putStats(ObjectNode n, PretrainingLoss.Stats s) {
    n.put("loss", s.loss());
    n.put("mlm_loss", s.mlmLoss());
    n.put("mlm_accuracy", s.mlmAccuracy());
    n.put("nsp_loss", s.nspLoss());
    n.put("nsp_accuracy", s.nspAccuracy());
    n.put("instances", s.instances());
    n.put("masked_positions", Math.round(s.mlmCount()));
  }

  private static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }

  private void write(ObjectNode n) throws IOException {
    out.write(JSON.writeValueAsString(n));
    out.newLine();
    out.flush();
  }

  @Override
  public void onCheckpoint(int step, Path checkpoint) throws IOException {
    flushPending();
  }

  @Override
  public void onEnd(int step) throws IOException {
    flushPending();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
